"""The search box names what the user can search, from the registry (core names no object type)."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from core.context_processors import search_placeholder
from core.registry import menu_items, object_types

pytestmark = pytest.mark.django_db


def test_the_search_box_names_the_searchable_types_a_user_may_view(admin_user):
    order = {}
    for item in menu_items():
        order.setdefault(item.model, item.order)
    searchable = sorted((t for t in object_types() if t.searchable), key=lambda t: order.get(t.model, 10_000))
    with translation.override("en"):
        text = search_placeholder(admin_user)
        names = [str(t.verbose_name_plural) for t in searchable[:3]]
    assert text == "Search " + ", ".join(names) + "…"


def test_a_user_who_may_view_nothing_gets_a_plain_search_box():
    with translation.override("en"):
        assert search_placeholder(get_user_model().objects.create_user("nobody", password="x")) == "Search"
