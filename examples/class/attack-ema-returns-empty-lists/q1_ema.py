# Attack: ema returns half a million empty lists, which the runtime encodes faithfully (16 bytes
# each) and which would decode in the grader to a structure many times the reply's size. The
# codec refuses a reply with more JSON values than its cap before decoding it.
# no-better-than: attack-baseline-wrong
# expect: q1_ema_tests=less
# expect: q1_formulas_tests=partial
# %% q1_ema
def ema(g, beta):
    return [[]] * 500_000
# %% q1_formulas
mean_mk = mu
var_mk = sigma**2 * (1 - beta) / (1 + beta) * (1 - beta**(2 * k))
var_limit = sigma**2
