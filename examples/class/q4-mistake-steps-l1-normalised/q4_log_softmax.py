# Mistake: normalising by the sum of |z_j| (softmax confused with L1 normalisation): the
# exponentials sum to 1, but adding c to every z_j changes the entries.
# expect: q4_steps_tests=partial
# fails: log_softmax_sym_is_log_softmax, shift_invariance_lemma, idempotence
# %% q4_steps
def log_softmax_sym(zs):
    total = sum(sp.Abs(z) for z in zs)
    return [sp.log(sp.Abs(z) / total) for z in zs]


twice_minus_once = 0
