# Attack (issue 12, class 5): content that runs script in the browser of whoever views the
# notebook (the TA's formgrader, the feedback page): HTML with <script>, event handlers and
# javascript: URLs, JavaScript and widget outputs, SVG with script, an iframe, a refresh, a
# PNG whose data breaks out of its attribute, and the same in the Markdown proof. Each sets
# window.pwned if it runs. With wrong answers.
# no-better-than: attack-baseline-wrong
# expect: q1_ema_tests=less
# expect: q1_formulas_tests=less
# %% q1_proof
Since $0 < \beta < 1$ the weights sum to one. <img src=x onerror="window.pwned='proof-img'">
<script>window.pwned = 'proof-script'</script><a href="javascript:window.pwned='proof-link'">see</a>
<svg onload="window.pwned='proof-svg'"></svg><iframe srcdoc="<script>parent.pwned='proof-iframe'</script>"></iframe>
<meta http-equiv="refresh" content="0; url=javascript:window.pwned='proof-refresh'">
[a link](javascript:window.pwned='proof-md-link') <details open ontoggle="window.pwned='proof-details'">x</details>
# %% q1_ema
def ema(g, beta):
    m = torch.zeros((g.shape[0] + 1, *g.shape[1:]), dtype=g.dtype)
    for step in range(g.shape[0]):
        m[step + 1] = (1 - beta) * m[step] + beta * g[step]
    return m
# %% q1_formulas
mean_mk = mu
var_mk = sigma**2 * (1 - beta) / (1 + beta) * (1 - beta**(2 * k))
var_limit = sigma**2
# %% extra
from IPython.display import HTML, SVG, Javascript, Markdown, display
display(HTML("<b>hi</b><script>window.pwned = 'html-script'</script><img src=x onerror=\"window.pwned='html-img'\">"))
display(Javascript("window.pwned = 'javascript'"))
display(SVG('<svg xmlns="http://www.w3.org/2000/svg" onload="window.pwned=\'svg-onload\'"><script>window.pwned = \'svg\'</script></svg>'))
display(Markdown("<img src=x onerror=\"window.pwned='markdown-output'\">"))
display({"application/vnd.jupyter.widget-view+json": {"model_id": "x", "version_major": 2, "version_minor": 0},
         "text/html": "<iframe srcdoc=\"<script>parent.pwned='widget-iframe'</script>\"></iframe>"}, raw=True)
display({"image/png": "AAAA\" onerror=\"window.pwned='png'", "text/plain": "a picture"}, raw=True)
display({"text/latex": "$\\href{javascript:window.pwned='latex'}{x}$", "text/plain": "latex"}, raw=True)

class _Active:
    def _repr_html_(self):
        return "<details open ontoggle=\"window.pwned='details'\">x</details><meta http-equiv='refresh' content='0'>"

_Active()
