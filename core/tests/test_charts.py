from django.conf import settings
from django.contrib.staticfiles import finders

from core.assets.plotly_csp import PLOTLY_JS, maplibre_css, style_hashes
from core.charts import figure_html


def test_plotly_js_is_served_from_the_installed_package():
    assert finders.find("plotly/plotly.min.js") == str(PLOTLY_JS)
    # Only that file: the package's data sets are not published.
    assert finders.find("plotly/datasets/iris.csv") is None


def test_the_policy_allows_plotly_styles_by_hash_not_unsafe_inline():
    css = maplibre_css()
    # An upgrade of plotly that moves maplibre's stylesheet makes this fail (and the chart journey
    # would report a CSP violation): adjust core/assets/plotly_csp.py.
    assert css and css.startswith(".maplibregl-map{")
    policy = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["style-src"]
    assert len(style_hashes()) == 2 and all(h in policy for h in style_hashes())
    assert "'unsafe-inline'" not in policy


def test_maplibre_css_is_none_when_absent():
    assert maplibre_css("var x=1;") is None


def test_figure_html_is_a_placeholder_without_script():
    import plotly.graph_objects as go

    html = str(figure_html(go.Figure(go.Bar(x=["制造业"], y=[3])), label="<b>by industry</b>"))
    assert html.startswith('<div class="kd-chart"') and "<script" not in html
    assert "&lt;b&gt;by industry" in html and "&quot;制造业&quot;" in html or "\\u5236" in html

