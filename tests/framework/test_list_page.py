"""List pages: pagination with a bounded total, an empty state that says so, bulk actions above."""

import re

import pytest

from customers.models import Customer
from customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def limit(settings):
    def set_limit(n):
        settings.KEDAO = {**settings.KEDAO, "LIST_COUNT_LIMIT": n}
    return set_limit


def _rows(world, n):
    CustomerFactory.create_batch(n, owner=world.seller1)


def test_pagination_shows_page_of_last_with_first_last_and_a_jump(client, world):
    _rows(world, 60)
    client.force_login(world.seller1)
    html = client.get("/customers/", {"per_page": 25, "page": 2, "level": ""}).content.decode()
    assert re.search(r'data-testid="page-number">第 2 页，共 3 页<', html)
    assert 'data-testid="first-page" href="?per_page=25&amp;level="' in html
    assert 'data-testid="last-page" href="?per_page=25&amp;page=3&amp;level="' in html
    jump = html.split('data-testid="page-jump"')[1].split("</form>")[0]
    assert '<input type="hidden" name="per_page" value="25">' in jump
    assert 'name="page"' in jump and 'max="3"' in jump
    # The jump goes where it says, filters kept.
    html = client.get("/customers/", {"per_page": 25, "page": 3}).content.decode()
    assert "第 3 页，共 3 页" in html and 'data-testid="next-page" href' not in html


def test_beyond_the_count_limit_there_is_no_last_page_and_no_full_count(client, world, limit):
    limit(30)
    _rows(world, 60)
    client.force_login(world.seller1)
    html = client.get("/customers/", {"per_page": 25}).content.decode()
    assert "超过 30 条记录" in html
    assert 'data-testid="last-page"' not in html
    assert re.search(r'data-testid="page-number">第 1 页<', html)
    assert 'data-testid="next-page" href' in html


def test_an_empty_list_says_so_with_a_create_button(client, world):
    client.force_login(world.seller1)
    html = client.get("/customers/").content.decode()
    empty = html.split('data-testid="empty-list"')[1].split("</div>\n</div>")[0]
    assert "没有找到客户" in empty
    assert 'href="/customers/add/"' in empty
    html = client.get("/customers/", {"q": "不存在的公司"}).content.decode()
    assert "没有找到客户" in html and "重置筛选" in html


def test_bulk_actions_sit_above_the_table_too(client, world):
    _rows(world, 3)
    client.force_login(world.seller1)
    html = client.get("/customers/").content.decode()
    top = html.split('data-testid="bulk-actions-top"')[1]
    assert top.index("/customers/bulk-delete/") < top.index("<table")
    assert Customer.objects.count() == 3


def test_a_related_filter_is_scoped_when_used_and_costs_nothing_when_not(client, world, monkeypatch):
    """A list's related filter (an activity's customer) accepts only a record the user may see, with
    the message beside the filter; left empty, the related type's visibility is not worked out."""
    from activities.tests.factories import ActivityFactory
    from core import related

    mine = ActivityFactory(owner=world.seller1, subject="拜访我的客户")
    theirs = ActivityFactory(owner=world.seller2, subject="拜访别人的客户")
    client.force_login(world.seller1)
    asked = []
    real = related.related_queryset
    monkeypatch.setattr(related, "related_queryset",
                        lambda queryset, user, action="view": asked.append(queryset.model) or real(queryset, user, action))
    html = client.get("/activities/").content.decode()
    assert "拜访我的客户" in html
    assert Customer not in asked
    response = client.get("/activities/", {"customer": mine.customer_id})
    assert response.status_code == 200 and Customer in asked
    assert "拜访我的客户" in response.content.decode()
    # The name of the chosen customer is shown in the filter (its autocomplete's one option).
    assert f'<option value="{mine.customer_id}" selected>' in response.content.decode()
    response = client.get("/activities/", {"customer": theirs.customer_id})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-field-error="customer"' in html and "拜访别人的客户" not in html


def test_each_filterset_has_its_own_filters_and_never_a_field_built_from_the_class(world, rf):
    """Filters are copied per request (core.filtersets._Filters), not deep-copied: what one request
    changes (a filter's choices emptied, its widget, its bounds) reaches neither the class nor
    another request, and a form field built from the class's own filters (as a schema generator
    may) is not reused: its choices would be every customer, not the user's."""
    from activities.filtersets import ActivityFilterSet
    from activities.models import Activity
    from activities.tests.factories import ActivityFactory

    mine = ActivityFactory(owner=world.seller1)
    theirs = ActivityFactory(owner=world.seller2)
    base = ActivityFilterSet.base_filters["customer"]
    base.field  # noqa: B018 — the class's own form field, with unscoped choices
    base_extra = dict(base.extra)

    def filterset(user, data):
        request = rf.get("/activities/", data)
        request.user = user
        return ActivityFilterSet(request.GET, queryset=Activity.objects.all(), request=request)

    idle = filterset(world.seller1, {})
    used = filterset(world.seller1, {"customer": theirs.customer_id})
    assert idle.filters["customer"] is not used.filters["customer"] is not base
    assert idle.filters["customer"].queryset is not used.filters["customer"].queryset
    assert idle.filters["customer"].extra is not base.extra and base.extra == base_extra
    # Another's customer is refused, though the class's field would have taken it.
    assert not used.is_valid() and "customer" in used.errors
    own = filterset(world.seller1, {"customer": mine.customer_id})
    assert own.is_valid() and list(own.qs) == [mine]
    assert filterset(world.seller2, {"customer": theirs.customer_id}).is_valid()
