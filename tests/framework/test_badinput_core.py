"""The generated bad-input suite on the endpoints every object type shares: login page, API token,
password change, global search, autocomplete, recycle bin, shares and the language switch.

Same rules as core.testing.badinput (never a 5xx, a refusal changes nothing); the per-object
surfaces are covered by each object type's generated test class.
"""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from core.registry import object_types
from core.testing import corpus
from core.testing.badinput import Prober, raw_bodies, send_json
from customers.tests.factories import CustomerFactory
from org.models import Employee

pytestmark = pytest.mark.django_db

TEXT, STRUCTURED = "text", "id"


def fresh(send):
    """Each probe starts with empty login throttles, so the hostile value reaches the parser."""

    def wrapped(client, data=None):
        cache.clear()
        return send(client, data)

    return wrapped


@pytest.fixture
def seller(world):
    return world.seller1


def prober(user=None):
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return Prober(Employee, client)


def test_badinput_login_page(seller):
    probe = prober()
    url = reverse("login")
    fields = [("username", TEXT), ("password", TEXT), ("next", TEXT)]
    probe.fields("login", fields, {"username": seller.username, "password": "wrong"},
                 fresh(lambda client, data: client.post(url, data)))
    # Long names reach the failed-login log (django-axes, varchar 255) unless the form stops them.
    for value in corpus.LONG[:4]:
        probe(f"login username={corpus.key(value)}",
              fresh(lambda client, _data=None, v=value: client.post(url, {"username": v, "password": "x"})))
    probe.check()


def test_badinput_api_token(seller):
    probe = prober()
    url = reverse("api_token")
    probe.fields("token", [("username", TEXT), ("password", TEXT)], {"username": seller.username, "password": "x"},
                 fresh(lambda client, data: send_json(client, "post", url, data)), json_body=True)
    for body in raw_bodies("api-token"):
        probe(f"token body={body[:30]!r}",
              fresh(lambda client, _data=None, b=body: client.post(url, b, content_type="application/json")))
    # Not JSON at all: a form post and a multipart body with the same hostile values.
    probe.fields("token-form", [("username", TEXT), ("password", TEXT)], {"username": seller.username},
                 fresh(lambda client, data: client.post(url, data)))
    probe.check()


def test_badinput_password_change(seller):
    probe = prober(seller)
    url = reverse("core:password_change")
    fields = [("old_password", TEXT), ("new_password1", TEXT), ("new_password2", TEXT)]
    probe.fields("password", fields, {"old_password": "demo", "new_password1": "Kd-7!quartz-Harbour",
                                      "new_password2": "Kd-7!quartz-Harbour"},
                 lambda client, data: client.post(url, data))
    probe.check()


def test_badinput_search_autocomplete_and_language(seller):
    probe = prober(seller)
    search = reverse("core:search")
    probe.fields("search", [("q", TEXT)], {}, lambda client, data: client.get(search, data), reads=True)
    for object_type in object_types():
        url = reverse("core:autocomplete", args=[object_type.key])
        probe.fields(f"autocomplete {object_type.key}", [("q", TEXT), ("owner__search", TEXT)], {},
                     lambda client, data, u=url: client.get(u, data), reads=True)
    for value in ["../../etc/passwd", "customers.customer\x00", "x" * 5000, "customers..customer", "%00"]:
        probe(f"autocomplete type={value!r:.40}",
              lambda client, _data=None, v=value: client.get(f"/autocomplete/{v}/"), reads=True)
    setlang = reverse("set_language")
    probe.fields("setlang", [("language", TEXT), ("next", TEXT)], {"language": "en"},
                 lambda client, data: client.post(setlang, data))
    probe.check()


def test_badinput_recycle_bin_and_shares(world, seller):
    probe = prober(seller)
    customer = CustomerFactory(owner=seller)
    for object_type in ["customers.customer", "x" * 300, "../customers.customer", "customers.customer\u202e"]:
        for pk in ["99999999999999999999", "1", "9" * 400]:
            probe(f"restore {object_type!r:.40}/{pk}",
                  lambda client, _data=None, t=object_type, p=pk: client.post(f"/recycle-bin/{t}/{p}/restore/"))
    share_url = reverse("core:share_manage", args=["customers.customer", customer.pk])
    fields = [("employee", STRUCTURED), ("team", STRUCTURED), ("role", TEXT), ("can_change", STRUCTURED),
              ("remove", STRUCTURED)]
    probe.fields("share", fields, {"employee": str(world.seller2.pk)}, lambda client, data: client.post(share_url, data))
    for pk in ["99999999999999999999", "9" * 400]:
        probe(f"share on {pk}", lambda client, _data=None, p=pk: client.post(
            f"/shares/customers.customer/{p}/", {"employee": str(world.seller2.pk)}))
    probe.check()


def test_corpus_is_big_enough():
    """The issue asks for at least 300 hostile values, of every kind listed there."""
    assert len(corpus.CORPUS) >= 300
    texts = [value for value in corpus.CORPUS if isinstance(value, str)]
    for wanted in ("99999999999999999999", "-1", "12.5", "\x00", "\u200b", "\u202e", "𠀀", "𪚥", "=1+2", "+1",
                   "@SUM(A1)", "{{ 7*7 }}", "{% debug %}", "../../../../etc/passwd", "' OR '1'='1"):
        assert wanted in texts, wanted
    assert any(isinstance(value, str) and len(value) >= 1 << 20 for value in corpus.CORPUS), "a 1 MB string"
    assert any(isinstance(value, list) for value in corpus.CORPUS) and any(
        isinstance(value, dict) for value in corpus.CORPUS)
    for wanted in (True, False, None):
        assert any(value is wanted for value in corpus.CORPUS), wanted
    assert any(body.startswith(b"[" * 1000) for body in corpus.RAW_BODIES), "deeply nested JSON"
