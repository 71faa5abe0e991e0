"""Content-Security-Policy: the header every page sends, and templates that need no exception.

The browser proof is tests/browser/test_csp.py; these checks run without a browser, so a template
that brings back inline code fails `make test` even where chromium is not installed.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)


def _directives(response):
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.django_db
def test_pages_send_a_strict_policy(client, world):
    assert "'unsafe-inline'" not in client.get("/login/")["Content-Security-Policy"]
    client.force_login(world.seller1)
    for url in ("/", "/customers/", "/account/password/"):
        response = client.get(url)
        assert response.status_code == 200, url
        policy = _directives(response)
        assert policy["default-src"] == ["'self'"]
        # Styles: our own files, plus exactly plotly.js's two <style> contents by hash.
        assert policy["script-src"] == ["'self'"]
        assert policy["style-src"][0] == "'self'" and all(s.startswith("'sha256-") for s in policy["style-src"][1:])
        assert len(policy["style-src"]) == 3
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        assert "'unsafe-eval'" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_api_docs_page_alone_allows_inline_styles_and_loads_its_script_from_us(client, world):
    client.force_login(world.seller1)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    policy = _directives(response)
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" in policy["style-src"]
    html = response.content.decode()
    # No inline <script> block: the start-up script comes from the same URL (?script).
    assert not re.search(r"<script>\s*\S", html)
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()


def _templates():
    roots = [BASE_DIR / "templates", *(p for p in BASE_DIR.glob("*/templates") if ".venv" not in p.parts)]
    return sorted(path for root in roots for path in root.rglob("*.html"))


INLINE_CODE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>"  # a <script> block without src
    r"|<style\b"  # a <style> element
    r"|\sstyle\s*=\s*[\"']"  # a style attribute
    r"|\son[a-z]+\s*=\s*[\"']"  # an event handler attribute (onclick, onchange…)
    r"|javascript:",
    re.IGNORECASE,
)


COMMENT = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", re.DOTALL)


def test_templates_exist_to_be_checked():
    assert {"base.html", "object_list.html"} <= {path.name for path in _templates()}


@pytest.mark.parametrize("path", _templates(), ids=lambda p: str(p.relative_to(BASE_DIR)))
def test_no_template_carries_inline_script_or_style(path):
    text = COMMENT.sub("", path.read_text(encoding="utf-8"))
    hits = [match.group(0).strip() for match in INLINE_CODE.finditer(text)]
    assert hits == [], (f"{path.relative_to(BASE_DIR)}: the Content-Security-Policy refuses {hits}; "
                        "move it to static/kedao/kedao.js or kedao.css")


def test_the_inline_code_pattern_catches_what_it_should():
    for bad in ('<select onchange="this.form.submit()">', "<script>alert(1)</script>", "<style>p{}</style>",
                '<input style="max-width: 40%">', '<a href="javascript:void(0)">', "<div ONCLICK='x()'>"):
        assert INLINE_CODE.search(bad), bad
    for fine in ('<script src="/static/kedao/kedao.js"></script>', '<div data-bs-toggle="collapse">',
                 '<input name="online">', '<a class="btn-online" href="/">', '<div hx-on="x">'):
        assert not INLINE_CODE.search(fine), fine
