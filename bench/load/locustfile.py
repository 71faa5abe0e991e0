"""Load test scenario (issue 12, item 5): sellers and managers using Kedao through its pages.

    scripts/load.sh                    (make load; starts gunicorn, runs this, writes the results)
    .venv-load/bin/locust -f bench/load/locustfile.py --headless -u 20 -r 2 -t 60s --host http://127.0.0.1:8077

Each simulated user logs in through the real login form (CSRF token from the page) as a distinct
benchmark user of its role, read from LOAD_USERS_FILE (written by bench/load/prepare.py; without
it: bench.seller, bench.s00001… and bench.ceo, bench.branch), password "bench". Then, with 1–5 s
of think time between steps:

  Seller   home; the customer list (pages 1–5) and a search (q=); a customer's 360° page with its
           panels and timeline (fetched as they scroll into view); the global search; the
           opportunity list and kanban, an opportunity's page and panels; the activity calendar
           and list; logs a call on a customer (the real activity form) and
           creates an opportunity (the real opportunity form); now and then the API (session
           cookie: customers with q=, own activities).
  Manager  home (dashboards); the funnel; target plans and plan vs actual; the forecast; the team's
           daily reports and calendar; the report index and a report; stalled deals; the
           customer and opportunity lists; customer statistics.

A response fails when its status is not 2xx/3xx or it is the login page (a lost session).
Loopback only: any other --host is refused. Locust's figures start again once every user has logged
in (the ramp is not the steady state). LOAD_EVENTS_FILE (optional) receives, at the end, that
moment, the login times, and the failures counted over the whole run, ramp included.
"""

import datetime
import itertools
import json
import logging
import os
import random
import re
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlparse

from locust import FastHttpUser, between, events, task

PASSWORD = os.environ.get("LOAD_PASSWORD", "bench")
LOGIN_MARK = 'data-testid="login-submit"'
SEARCH_WORDS = ["北京", "上海", "广州", "深圳", "科技", "电子", "机械", "贸易", "集团", "有限", "工业", "信息",
                "能源", "医疗", "杭州", "成都", "自动化", "软件"]
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
# A panel or the timeline of a record page, fetched when it scrolls into view.
LAZY = re.compile(r'<[^>]*hx-get="(/[^"]+/)"[^>]*hx-trigger="intersect[^"]*"')


# -- who logs in ----------------------------------------------------------------------------------

def _load_users():
    path = os.environ.get("LOAD_USERS_FILE", "")
    if path and Path(path).exists():
        data = json.loads(Path(path).read_text())
        return data["sellers"], data["managers"]
    return ["bench.seller", *[f"bench.s{i:05d}" for i in range(1, 1000)]], ["bench.ceo", "bench.branch"]


SELLERS, MANAGERS = _load_users()
_seller_numbers = itertools.count()
_manager_numbers = itertools.count()


# -- reading pages --------------------------------------------------------------------------------

class FormReader(HTMLParser):
    """The fields a browser would submit for each form of a page: inputs with their values,
    checked boxes, selected options (else a single select's first option), textareas."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self._form = self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"method": (a.get("method") or "get").lower(), "action": a.get("action"), "fields": []}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "file", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._form["fields"].append([a["name"], a.get("value") or ("on" if kind == "checkbox" else "")])
        elif tag == "select" and a.get("name"):
            self._select = {"name": a["name"], "multiple": "multiple" in a, "first": None, "chosen": []}
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in a:
                self._select["chosen"].append(value)
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            chosen = self._select["chosen"] or ([] if self._select["multiple"] or self._select["first"] is None
                                                else [self._select["first"]])
            self._form["fields"].extend([self._select["name"], value] for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form["fields"].append(self._textarea)
            self._textarea = None


def main_form(html):
    """The page's own POST form (no action: it posts to itself), not the navbar's language or
    logout forms."""
    reader = FormReader()
    reader.feed(html)
    for form in reader.forms:
        if form["method"] == "post" and not form["action"]:
            return form["fields"]
    return None


def set_field(fields, name, value):
    """Replace every value of `name` by one value (or drop it with None)."""
    kept = [pair for pair in fields if pair[0] != name]
    if value is not None:
        kept.append([name, str(value)])
    return kept


def options_of(html, name):
    """The non-empty option values of the select called `name`."""
    match = re.search(r'<select[^>]*name="' + re.escape(name) + r'"[^>]*>(.*?)</select>', html, re.S)
    return [v for v in re.findall(r'<option[^>]*value="([^"]*)"', match.group(1)) if v] if match else []


def ids(html, prefix):
    return list({int(pk) for pk in re.findall(r'href="' + re.escape(prefix) + r'(\d+)/"', html)})


# -- users ----------------------------------------------------------------------------------------

class KedaoUser(FastHttpUser):
    abstract = True
    wait_time = between(1, 5)
    usernames = ()
    numbers = None

    def on_start(self):
        number = next(self.numbers)
        if number == len(self.usernames):
            logging.warning("More simulated %ss than benchmark logins (%d): from now on two sessions share a "
                            "login.", type(self).__name__, len(self.usernames))
        self.username = self.usernames[number % len(self.usernames)]
        self.customers, self.opportunities = [], []
        self.login()
        # Figures start once every user has logged in: a login hashes the password on purpose
        # (PBKDF2, ~0.25 s of CPU), so the ramp is not the steady state; logins are timed apart.
        RUN["logins"] += 1
        runner = self.environment.runner
        if RUN["measured_from"] is None and RUN["logins"] >= (getattr(runner, "target_user_count", 0) or 0):
            self.environment.stats.reset_all()
            RUN["measured_from"] = time.time()

    def check(self, response, html=True):
        """Fail a response that is not 2xx/3xx, or that is the login page (session lost)."""
        if not 200 <= response.status_code < 400:
            response.failure(f"HTTP {response.status_code}")
            return None
        text = response.text or ""
        if html and LOGIN_MARK in text:
            response.failure("login page")
            return None
        response.success()
        return text

    def get(self, url, name=None, html=True):
        with self.client.get(url, name=name or url, catch_response=True) as response:
            return self.check(response, html)

    def form_headers(self):
        # A browser's form post names its origin, and Django's CSRF check compares it with the host.
        return {"Content-Type": "application/x-www-form-urlencoded", "Origin": self.host.rstrip("/")}

    def login(self):
        with self.client.get("/login/", name="/login/", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text or "")
            response.success()
        data = {"csrfmiddlewaretoken": token.group(1) if token else "", "username": self.username,
                "password": PASSWORD, "next": ""}
        started = time.perf_counter()
        with self.client.post("/login/", data=urlencode(data), headers=self.form_headers(), name="/login/ [POST]",
                              catch_response=True) as response:
            self.check(response)
        RUN["login_ms"].append(round((time.perf_counter() - started) * 1000))

    def submit(self, url, name, change):
        """Open a form page, fill it as a person would (`change` edits the fields), post it."""
        html = self.get(url, name=name)
        if html is None:
            return None
        fields = main_form(html)
        if fields is None:
            raise RuntimeError(f"no form to post on {url}")  # counted as a scenario error
        fields = change(fields, html)
        with self.client.post(url, data=urlencode([tuple(pair) for pair in fields]),
                              headers=self.form_headers(), name=f"{name} [POST]",
                              catch_response=True) as response:
            return self.check(response)

    def remember(self, html):
        found = ids(html or "", "/customers/")
        if found:
            self.customers = (found + self.customers)[:200]
        found = ids(html or "", "/sales/opportunities/")
        if found:
            self.opportunities = (found + self.opportunities)[:200]

    def record_page(self, url, name):
        """A record page, then its panels that load when scrolled into view (hx-trigger
        "intersect"), as a browser showing the whole page does."""
        html = self.get(url, name=name)
        self.remember(html)
        for lazy in LAZY.findall(html or ""):
            self.get(lazy, name=re.sub(r"/\d+/", "/[id]/", lazy))

    def search_word(self):
        return random.choice(SEARCH_WORDS)


class Seller(KedaoUser):
    weight = 4
    usernames = SELLERS
    numbers = _seller_numbers

    @task(4)
    def home(self):
        self.remember(self.get("/"))

    @task(6)
    def customer_list(self):
        page = random.choice([1, 1, 1, 2, 3, 4, 5])
        self.remember(self.get(f"/customers/?page={page}" if page > 1 else "/customers/", name="/customers/?page"))

    @task(4)
    def customer_search(self):
        self.remember(self.get(f"/customers/?q={self.search_word()}", name="/customers/?q"))

    @task(5)
    def customer_page(self):
        if not self.customers:
            return self.customer_list()
        self.record_page(f"/customers/{random.choice(self.customers)}/", "/customers/[id]/")

    @task(2)
    def global_search(self):
        self.remember(self.get(f"/search/?q={self.search_word()}", name="/search/?q"))

    @task(3)
    def opportunity_list(self):
        self.remember(self.get("/sales/opportunities/"))

    @task(2)
    def kanban(self):
        self.get("/sales/opportunities/kanban/")

    @task(2)
    def opportunity_page(self):
        if not self.opportunities:
            return self.opportunity_list()
        self.record_page(f"/sales/opportunities/{random.choice(self.opportunities)}/", "/sales/opportunities/[id]/")

    @task(3)
    def calendar(self):
        self.get("/activities/calendar/")

    @task(1)
    def activity_list(self):
        self.get("/activities/")

    @task(2)
    def log_call(self):
        if not self.customers:
            return self.customer_list()
        pk = random.choice(self.customers)
        when = datetime.datetime.now() - datetime.timedelta(minutes=random.randint(5, 600))

        def change(fields, _html):
            fields = set_field(fields, "kind", "call")
            fields = set_field(fields, "status", "done")
            fields = set_field(fields, "subject", f"电话回访 {when:%m-%d %H:%M}")
            fields = set_field(fields, "starts_at", f"{when:%Y-%m-%dT%H:%M}")
            fields = set_field(fields, "ends_at", f"{when + datetime.timedelta(minutes=15):%Y-%m-%dT%H:%M}")
            return set_field(fields, "description", "负载测试：客户询问交期与报价。")

        self.submit(f"/activities/add/?customer={pk}&kind=call", "/activities/add/", change)

    @task(1)
    def create_opportunity(self):
        if not self.customers:
            return self.customer_list()
        pk = random.choice(self.customers)

        def change(fields, html):
            lines = options_of(html, "product_line")
            close = datetime.date.today() + datetime.timedelta(days=random.randint(20, 180))
            fields = set_field(fields, "name", f"负载测试商机 {int(time.time() * 1000) % 10**8}")
            fields = set_field(fields, "product_line", random.choice(lines) if lines else None)
            fields = set_field(fields, "amount", random.randint(5, 500) * 10_000)
            return set_field(fields, "expected_close_date", close.isoformat())

        html = self.submit(f"/sales/opportunities/add/?customer={pk}", "/sales/opportunities/add/", change)
        self.remember(html)

    @task(1)
    def api(self):
        # The session cookie authenticates GETs (API tokens are throttled per address: 10/min).
        if random.random() < 0.5:
            self.get(f"/api/customers/customers/?q={self.search_word()}", name="/api/customers/customers/?q",
                     html=False)
        else:
            self.get("/api/activities/activities/", html=False)


class Manager(KedaoUser):
    weight = 1
    usernames = MANAGERS
    numbers = _manager_numbers

    def on_start(self):
        super().on_start()
        self.plans, self.reports, self.units = [], [], []

    @task(4)
    def home(self):
        self.remember(self.get("/"))

    @task(3)
    def funnel(self):
        self.get("/sales/funnel/")

    @task(3)
    def plan_vs_actual(self):
        if not self.plans:
            self.plans = ids(self.get("/targets/plans/") or "", "/targets/plans/")
            if not self.plans:
                return
        self.get(f"/targets/plans/{random.choice(self.plans)}/figures/", name="/targets/plans/[id]/figures/")

    @task(2)
    def forecast(self):
        self.get("/targets/forecast/")

    @task(3)
    def team_reports(self):
        self.get("/activities/daily-reports/")

    @task(2)
    def team_calendar(self):
        if not self.units:
            self.units = options_of(self.get("/activities/calendar/") or "", "unit")
            return
        self.get(f"/activities/calendar/?unit={random.choice(self.units)}", name="/activities/calendar/?unit")

    @task(3)
    def report(self):
        if not self.reports:
            html = self.get("/reports/") or ""
            self.reports = sorted(set(re.findall(r'href="(/reports/[\w.-]+/)"', html)))
            return
        self.get(random.choice(self.reports), name="/reports/[key]/")

    @task(1)
    def stalled(self):
        self.get("/sales/opportunities/stalled/")

    @task(2)
    def customer_list(self):
        self.remember(self.get("/customers/", name="/customers/?page"))

    @task(2)
    def opportunity_list(self):
        self.remember(self.get("/sales/opportunities/"))

    @task(1)
    def customer_stats(self):
        self.get("/customers/stats/")


# -- loopback only; failures over the whole run ---------------------------------------------------

RUN = {"started_at": None, "spawning_complete_at": None, "measured_from": None, "stopped_at": None, "logins": 0,
       "login_ms": [], "requests": 0, "failures": 0,
       "failures_by_name": {}, "scenario_errors": 0, "scenario_errors_by_kind": {}}


@events.test_start.add_listener
def _refuse_remote(environment, **_kwargs):
    host = urlparse(environment.host or "").hostname
    if host not in LOOPBACK:
        environment.process_exit_code = 2
        environment.runner.quit()
        raise SystemExit(f"The load test runs on the loopback only, not against {environment.host!r}.")
    RUN["started_at"] = time.time()


@events.spawning_complete.add_listener
def _spawned(user_count, **_kwargs):
    RUN["spawning_complete_at"] = time.time()


@events.request.add_listener
def _count(request_type, name, exception=None, **_kwargs):
    RUN["requests"] += 1
    if exception is not None:
        RUN["failures"] += 1
        key = f"{request_type} {name}: {str(exception)[:120]}"
        RUN["failures_by_name"][key] = RUN["failures_by_name"].get(key, 0) + 1


@events.user_error.add_listener
def _scenario_error(user_instance, exception, tb, **_kwargs):
    """An exception inside a task (the scenario itself went wrong): counted, never hidden."""
    RUN["scenario_errors"] += 1
    key = f"{type(user_instance).__name__}: {type(exception).__name__}: {str(exception)[:120]}"
    RUN["scenario_errors_by_kind"][key] = RUN["scenario_errors_by_kind"].get(key, 0) + 1


@events.quitting.add_listener
def _write(environment, **_kwargs):
    RUN["stopped_at"] = time.time()
    path = os.environ.get("LOAD_EVENTS_FILE")
    if path:
        Path(path).write_text(json.dumps(RUN, ensure_ascii=False, indent=1))
