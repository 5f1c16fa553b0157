# Attack on the ban: the built-in looked up by a name built from strings, which a scan for
# banned names does not see. The grader cannot follow such a lookup: the whole cell scores 0.
# no-better-than: q4-mistake-no-max-shift
# expect: q4_log_softmax_tests=zero
# %% q4_log_softmax
def log_softmax(z, dim=-1):
    return getattr(torch, "log_" + "soft" + "max")(z, dim)
