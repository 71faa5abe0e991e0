"""Browser journeys: Playwright driving Debian's chromium (never a downloaded browser).

Every journey is marked `browser`; the root conftest skips them when KEDAO_SKIP_BROWSER is set
(scripts/test.sh sets it when chromium or a CJK font cannot be installed).
"""

import os
import shutil
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = os.environ.get("KEDAO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="module")
def _async_unsafe_allowed():
    # Playwright's sync API keeps an event loop running in this thread; Django refuses ORM calls
    # from such a thread unless told that it is safe (it is: the loop only drives the browser).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def browser(_async_unsafe_allowed):
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        pytest.skip(f"{CHROMIUM} is not installed (scripts/ensure_chromium.sh)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageProblems:
    """What went wrong in the page while the journey ran: script errors, failed or external requests."""

    def __init__(self, page, base_url):
        self.host = urlsplit(base_url).netloc
        self.errors = []
        page.on("pageerror", lambda error: self.errors.append(f"script error: {error}"))
        page.on("console", self._console)
        page.on("requestfailed", self._failed)
        page.on("request", self._request)
        page.on("response", self._response)

    def _console(self, message):
        if message.type != "error":
            return
        text = message.text
        # htmx cancels a request it replaces (hx-sync on the search box while someone types) and
        # logs the abort as "htmx:afterRequest" then "htmx:sendAbort": the intended behaviour, not
        # a failure; seen when the machine is slow enough for a keystroke to overtake a response.
        if text.startswith("htmx:sendAbort"):
            if self.errors and self.errors[-1].startswith("console error: htmx:afterRequest"):
                self.errors.pop()
            return
        self.errors.append(f"console error: {text}")

    def _failed(self, request):
        # ERR_ABORTED is the browser dropping a request because the page moved on (a font still
        # loading when the journey clicks to the next page): not a failure of the server.
        if "ERR_ABORTED" not in str(request.failure):
            self.errors.append(f"request failed: {request.url} {request.failure}")

    def _request(self, request):
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https") and parts.netloc != self.host:
            self.errors.append(f"request to another host: {request.url}")

    def _response(self, response):
        if response.status >= 400:
            self.errors.append(f"HTTP {response.status}: {response.url}")


class InFlight:
    """Counts the live server's requests from the moment Django takes one until its response is
    closed (streamed exports read the database while they are sent)."""

    def __init__(self):
        self.count = 0
        self.idle = threading.Condition()

    def wrap(self, handle):
        def counted(handler, environ, start_response):
            with self.idle:
                self.count += 1
            try:
                response = handle(handler, environ, start_response)
            except BaseException:
                self._done()
                raise
            closers = getattr(response, "_resource_closers", None)
            if closers is None:  # a file sent through wsgi.file_wrapper: no database behind it
                self._done()
            else:
                closers.append(self._done)
            return response

        return counted

    def _done(self):
        with self.idle:
            self.count -= 1
            self.idle.notify_all()

    def wait_idle(self, timeout):
        with self.idle:
            return self.idle.wait_for(lambda: self.count <= 0, timeout=timeout)


@pytest.fixture
def page(browser, live_server, request, monkeypatch):
    from django.core.handlers.wsgi import WSGIHandler

    # The database is emptied after each journey while the server thread may still be answering
    # a lazy panel the page asked for last; on in-memory SQLite (one connection shared with the
    # server) that flush then fails with "database table is locked" and leaves the journey's rows
    # behind for every later test of the xdist worker. So the page closes first and the journey
    # ends only once the server has answered everything it was asked.
    in_flight = InFlight()
    monkeypatch.setattr(WSGIHandler, "__call__", in_flight.wrap(WSGIHandler.__call__))
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN",
                                  timezone_id="Asia/Shanghai")
    context.set_default_timeout(10_000)
    from playwright.sync_api import expect

    # expect() waits 5 s by default: as long as the actions' 10 s, for a CI machine busy with the
    # rest of the suite (lazy panels, htmx swaps).
    expect.set_options(timeout=10_000)
    page = context.new_page()
    page.problems = PageProblems(page, live_server.url)
    page.in_flight = in_flight
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-failure.png"), full_page=True)
    context.close()
    assert in_flight.wait_idle(timeout=60), "the live server was still answering a minute after the journey"


def log_in(page, live_server, username, password="demo"):  # noqa: S107 (the test users' password)
    """Sign `username` in on fresh cookies. The previous page is left, and the server's answers
    to it awaited, first: a request it still had in flight could set a CSRF cookie after the
    cookies were cleared, and the login form's token would then not match it (a 403 seen in a
    full run, once)."""
    page.goto("about:blank")
    in_flight = getattr(page, "in_flight", None)
    if in_flight is not None:
        in_flight.wait_idle(timeout=30)
    page.context.clear_cookies()
    page.goto(live_server.url + "/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("button[type=submit]").click()
    page.wait_for_url(live_server.url + "/")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report



def assert_accessible(page, what=""):
    """axe-core (shipped inside axe-playwright-python, injected into the page: nothing downloaded)
    over the current page: no serious or critical violation."""
    from axe_playwright_python.sync_playwright import Axe

    # Not in the middle of a transition: a dialog fading in (Bootstrap's modal, 0.3 s) has its
    # buttons at part opacity, which axe reads as too little contrast (a full run's failure).
    # Endless animations (a loading spinner) are left running.
    page.wait_for_function("""() => document.getAnimations().every(
        a => a.playState !== "running" || a.effect.getTiming().iterations === Infinity)""")
    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    report = "\n".join(
        f"  {v['impact']}: {v['id']} — {v['help']} ({len(v['nodes'])}×): "
        + "; ".join(node["html"][:160] for node in v["nodes"][:3])
        for v in bad
    )
    assert not bad, f"axe-core on {what or page.url}:\n{report}"


def assert_no_horizontal_overflow(page, width):
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} is {scroll_width}px wide on a {width}px screen"
