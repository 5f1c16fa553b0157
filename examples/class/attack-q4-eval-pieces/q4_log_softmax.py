# Attack on the ban: eval of a string assembled from pieces, so no banned name appears anywhere.
# no-better-than: q4-mistake-no-max-shift
# expect: q4_log_softmax_tests=zero
# %% q4_log_softmax
def log_softmax(z, dim=-1):
    return eval("torch." + "log_" + "softmax")(z, dim)
