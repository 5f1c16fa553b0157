# Attack: a bounded thread and process storm (1000 threads, 300 forked children, each asleep
# for a while), leaving the children behind when the kernel is restarted or shut down.
# The sandbox's process cap stops the storm; the pid namespace takes the children down with it.
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
import os, threading, time
_threads = 0
try:
    for _ in range(1000):
        threading.Thread(target=time.sleep, args=(3,), daemon=True).start()
        _threads += 1
except RuntimeError:
    pass
_children = 0
try:
    for _ in range(300):
        if os.fork() == 0:
            os.setsid()
            time.sleep(600)
            os._exit(0)
        _children += 1
except OSError:
    pass
print(f"storm: {_threads} threads, {_children} processes")
