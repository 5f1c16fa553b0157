# Mistake: the right twin, but twice_minus_once = -log 3, as if the second application
# subtracted log k again (forgetting that its exponentials already sum to 1).
# expect: q4_steps_tests=partial
# fails: twice_minus_once_is_zero
# %% q4_steps
def log_softmax_sym(zs):
    normaliser = sp.log(sum(sp.exp(z) for z in zs))
    return [z - normaliser for z in zs]


twice_minus_once = -sp.log(3)
