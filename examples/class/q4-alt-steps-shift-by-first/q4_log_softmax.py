# Correct, written differently: shifted by the first entry (as the code shifts by the max), a
# loop building the list; twice_minus_once as the float 0.0.
# expect: q4_steps_tests=full
# %% q4_steps
def log_softmax_sym(zs):
    first = zs[0]
    normaliser = 0
    for z in zs:
        normaliser = normaliser + sp.exp(z - first)
    entries = []
    for z in zs:
        entries.append(z - first - sp.log(normaliser))
    return entries


twice_minus_once = 0.0
