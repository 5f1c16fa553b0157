# Attack (issue 12, class 4): the submitted notebook is itself a link to the instructor's source
# notebook, whose answer cells hold the solutions; nbgrader would read it through the link.
# no-better-than: attack-baseline-wrong
# expect: q1_ema_tests=zero
# expect: q1_formulas_tests=zero
# symlink: q1_ema.ipynb -> ../../../source/midterm/q1_ema.ipynb
