"""Logging in and out, failed-login throttling, password change, API tokens, health, API docs."""

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from rest_framework.test import APIClient

from customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/auth/token/"
LOCKED_MESSAGE = "Too many failed logins"


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    # The API login throttle counts in the cache, which outlives a test's database.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def english(client):
    """Pages in English, so messages can be asserted on whatever the default language is."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def seller(world):
    return world.seller1


def login(client, username, password, **extra):
    return client.post("/login/", {"username": username, "password": password, **extra})


def logged_in(client):
    return "_auth_user_id" in client.session


# --- login page ------------------------------------------------------------------------------


def test_login_page_shows_a_form(client):
    response = client.get("/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="username"' in html and 'name="password"' in html and 'type="password"' in html
    assert "csrfmiddlewaretoken" in html


def test_right_password_logs_in_and_opens_the_home_page(client, seller):
    response = login(client, "north.seller1", "demo")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert logged_in(client)
    assert client.get("/").status_code == 200


def test_login_follows_next_but_never_to_another_site(client, seller):
    assert login(client, "north.seller1", "demo", next="/customers/")["Location"] == "/customers/"
    client.logout()
    response = login(client, "north.seller1", "demo", next="https://evil.example.com/")
    assert response.status_code == 302
    assert "evil.example.com" not in response["Location"]


def test_wrong_password_shows_an_error_and_keeps_the_username(english, seller):
    response = login(english, "north.seller1", "wrong")
    assert response.status_code == 200
    html = response.content.decode()
    assert "alert-danger" in html
    assert "enter a correct username and password" in html.lower()
    assert 'value="north.seller1"' in html
    assert not logged_in(english)


def test_inactive_user_cannot_log_in(client, seller):
    seller.is_active = False
    seller.save()
    assert login(client, "north.seller1", "demo").status_code == 200
    assert not logged_in(client)


# --- throttling of failed logins (django-axes) -----------------------------------------------


def _fail(client, times, username="north.seller1"):
    for _ in range(times):
        login(client, username, "wrong")


def test_after_the_failure_limit_even_the_right_password_is_refused_with_429(english, seller):
    limit = settings.AXES_FAILURE_LIMIT
    assert limit == 5
    for attempt in range(limit - 1):
        response = login(english, "north.seller1", "wrong")
        assert response.status_code == 200, f"attempt {attempt + 1} should still be an ordinary error"
    login(english, "north.seller1", "wrong")  # the limit-th failure

    response = login(english, "north.seller1", "demo")
    assert response.status_code == 429
    html = response.content.decode()
    assert LOCKED_MESSAGE in html
    assert not logged_in(english)


def test_lockout_message_is_shown_in_chinese_by_default(client, seller):
    _fail(client, settings.AXES_FAILURE_LIMIT)
    response = login(client, "north.seller1", "demo")
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()


def test_a_lockout_concerns_one_username_only(client, world):
    _fail(client, settings.AXES_FAILURE_LIMIT, "north.seller1")
    assert login(client, "north.seller1", "demo").status_code == 429
    # A colleague behind the same office address can still log in.
    assert login(client, "north.seller2", "demo").status_code == 302
    assert logged_in(client)


def test_fewer_failures_than_the_limit_then_success_resets_the_count(client, seller):
    _fail(client, settings.AXES_FAILURE_LIMIT - 1)
    assert login(client, "north.seller1", "demo").status_code == 302
    client.logout()
    _fail(client, settings.AXES_FAILURE_LIMIT - 1)
    assert login(client, "north.seller1", "demo").status_code == 302


def test_api_token_after_the_failure_limit_is_refused_with_429(seller):
    api = APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert api.post(TOKEN_URL, {"username": "north.seller1", "password": "wrong"},
                        format="json").status_code in (400, 429)
    response = api.post(TOKEN_URL, {"username": "north.seller1", "password": "demo"}, format="json",
                        HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert LOCKED_MESSAGE in response.json()["detail"]
    assert "token" not in response.json()


def test_failed_page_logins_also_lock_the_api(client, seller):
    _fail(client, settings.AXES_FAILURE_LIMIT)
    response = APIClient().post(TOKEN_URL, {"username": "north.seller1", "password": "demo"}, format="json")
    assert response.status_code == 429


# --- API token -------------------------------------------------------------------------------


def test_token_with_good_credentials_then_lists_customers(seller, world):
    mine = CustomerFactory(owner=seller, name="令牌测试有限公司")
    CustomerFactory(owner=world.south_seller, name="别人的客户有限公司")
    api = APIClient()
    response = api.post(TOKEN_URL, {"username": "north.seller1", "password": "demo"}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert set(response.json()) == {"token"}
    assert re.fullmatch(r"[0-9a-f]{40}", token)

    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    listing = api.get("/api/customers/customers/")
    assert listing.status_code == 200
    assert [row["id"] for row in listing.json()["results"]] == [mine.pk]

    # Asking again gives the same token: a second script does not log the first one out.
    again = APIClient().post(TOKEN_URL, {"username": "north.seller1", "password": "demo"}, format="json")
    assert again.json()["token"] == token


def test_token_accepts_form_encoded_credentials(seller):
    response = APIClient().post(TOKEN_URL, {"username": "north.seller1", "password": "demo"})
    assert response.status_code == 200
    assert response.json()["token"]


@pytest.mark.parametrize("username, password", [("north.seller1", "wrong"), ("nobody-here", "demo"),
                                                ("north.seller1", "demo ")])
def test_token_with_bad_credentials_is_400(seller, username, password):
    response = APIClient().post(TOKEN_URL, {"username": username, "password": password}, format="json")
    assert response.status_code == 400
    assert "token" not in response.json()
    assert response.json()["non_field_errors"]


@pytest.mark.parametrize("data, missing", [({}, {"username", "password"}),
                                           ({"username": "north.seller1"}, {"password"}),
                                           ({"password": "demo"}, {"username"}),
                                           ({"username": "", "password": ""}, {"username", "password"})])
def test_token_with_missing_fields_is_400_keyed_by_field(seller, data, missing):
    response = APIClient().post(TOKEN_URL, data, format="json")
    assert response.status_code == 400
    assert set(response.json()) == missing


def test_token_with_malformed_json_is_400(seller):
    response = APIClient().post(TOKEN_URL, '{"username": ', content_type="application/json")
    assert response.status_code == 400


def test_bad_token_is_401(seller):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert api.get("/api/customers/customers/").status_code == 401


# --- password change -------------------------------------------------------------------------


def test_password_change_replaces_the_password_and_revokes_the_api_token(client, seller):
    api = APIClient()
    token = api.post(TOKEN_URL, {"username": "north.seller1", "password": "demo"}, format="json").json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/customers/customers/").status_code == 200

    assert login(client, "north.seller1", "demo").status_code == 302
    page = client.get("/account/password/")
    assert page.status_code == 200
    assert 'name="old_password"' in page.content.decode()
    response = client.post("/account/password/", {"old_password": "demo", "new_password1": "Qingdao-2025-haibin",
                                                   "new_password2": "Qingdao-2025-haibin"})
    assert response.status_code == 302
    # The person who changed it stays logged in…
    assert client.get("/").status_code == 200
    # …the old token no longer works…
    assert api.get("/api/customers/customers/").status_code == 401
    # …and only the new password logs in.
    other = type(client)()
    assert login(other, "north.seller1", "demo").status_code == 200
    assert not logged_in(other)
    assert login(other, "north.seller1", "Qingdao-2025-haibin").status_code == 302


def test_password_change_with_the_wrong_old_password_changes_nothing(client, seller):
    client.force_login(seller)
    response = client.post("/account/password/", {"old_password": "nope", "new_password1": "Qingdao-2025-haibin",
                                                   "new_password2": "Qingdao-2025-haibin"})
    assert response.status_code == 400
    assert 'data-field-error="old_password"' in response.content.decode()
    seller.refresh_from_db()
    assert seller.check_password("demo")


def test_password_change_refuses_a_weak_or_mismatched_password(client, seller):
    client.force_login(seller)
    for new1, new2 in (("12345678", "12345678"), ("Qingdao-2025-haibin", "Qingdao-2025-haibiN")):
        response = client.post("/account/password/", {"old_password": "demo", "new_password1": new1,
                                                       "new_password2": new2})
        assert response.status_code == 400
        assert 'data-field-error="new_password2"' in response.content.decode()
    seller.refresh_from_db()
    assert seller.check_password("demo")


def test_password_change_needs_a_login(client):
    response = client.get("/account/password/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


# --- logout ----------------------------------------------------------------------------------


def test_logout_ends_the_session(client, seller):
    login(client, "north.seller1", "demo")
    assert client.get("/").status_code == 200
    response = client.post("/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert not logged_in(client)
    assert client.get("/").status_code == 302


def test_logout_menu_entry_is_a_post_form(client, seller):
    # Django 5 logs out on POST only; a plain link in the menu would do nothing.
    client.force_login(seller)
    html = client.get("/").content.decode()
    assert re.search(r'<form method="post" action="/logout/">', html)


# --- anonymous access ------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/customers/", "/customers/add/", "/contacts/", "/search/?q=x",
                                 "/recycle-bin/", "/customers/1/"])
def test_pages_redirect_anonymous_users_to_the_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


@pytest.mark.parametrize("method, url", [("get", "/api/customers/customers/"), ("get", "/api/customers/contacts/"),
                                         ("post", "/api/customers/customers/"), ("get", "/api/customers/customers/1/"),
                                         ("delete", "/api/customers/customers/1/")])
def test_api_refuses_anonymous_callers(method, url, world):
    customer = CustomerFactory(owner=world.seller1)
    response = getattr(APIClient(), method)(url.replace("/1/", f"/{customer.pk}/"))
    assert response.status_code in (401, 403)
    assert "results" not in response.json()
    assert customer.name not in response.content.decode()


# --- health and API documentation ------------------------------------------------------------


def test_healthz_answers_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_openapi_schema_documents_customers_and_contacts(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path in ("/api/customers/customers/", "/api/customers/customers/{id}/", "/api/customers/contacts/",
                 "/api/customers/contacts/{id}/", "/api/auth/token/"):
        assert path in paths, sorted(paths)
    listing = paths["/api/customers/customers/"]["get"]
    assert "ordering" in {parameter["name"] for parameter in listing.get("parameters", [])}
    customer = schema["components"]["schemas"]["Customer"]["properties"]
    assert {"name", "credit_code", "level", "owner", "website"} <= set(customer)


def test_api_docs_render_with_local_assets_only(client, seller):
    client.force_login(seller)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger" in html.lower()
    external = re.findall(r"""(?:src|href)\s*=\s*["'](?:https?:)?//[^"']+""", html)
    assert external == [], external
    assert not re.search(r"https?://(?:cdn|unpkg|fonts\.|cdnjs|jsdelivr)", html)
    # Swagger UI would otherwise load a badge from validator.swagger.io with the schema's address.
    # Its start-up script comes from the same URL (no inline script: Content-Security-Policy).
    script = client.get("/api/docs/?script=").content.decode()
    assert re.search(r'"validatorUrl":\s*null', script)
    # Every asset it loads is one Kedao ships.
    assets = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+\.(?:js|css|png))["']""", html)
    assert assets
    for asset in assets:
        assert asset.startswith(settings.STATIC_URL if settings.STATIC_URL.startswith("/")
                                else "/" + settings.STATIC_URL), asset
        relative = asset.split(settings.STATIC_URL, 1)[1]
        assert finders.find(relative), f"{asset} is not among the static files"
