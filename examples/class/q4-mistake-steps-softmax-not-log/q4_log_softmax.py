# Mistake: the softmax itself, e^{z_i} / sum_j e^{z_j}, not its log.
# expect: q4_steps_tests=partial
# fails: log_softmax_sym_is_log_softmax, normaliser_lemma, shift_invariance_lemma, idempotence
# %% q4_steps
def log_softmax_sym(zs):
    total = sum(sp.exp(z) for z in zs)
    return [sp.exp(z) / total for z in zs]


twice_minus_once = 0
