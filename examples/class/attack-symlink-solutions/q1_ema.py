# Attack (issue 12, class 4): links in the submitted folder to the instructor's files, so that
# nbgrader's copies (autograded/, the sandbox's scratch copy, feedback/) follow them: the source
# notebook with the solutions (as .txt and as .html, which release_feedback would hand out), the
# whole source folder, the gradebook from a nested folder, an absolute link, a dangling link and
# a named pipe (a copy that opens it hangs). The extra cell runs any solution it can read, with
# wrong answers otherwise.
# no-better-than: attack-baseline-wrong
# expect: q1_ema_tests=less
# expect: q1_formulas_tests=less
# symlink: notes.txt -> ../../../source/midterm/q1_ema.ipynb
# symlink: notes.html -> ../../../source/midterm/q1_ema.ipynb
# symlink: course-source -> ../../../source
# symlink: data/grades.db -> ../../../../gradebook.db
# symlink: passwd.txt -> /etc/passwd
# symlink: dangling.txt -> ../nowhere/at/all
# fifo: pipe.txt
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
import json, os, stat
_found = []
for _dir, _dirs, _files in os.walk(".", followlinks=True):
    for _name in _files:
        _path = os.path.join(_dir, _name)
        try:
            if _path == "./q1_ema.ipynb" or not stat.S_ISREG(os.stat(_path).st_mode):
                continue
            _text = open(_path, errors="replace").read(10**7)
        except OSError:
            continue
        if "BEGIN " + "SOLUTION" in _text or "SQLite " + "format 3" in _text:  # not shown literally
            _found.append(_path)
            try:
                for _cell in json.loads(_text)["cells"]:
                    if _cell["cell_type"] == "code" and _cell["metadata"].get("nbgrader", {}).get("solution"):
                        exec("".join(_cell["source"]))
            except Exception:
                pass
print("not regular files here:", sorted(p for p in os.listdir(".") if os.path.islink(p) or not (os.path.isfile(p) or os.path.isdir(p))))
print("course files found:", len(_found))
