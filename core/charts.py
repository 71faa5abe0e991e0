"""Charts: figures are built in Python with plotly and drawn by plotly.js from our own static files.

`figure_html(fig)` returns a `<div>` carrying the figure as JSON in a data attribute;
static/kedao/charts.js draws every such div (also after HTMX swaps). No inline script, so the
strict Content-Security-Policy holds. A page that shows charts puts `{% chart_assets %}` (from
`{% load charts %}`) in its `extra_js` block.
"""

from django.utils.html import format_html

# Shared look: the page's font, no plotly logo, transparent background so cards show through.
BASE_LAYOUT = {
    "font": {"family": "system-ui, -apple-system, 'Segoe UI', 'Microsoft YaHei', 'WenQuanYi Micro Hei', sans-serif",
             "size": 13},
    "paper_bgcolor": "rgba(0,0,0,0)",
    "plot_bgcolor": "rgba(0,0,0,0)",
    "margin": {"l": 48, "r": 16, "t": 32, "b": 48},
}


def figure_html(fig, *, height=360, label=""):
    """The figure as a CSP-safe placeholder div; `label` is read by screen readers."""
    fig.update_layout(**BASE_LAYOUT)
    if height:
        fig.update_layout(height=height)
    return format_html(
        # role="figure", not "img": plotly adds controls (legend, mode bar) inside, and an image
        # may not contain interactive elements (axe-core: nested-interactive).
        '<div class="kd-chart" role="figure" aria-label="{}" data-figure="{}"></div>',
        label, fig.to_json(),
    )
