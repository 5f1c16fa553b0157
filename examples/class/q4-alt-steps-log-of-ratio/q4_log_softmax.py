# Correct, written differently: each entry as the log of the softmax ratio, the sum via sp.Add;
# twice_minus_once as log 1.
# expect: q4_steps_tests=full
# %% q4_steps
def log_softmax_sym(zs):
    total = sp.Add(*[sp.exp(z) for z in zs])
    return [sp.log(sp.exp(z) / total) for z in zs]


twice_minus_once = sp.log(1)
