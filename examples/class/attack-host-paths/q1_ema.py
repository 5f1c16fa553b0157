# Attack (issue 12, class 8): learn where the course lives on the host (to aim any later escape
# at it) from what the kernel can read: every path named in the readable files of /proc/self,
# /proc/1 and the kernel's parent (mountinfo, mounts, cmdline, environ, maps, ...), the links
# cwd/exe/root, the environment, sys.path and the modules' files. All printed into the notebook.
# With wrong answers.
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
import os, re, sys
_paths = set()
_skip = {"mem", "pagemap", "clear_refs", "kpageflags", "kcore", "kmsg", "timerslack_ns"}
for _proc in {"/proc/self", "/proc/1", f"/proc/{os.getppid()}"}:
    for _name in sorted(os.listdir(_proc)) if os.path.isdir(_proc) else []:
        _path = os.path.join(_proc, _name)
        try:
            if os.path.islink(_path):
                _text = os.readlink(_path)
            elif _name in _skip or not os.path.isfile(_path):
                continue
            else:
                with open(_path, "rb") as _file:
                    _text = _file.read(1 << 20).decode("latin-1")
        except OSError:
            continue
        _paths |= set(re.findall(r"/[\w.+-]+(?:/[\w.+-]+)+", _text.replace("\0", " ")))
_paths |= set(re.findall(r"/[\w.+-]+(?:/[\w.+-]+)+", repr(dict(os.environ)) + repr(sys.path) + sys.prefix + sys.executable))
_paths |= {os.path.dirname(getattr(_m, "__file__", None) or "/") for _m in list(sys.modules.values())}
print("paths the kernel can see:", *sorted(p for p in _paths if p.count("/") <= 4), sep="\n")
