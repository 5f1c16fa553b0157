# Attack: the answer cell runs normally once, but hangs (ignoring the interrupt) whenever it is
# run again, and a later cell kills the kernel, so the grader must restore it by replaying the
# answer cell. The kernel cannot be brought back: the grader gives it up (once, not a timeout
# per check), the cells left and every check score 0 at once with that reason, and the batch
# carries on.
# no-better-than: attack-baseline-wrong
# expect: q1_ema_tests=zero
# expect: q1_formulas_tests=zero
# %% q1_ema
import os, signal, time
if os.path.exists("ran-once"):
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        time.sleep(0.1)
open("ran-once", "w").close()
def ema(g, beta):
    m = torch.zeros((g.shape[0] + 1, *g.shape[1:]), dtype=g.dtype)
    for step in range(g.shape[0]):
        m[step + 1] = (1 - beta) * m[step] + beta * g[step]
    return m
# %% q1_formulas
os._exit(0)
