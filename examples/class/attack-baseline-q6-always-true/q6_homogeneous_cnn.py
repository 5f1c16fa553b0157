# The honest answer attack-q6-introspect-zoo falls back to: a checker that always says True.
# Every group of the zoo mixes True and False, so it scores 0.
# expect: q6_checker_tests=zero
# %% q6_checker
def is_positive_homogeneous(f, x):
    return True
