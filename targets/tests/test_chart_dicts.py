"""The dashboards' figures, built as plotly dicts for speed (core.charts), against plotly's own
validation and the shared look a Figure gets."""

from core.charts import figure_html


def _figure_of(html):
    import html as html_lib
    import json
    import re

    return json.loads(html_lib.unescape(re.search(r'data-figure="([^"]*)"', str(html)).group(1)))


def test_dict_figures_pass_plotlys_validation_and_get_the_shared_look():
    """Pages drawn on every visit build figures as dicts (core.charts): each must be a figure
    plotly itself accepts, drawn with the same template, font and margins as a Figure."""
    from types import SimpleNamespace

    import plotly.graph_objects as go
    import pytest

    from sales.reports.charts import funnel_chart
    from targets.dashboard import plan_chart

    rows = [SimpleNamespace(node=SimpleNamespace(label=name), plan=plan, actual=actual)
            for name, plan, actual in (("华北区", 100, 80), ("华南区", 120, 130))]
    steps = [{"name": "初步接洽", "reached": 10, "kind": "open", "pipeline": "标准流程"},
             {"name": "赢单", "reached": 4, "kind": "won", "pipeline": "标准流程"}]
    reference = _figure_of(figure_html(go.Figure(go.Bar(x=["a"], y=[1])), height=300))
    for spec in (plan_chart(rows), funnel_chart(steps, {})):
        drawn = _figure_of(figure_html(spec, height=300))
        go.Figure(drawn)  # raises on a property plotly does not know
        for key in ("template", "font", "margin", "paper_bgcolor", "height"):
            assert drawn["layout"][key] == reference["layout"][key], key
    assert _figure_of(figure_html(plan_chart(rows)))["data"][1]["y"] == [80.0, 130.0]
    with pytest.raises(ValueError):  # what the check above would catch
        go.Figure({"data": [{"type": "bar", "colour": "red"}]})
