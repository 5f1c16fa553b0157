# Correct, written differently: -log(1 + sum_{j != i} e^{z_j - z_i}), a tuple turned into a list,
# and twice_minus_once left unsimplified.
# expect: q4_steps_tests=full
# %% q4_steps
def log_softmax_sym(zs):
    return list(tuple(-sp.log(1 + sum(sp.exp(other - z) for j, other in enumerate(zs) if j != i))
                      for i, z in enumerate(zs)))


twice_minus_once = sp.log(sp.exp(2)) - 2
