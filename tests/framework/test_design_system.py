"""The design system every object type inherits: record page (highlights, registered actions,
lazy panels), home slots, toasts and confirmations, error pages, htmx loaded once."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import registry
from customers.models import Customer
from customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scratch_registry(monkeypatch):
    """Panels, actions and home slots registered by a test disappear after it."""
    monkeypatch.setattr(registry, "_panels", list(registry._panels))
    monkeypatch.setattr(registry, "_actions", list(registry._actions))
    monkeypatch.setattr(registry, "_home_slots", list(registry._home_slots))


def _detail_queries(client, customer):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(customer.get_absolute_url())
    assert response.status_code == 200
    return response, len(captured.captured_queries)


def _dummy_panel(n):
    def render(request, obj):
        # Each panel costs a query, as a real related-records panel does.
        count = Customer.objects.visible_to(request.user, "view").count()
        return f'<p data-dummy="{n}">{count} dummy {n}</p>'
    render.__name__ = f"dummy{n}_panel"
    return render


def test_record_page_costs_the_same_queries_with_two_or_ten_panels(client, world, scratch_registry):
    customer = CustomerFactory(owner=world.seller1)
    client.force_login(world.seller1)
    _detail_queries(client, customer)  # warm the per-process caches (content types, session)
    for n in range(2):
        registry.register_panel(Customer, f"Dummy {n}", _dummy_panel(n), order=500 + n)
    _response, with_two = _detail_queries(client, customer)
    for n in range(2, 10):
        registry.register_panel(Customer, f"Dummy {n}", _dummy_panel(n), order=500 + n)
    response, with_ten = _detail_queries(client, customer)
    assert with_ten == with_two, (with_two, with_ten)
    html = response.content.decode()
    # Each lazy panel is a placeholder that loads itself from the generic panel URL on reveal.
    for n in range(10):
        url = f"/panels/customers.customer/{customer.pk}/dummy{n}/"
        assert f'hx-get="{url}"' in html
        assert f'data-dummy="{n}"' not in html
    assert html.count('hx-trigger="intersect once"') >= 10
    # The first panel (contacts) is still rendered with the page.
    assert 'data-testid="contacts-table"' in html


def test_a_lazy_panel_loads_from_its_url_for_who_may_see_the_record(client, world, scratch_registry):
    registry.register_panel(Customer, "Dummy", _dummy_panel(7), order=500)
    customer = CustomerFactory(owner=world.seller1)
    url = f"/panels/customers.customer/{customer.pk}/dummy7/"
    client.force_login(world.seller1)
    response = client.get(url)
    assert response.status_code == 200
    assert 'data-dummy="7"' in response.content.decode()
    # The same decision as the record page: outside the scope 404, type not granted 403.
    client.force_login(world.south_seller)
    assert client.get(url).status_code == 404
    assert client.get(customer.get_absolute_url()).status_code == 404
    client.force_login(world.nobody)
    assert client.get(url).status_code == 403
    client.force_login(world.seller1)
    assert client.get(f"/panels/customers.customer/{customer.pk}/no-such-panel/").status_code == 404
    assert client.get(f"/panels/no.type/{customer.pk}/dummy7/").status_code == 404


def test_history_and_team_panels_load_lazily_and_render(client, world):
    customer = CustomerFactory(owner=world.seller1)
    client.force_login(world.seller1)
    html = client.get(customer.get_absolute_url()).content.decode()
    assert f'hx-get="/panels/customers.customer/{customer.pk}/history/"' in html
    assert f'hx-get="/panels/customers.customer/{customer.pk}/team/"' in html
    team = client.get(f"/panels/customers.customer/{customer.pk}/team/").content.decode()
    assert "share_manage" not in team and f"/shares/customers.customer/{customer.pk}/" in team


def test_record_header_shows_the_highlights_declared_by_the_object_type(client, world):
    customer = CustomerFactory(owner=world.seller1, phone="010-88886666")
    client.force_login(world.seller1)
    html = client.get(customer.get_absolute_url()).content.decode()
    strip = re.search(r'<dl class="kedao-highlights" data-testid="highlights">(.*?)</dl>', html, re.S).group(1)
    assert 'data-highlight="owner"' in strip and str(world.seller1) in strip
    assert 'data-highlight="level"' in strip and customer.get_level_display() in strip
    assert "010-88886666" in strip


def test_actions_registered_by_another_app_appear_for_who_may_use_them(client, world, scratch_registry):
    registry.register_action(Customer, "visit", "Plan a visit", lambda obj: f"/visits/add/?customer={obj.pk}",
                             icon="calendar-plus", permission="change")
    customer = CustomerFactory(owner=world.seller1)
    client.force_login(world.seller1)
    html = client.get(customer.get_absolute_url()).content.decode()
    assert f'href="/visits/add/?customer={customer.pk}" data-action="visit"' in html
    assert 'data-action="edit"' in html and 'data-action="delete"' in html and 'data-action="share"' in html
    # The reader role may view everything but change nothing: neither edit nor the registered action.
    client.force_login(world.reader)
    html = client.get(customer.get_absolute_url()).content.decode()
    assert 'data-action="visit"' not in html and 'data-action="edit"' not in html


def test_home_shows_slots_registered_by_apps_with_the_users_rows(client, world):
    stale = CustomerFactory(owner=world.seller1, name="久未联系贸易有限公司")
    fresh = CustomerFactory(owner=world.seller1, name="刚刚更新贸易有限公司")
    Customer.all_objects.filter(pk=stale.pk).update(updated_at=timezone.now() - timedelta(days=120))
    CustomerFactory(owner=world.seller2, name="别人的久未联系公司")
    Customer.all_objects.filter(name="别人的久未联系公司").update(updated_at=timezone.now() - timedelta(days=120))
    client.force_login(world.seller1)
    html = client.get("/").content.decode()
    slot = re.search(r'data-home-slot="customers.stale">(.*?)</div></div></div>', html, re.S).group(1)
    assert stale.name in slot
    assert fresh.name not in slot and "别人的久未联系公司" not in slot
    assert 'data-testid="quick-create"' in html and "/customers/add/" in html


def test_home_says_when_nothing_needs_attention(client, world):
    client.force_login(world.seller1)
    html = client.get("/").content.decode()
    assert 'data-home-slot=' not in html
    assert "今天没有需要您处理的事项" in html


def test_htmx_is_loaded_once(client, world, settings):
    settings.DEBUG = True  # django-htmx adds its debug helper only with DEBUG on: counted too
    client.force_login(world.seller1)
    html = client.get("/").content.decode()
    sources = re.findall(r'<script[^>]+src="([^"]+)"', html)
    assert len(sources) == len(set(sources)), sources
    assert sum("htmx-2" in src for src in sources) == 1


def test_icons_are_served_from_our_own_static_files(client, world):
    client.force_login(world.seller1)
    html = client.get("/").content.decode()
    assert 'href="/static/bootstrap-icons/font/bootstrap-icons.min.css"' in html
    from django.contrib.staticfiles import finders

    assert finders.find("bootstrap-icons/font/fonts/bootstrap-icons.woff2")
    assert "cdn" not in html.lower()


def test_action_messages_are_toasts_and_removing_a_share_asks_first(client, world):
    from org.tests.factories import make_role

    world.seller1.roles.add(make_role("people", {"org.employee": {"view": "all"}}))
    customer = CustomerFactory(owner=world.seller1)
    client.force_login(world.seller1)
    response = client.post(f"/shares/customers.customer/{customer.pk}/", {"employee": world.seller2.pk},
                           follow=True)
    html = response.content.decode()
    toast = re.search(r'<div class="toast [^>]*>.*?</div>', html, re.S)
    assert toast and "text-bg-success" in toast.group(0)
    assert str(world.seller2) in html.split('data-testid="toasts"')[1]
    team = client.get(f"/panels/customers.customer/{customer.pk}/team/").content.decode()
    assert re.search(r'name="remove"[^>]*data-confirm="[^"]+"', team)


# --- error pages -----------------------------------------------------------------------------

def test_404_is_branded_translated_and_leads_back(client, world):
    client.force_login(world.seller1)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html and 'data-testid="error-home"' in html and 'id="main-nav"' in html
    client.cookies["django_language"] = "en"
    html = client.get("/no-such-page/").content.decode()
    assert "Page not found" in html


def test_a_first_visit_keeps_the_login_pages_csrf_cookie_whatever_else_the_browser_asks_for(db):
    """A browser without cookies fetches the login page and, in parallel, /favicon.ico or some other
    missing path: none of those answers may replace the CSRF cookie the login form was signed with."""
    from django.conf import settings
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    login_page = browser.get("/login/")
    token_cookie = login_page.cookies[settings.CSRF_COOKIE_NAME].value
    stranger = Client()  # the parallel request, sent before the first answer's cookie was stored
    icon = stranger.get("/favicon.ico")
    assert icon.status_code == 301 and icon["Location"].endswith("kedao/favicon.svg")
    missing = stranger.get("/apple-touch-icon.png")
    assert missing.status_code == 404 and settings.CSRF_COOKIE_NAME not in missing.cookies
    assert settings.CSRF_COOKIE_NAME not in icon.cookies
    form_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page.content.decode())[1]
    assert browser.cookies[settings.CSRF_COOKIE_NAME].value == token_cookie
    response = browser.post("/login/", {"csrfmiddlewaretoken": form_token, "username": "nobody", "password": "x"})
    assert response.status_code == 200  # the form again, with its error: not the CSRF failure (403)


def test_403_is_branded(client, world):
    client.force_login(world.nobody)
    response = client.get("/customers/")
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()


def test_500_is_branded_without_a_request_context():
    from core.views.errors import server_error

    request = RequestFactory().get("/customers/")
    response = server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert "出错了" in html and 'href="/"' in html


def test_api_errors_stay_json(client, world):
    client.force_login(world.seller1)
    response = client.get("/api/no-such-endpoint/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "未找到。"} or "detail" in response.json()
    from core.views.errors import server_error

    response = server_error(RequestFactory().get("/api/customers/customers/"))
    assert response.status_code == 500 and response["Content-Type"].startswith("application/json")


def test_relative_times_have_one_format():
    from django.utils import translation

    from core.templatetags.kedao_ui import ago

    now = timezone.now()
    with translation.override("zh-hans"):
        assert ago(now - timedelta(seconds=10)) == "刚刚"
        assert ago(now - timedelta(minutes=5)) == "5 分钟前"
        assert ago(now - timedelta(hours=3, minutes=40)) == "3 小时前"
        assert ago(now - timedelta(days=2, hours=5)) == "2 天前"
        old = now - timedelta(days=52)
        assert ago(old) == timezone.localtime(old).strftime("%Y-%m-%d")  # not "1 月，3 周前"
    with translation.override("en"):
        assert ago(now - timedelta(hours=1)) == "1 hour ago"
        assert ago(now - timedelta(days=3)) == "3 days ago"


def test_timeline_panels_sit_under_the_fields_and_highlights_can_come_from_the_registry(
        client, world, scratch_registry, monkeypatch):
    from org.models import ProductLine
    from org.tests.factories import ProductLineFactory

    registry.register_panel(Customer, "Timeline", _dummy_panel(3), order=1, region="timeline", lazy=False)
    monkeypatch.setattr(registry.get_object_type(ProductLine), "highlights", ("code", "is_active"))
    customer = CustomerFactory(owner=world.seller1)
    client.force_login(world.seller1)
    html = client.get(customer.get_absolute_url()).content.decode()
    fields_column, panels_column = html.split('<div class="col-lg-7">')
    assert 'data-dummy="3"' in fields_column and 'data-dummy="3"' not in panels_column
    # The first panel of the main column is still rendered with the page (timeline panels don't count).
    assert 'data-testid="contacts-table"' in panels_column
    admin = world.ceo
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    line = ProductLineFactory(name="工业网关", code="GW-7")
    html = client.get(f"/org/product-lines/{line.pk}/").content.decode()
    strip = html.split('data-testid="highlights"')[1].split("</dl>")[0]
    assert 'data-highlight="code"' in strip and "GW-7" in strip and 'data-highlight="is_active"' in strip
