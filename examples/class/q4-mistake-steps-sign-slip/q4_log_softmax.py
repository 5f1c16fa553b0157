# Mistake: a sign slip, log sum_j e^{z_j} - z_i: shift invariant, but not normalised.
# expect: q4_steps_tests=partial
# fails: log_softmax_sym_is_log_softmax, normaliser_lemma, shift_invariance_lemma, idempotence
# %% q4_steps
def log_softmax_sym(zs):
    normaliser = sp.log(sum(sp.exp(z) for z in zs))
    return [normaliser - z for z in zs]


twice_minus_once = 0
