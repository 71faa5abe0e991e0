"""The Content-Security-Policy holds on every page: a real browser reports no violation.

The policy (kedao/settings.py) allows scripts and styles only from our own origin, nothing inline.
A template that brings back an onclick="…", a <script> block or a style="…" attribute makes the
browser refuse it — and this journey fail. Violations are caught twice: the page's
`securitypolicyviolation` events (recorded by a script Playwright installs before the page's own)
and the console's "Refused to …" messages.
"""

import pytest

from core.registry import ACTIONS, object_types
from core.testing.world import build_world
from customers.models import Contact, ContactRelation, Customer
from customers.tests.factories import (
    ContactEmployeeRelationFactory,
    ContactFactory,
    ContactRelationFactory,
    CustomerFactory,
)
from org.tests.factories import EmployeeFactory, full_grants, make_role

pytestmark = pytest.mark.browser

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || location.pathname}:${event.lineNumber}`);
});
"""


@pytest.fixture
def admin(transactional_db):
    world = build_world()
    role = make_role("administrator", full_grants([t.key for t in object_types()], "all", actions=ACTIONS))
    admin = EmployeeFactory(username="it.admin", unit=world.units["hq"], roles=[role])
    customer = CustomerFactory(owner=world.seller1, name="北京朝阳测试贸易有限公司")
    boss = ContactFactory(customer=customer, name="张总", decision_role="decision_maker")
    # The 360° page's relationship map (a plotly graph) is drawn under the same policy.
    ContactRelationFactory(from_contact=ContactFactory(customer=customer, name="李工"), to_contact=boss)
    ContactEmployeeRelationFactory(contact=boss, employee=world.seller1, strength=4)
    return admin


class Violations:
    def __init__(self, page):
        self.page = page
        self.console = []
        page.on("console", lambda message: self._console(message.text))
        page.add_init_script(RECORD_VIOLATIONS)

    def _console(self, text):
        if "Refused to" in text or "Content Security Policy" in text:
            self.console.append(f"{self.page.url}: {text}")

    def check(self):
        found = self.page.evaluate("window.__cspViolations || []")
        return [f"{self.page.url}: {v}" for v in found] + self.console


def visit(page, violations, url, seen):
    page.goto(url)
    page.wait_for_load_state("networkidle")
    seen.extend(violations.check())


def test_pages_run_with_no_csp_violation(page, live_server, admin):
    from playwright.sync_api import expect

    violations = Violations(page)
    seen = []
    base = live_server.url
    customer = Customer.objects.get(name="北京朝阳测试贸易有限公司")
    contact = Contact.objects.filter(customer=customer).first()
    relation = ContactRelation.objects.get()

    # The header is there, strict.
    response = page.goto(base + "/login/")
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "'unsafe-inline'" not in policy
    page.locator("#id_username").fill("it.admin")
    page.locator("#id_password").fill("demo")
    page.locator("button[type=submit]").click()
    expect(page.get_by_test_id("user-menu")).to_be_visible()
    seen.extend(violations.check())

    for path in ("/", "/customers/", f"/customers/{customer.pk}/", f"/customers/{customer.pk}/edit/",
                 "/customers/add/", "/contacts/", f"/contacts/{contact.pk}/", f"/contacts/{contact.pk}/edit/",
                 "/org/employees/", f"/org/employees/{admin.pk}/", f"/org/employees/{admin.pk}/edit/",
                 "/org/units/", "/org/roles/", f"/org/roles/{admin.roles.first().pk}/edit/", "/org/teams/",
                 "/search/?q=北京", "/recycle-bin/", "/account/password/", "/contact-relations/",
                 f"/contact-relations/{relation.pk}/", "/contact-relations/add/", "/employee-relations/",
                 "/approvals/", "/approval-policies/", "/notifications/", "/notifications/preferences/"):
        visit(page, violations, base + path, seen)

    # The 360° page: the timeline tab loads its entries, the relationships tab draws the graph.
    visit(page, violations, base + f"/customers/{customer.pk}/", seen)
    page.locator("#tab-timeline-btn").click()
    expect(page.get_by_test_id("timeline-entries")).to_be_visible()
    page.locator("#tab-relationships-btn").click()
    expect(page.locator("[data-testid=relationship-map] .kd-chart[data-drawn] svg.main-svg").first).to_be_visible()
    seen.extend(violations.check())

    # What htmx and Bootstrap do after loading: a filtered list swapped in, a menu opened, the
    # owner autocomplete asked, and the language switch (its handler moved from onchange="…" to
    # kedao.js) applied.
    visit(page, violations, base + "/customers/", seen)
    page.locator("form.kedao-filters input[name=q]").press_sequentially("朝阳", delay=30)
    expect(page.locator("#object-list tbody tr")).to_have_count(1)
    page.locator("#main-nav .dropdown-toggle").first.click()
    expect(page.locator("#main-nav .dropdown-menu.show")).to_be_visible()
    visit(page, violations, base + f"/customers/{customer.pk}/edit/", seen)
    search = page.locator("input[data-autocomplete-for]").first
    search.press_sequentially("north", delay=30)
    page.wait_for_load_state("networkidle")
    page.locator("#main-nav select[name=language]").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    seen.extend(violations.check())

    # Swagger UI keeps its own, slightly wider policy (inline styles only) and renders.
    response = page.goto(base + "/api/docs/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Kedao API", timeout=20_000)
    expect(page.locator(".opblock").first).to_be_visible()
    seen.extend(violations.check())

    assert seen == []
    # A navigation may abort the previous page's requests; anything else is a problem.
    assert [e for e in page.problems.errors if "ERR_ABORTED" not in e] == []


def test_an_inline_script_is_refused_and_reported(page, live_server, admin):
    """The check above can fail: a script injected into a page is blocked and seen."""
    violations = Violations(page)
    page.goto(live_server.url + "/login/")
    page.evaluate("""() => { const s = document.createElement("script");
        s.textContent = "window.__injected = true"; document.body.appendChild(s); }""")
    page.wait_for_timeout(200)
    assert page.evaluate("window.__injected === undefined")
    assert any("script-src" in v for v in violations.check())
