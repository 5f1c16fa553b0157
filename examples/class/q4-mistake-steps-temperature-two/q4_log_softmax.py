# Mistake: log-softmax of 2z (a stray factor 2, a temperature 1/2): normalised and shift
# invariant, but applying it twice gives the log-softmax of 4z: not idempotent.
# expect: q4_steps_tests=partial
# fails: log_softmax_sym_is_log_softmax, idempotence
# %% q4_steps
def log_softmax_sym(zs):
    normaliser = sp.log(sum(sp.exp(2 * z) for z in zs))
    return [2 * z - normaliser for z in zs]


twice_minus_once = 0
