"""Charts draw under the strict Content-Security-Policy: plotly.js from our own static files,
figures from Python, no violation reported (core/charts.py, core/assets/plotly_csp.py)."""

import pytest

from tests.browser.test_csp import Violations, admin  # noqa: F401  (fixture)
from tests.example_app.models import Stage

pytestmark = pytest.mark.browser


def test_a_chart_draws_with_no_csp_violation(page, live_server, admin):  # noqa: F811
    from playwright.sync_api import expect

    from tests.example_app.tests.factories import ProjectFactory

    ProjectFactory.create_batch(3, owner=admin, stage=Stage.PLANNING)
    violations = Violations(page)
    page.goto(live_server.url + "/login/")
    page.locator("#id_username").fill("it.admin")
    page.locator("#id_password").fill("demo")
    page.locator("button[type=submit]").click()
    response = page.goto(live_server.url + "/projects/chart/")
    assert "plotly" not in response.headers["content-security-policy"].split("script-src")[1].split(";")[0]
    expect(page.locator(".kd-chart .main-svg").first).to_be_visible()
    # The bar chart has one bar per stage present, drawn by plotly.js.
    expect(page.locator(".kd-chart .bars path")).to_have_count(1)
    page.mouse.move(400, 300)
    page.wait_for_timeout(300)
    assert violations.check() == []
    assert [e for e in page.problems.errors if "ERR_ABORTED" not in e] == []
