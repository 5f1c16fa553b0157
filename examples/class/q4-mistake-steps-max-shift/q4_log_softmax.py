# Mistake: z_i - max_j z_j (the code's first step taken for the whole function): shift invariant
# and idempotent, but not normalised, so neither lemma counts.
# expect: q4_steps_tests=partial
# fails: log_softmax_sym_is_log_softmax, normaliser_lemma, shift_invariance_lemma, idempotence
# %% q4_steps
def log_softmax_sym(zs):
    top = sp.Max(*zs)
    return [z - top for z in zs]


twice_minus_once = 0
