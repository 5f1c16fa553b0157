# Correct, written differently: the seed's construction made safe with Max (C > 0 for
# eps/N > log 2) and a +1 for strictness; the bound unsimplified as a sum of equal terms.
# expect: q3_steps_tests=full
# %% q3_steps
loss_bound = N * sp.log((sp.exp(C * t) + 1) / sp.exp(C * t))
scale_formula = (sp.Max(-sp.log(sp.exp(eps / N) - 1), 0) + 1) / t
