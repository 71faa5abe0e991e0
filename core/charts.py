"""Charts: figures are built in Python with plotly and drawn by plotly.js from our own static files.

`figure_html(fig)` returns a `<div>` carrying the figure as JSON in a data attribute;
static/kedao/charts.js draws every such div (also after HTMX swaps). No inline script, so the
strict Content-Security-Policy holds. A page that shows charts puts `{% chart_assets %}` (from
`{% load charts %}`) in its `extra_js` block.
"""

import functools
import json

from django.utils.html import format_html
from plotly.utils import PlotlyJSONEncoder

# Shared look: the page's font, no plotly logo, transparent background so cards show through.
BASE_LAYOUT = {
    "font": {"family": "system-ui, -apple-system, 'Segoe UI', 'Microsoft YaHei', 'WenQuanYi Micro Hei', sans-serif",
             "size": 13},
    "paper_bgcolor": "rgba(0,0,0,0)",
    "plot_bgcolor": "rgba(0,0,0,0)",
    "margin": {"l": 48, "r": 16, "t": 32, "b": 48},
}


def figure_html(fig, *, height=360, label=""):
    """The figure as a CSP-safe placeholder div; `label` is read by screen readers.

    `fig` is a plotly Figure, or the same figure as a dict ({"data": [...], "layout": {...}}, the
    form plotly.js reads): pages drawn on every visit (the home page's dashboards) build dicts,
    because a validated Figure costs 3–5 ms to build and serialise against 0.1 ms (a test checks
    those dicts against plotly's own validation). Either way the shared look below is applied, over
    the figure's own layout, as `update_layout` did."""
    spec = fig if isinstance(fig, dict) else fig.to_plotly_json()
    layout = _merged(spec.get("layout") or {}, BASE_LAYOUT)
    if "template" not in layout:
        layout["template"] = _default_template()
    if height:
        layout["height"] = height
    payload = json.dumps({"data": spec.get("data") or [], "layout": layout}, cls=PlotlyJSONEncoder,
                         separators=(",", ":"), ensure_ascii=False)
    return format_html(
        # role="figure", not "img": plotly adds controls (legend, mode bar) inside, and an image
        # may not contain interactive elements (axe-core: nested-interactive).
        '<div class="kd-chart" role="figure" aria-label="{}" data-figure="{}"></div>',
        label, payload,
    )


def pop_title(fig):
    """The figure's title text, taken out of it (report pages show it above the chart, as HTML)."""
    if isinstance(fig, dict):
        title = (fig.get("layout") or {}).pop("title", None)
        return (title.get("text") if isinstance(title, dict) else title) or ""
    title = fig.layout.title.text or ""
    fig.update_layout(title=None)
    return title


def _merged(layout, over):
    """`layout` with `over` written onto it, nested dicts merged (plotly's update_layout)."""
    result = dict(layout)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = _merged(result[key], value)
        else:
            result[key] = value
    return result


@functools.cache
def _default_template():
    """plotly's default template, as a Figure carries it: dict figures look like the others."""
    import plotly.io as pio

    return pio.templates[pio.templates.default].to_plotly_json()
