# Mistake: a sign slip, log sum_j e^{z_j} - z_i: shift invariant, but not normalised.
# expect: q4_steps_tests=partial
# %% q4_steps
def log_softmax_sym(zs):
    normaliser = sp.log(sum(sp.exp(z) for z in zs))
    return [normaliser - z for z in zs]


twice_minus_once = 0
