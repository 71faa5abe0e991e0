"""What plotly.js needs from Kedao's Content-Security-Policy, and nothing more.

plotly.js creates two <style> elements when it loads: an empty one it then fills through the
CSSOM (mode bar, hover labels), and one holding maplibre's stylesheet (map charts). The strict
policy (`style-src 'self'`) refuses both. Instead of 'unsafe-inline', the policy allows exactly
these two contents by hash; the maplibre one is read from the installed plotly.min.js, so an
upgrade of plotly keeps working (core/tests/test_charts.py checks it is found).
"""

import base64
import hashlib
from functools import cache
from pathlib import Path

import plotly

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
MARKER_START = "textContent='.maplibregl-map{"
MARKER_END = "',document.head.appendChild(e)"


def _sha256(text):
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def maplibre_css(source=None):
    source = source if source is not None else PLOTLY_JS.read_text(encoding="utf-8")
    start = source.find(MARKER_START)
    end = source.find(MARKER_END, start)
    if start < 0 or end < 0:
        return None
    return source[start + len("textContent='"):end]


@cache
def style_hashes():
    hashes = [_sha256("")]
    css = maplibre_css()
    if css is not None:
        hashes.append(_sha256(css))
    return hashes
