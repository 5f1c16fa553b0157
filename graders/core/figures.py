"""Pictures for feedback: small line plots rendered to PNG bytes (matplotlib, no display)."""

import io

import matplotlib

matplotlib.use("Agg")
from matplotlib import pyplot  # noqa: E402 (the backend must be chosen first)


def line_plot(
    series: dict, *, title: str, xlabel: str, ylabel: str, markers: set = frozenset()
) -> bytes:
    """``series``: {label: (xs, ys)}; labels in ``markers`` are drawn as points, the rest as
    lines."""
    figure, axes = pyplot.subplots(figsize=(6, 3.2), dpi=90)
    try:
        for label, (xs, ys) in series.items():
            style = (
                {"marker": "o", "linestyle": "none", "markersize": 4}
                if label in markers
                else {"linewidth": 2}
            )
            axes.plot(list(xs), list(ys), label=label, **style)
        axes.set(title=title, xlabel=xlabel, ylabel=ylabel)
        axes.grid(alpha=0.3)
        axes.legend(fontsize=8)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        return buffer.getvalue()
    finally:
        pyplot.close(figure)
