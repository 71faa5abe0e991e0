"""Stalled opportunities: the definition, the list filter and page, the badges, the home card."""

import datetime

import pytest
from django.utils import timezone

from sales.models import Opportunity
from sales.stalled import stalled_days, stalled_q
from sales.tests.factories import make_pipeline
from sales.tests.report_data import make_deal


def ago(days):
    return timezone.now() - datetime.timedelta(days=days)


@pytest.fixture
def deals(world):
    slow = make_pipeline(name="慢流程")  # 30 days by default
    fast = make_pipeline(name="快流程")
    fast.stall_days = 7
    fast.save()
    made = {
        "idle": make_deal(slow, world.seller1, ["线索确认", "需求分析"], created=ago(60), stage_changed=ago(40)),
        "active": make_deal(slow, world.seller1, ["线索确认"], created=ago(60), stage_changed=ago(40),
                            last_activity=ago(2)),
        "moved": make_deal(slow, world.seller1, ["线索确认"], created=ago(60), stage_changed=ago(5)),
        "won": make_deal(slow, world.seller1, ["线索确认", "赢单"], created=ago(200), stage_changed=ago(100)),
        "fast_idle": make_deal(fast, world.seller1, ["线索确认"], created=ago(20), stage_changed=ago(10)),
        "fast_fresh": make_deal(fast, world.seller1, ["线索确认"], created=ago(20), stage_changed=ago(3)),
        "old_activity": make_deal(slow, world.seller2, ["线索确认"], created=ago(90), stage_changed=ago(45),
                                  last_activity=ago(31)),
        "south_idle": make_deal(slow, world.south_seller, ["线索确认"], created=ago(90), stage_changed=ago(45)),
    }
    # A deal whose stage never changed counts from its creation.
    never = make_deal(slow, world.seller1, ["线索确认"], created=ago(50))
    Opportunity.all_objects.filter(pk=never.pk).update(stage_changed_at=None)
    never.refresh_from_db()
    made["never_moved"] = never
    return made


STALLED = {"idle", "fast_idle", "old_activity", "south_idle", "never_moved"}


def test_the_definition(world, deals):
    stalled = set(Opportunity.objects.filter(stalled_q()).values_list("pk", flat=True))
    assert stalled == {deals[key].pk for key in STALLED}
    rows = Opportunity.objects.select_related("pipeline")
    assert {row.pk for row in rows if stalled_days(row) is not None} == stalled
    assert stalled_days(rows.get(pk=deals["idle"].pk)) == 40
    assert stalled_days(rows.get(pk=deals["old_activity"].pk)) == 31
    # Changing a pipeline's N changes who is stalled.
    fast = deals["fast_fresh"].pipeline
    fast.stall_days = 2
    fast.save()
    assert Opportunity.objects.filter(stalled_q(), pk=deals["fast_fresh"].pk).exists()


def test_list_filter_page_and_badges(client, world, deals):
    client.force_login(world.ceo)
    response = client.get("/sales/opportunities/", {"stalled": "true"})
    assert response.context["count"] == len(STALLED)
    assert response.content.decode().count("data-stalled") == len(STALLED)
    response = client.get("/sales/opportunities/", {"stalled": "false"})
    assert response.context["count"] == len(deals) - len(STALLED)
    assert "data-stalled" not in response.content.decode()
    page = client.get("/sales/opportunities/stalled/")
    assert page.status_code == 200 and page.context["count"] == len(STALLED)
    # Longest idle first.
    ids = [row.record.pk for row in page.context["table"].paginated_rows]
    assert ids[0] == deals["never_moved"].pk
    record = client.get(deals["idle"].get_absolute_url()).content.decode()
    assert 'data-highlight="progress"' in record and "data-stalled" in record
    fresh = client.get(deals["moved"].get_absolute_url()).content.decode()
    assert 'data-highlight="progress"' in fresh and "data-stalled" not in fresh


def test_stalled_page_is_scoped(client, world, deals):
    client.force_login(world.branch_manager)  # N-Branch1: seller1 and seller2
    page = client.get("/sales/opportunities/stalled/")
    assert page.context["count"] == len(STALLED - {"south_idle"})
    client.force_login(world.south_seller)
    assert client.get("/sales/opportunities/stalled/").context["count"] == 1
    client.force_login(world.nobody)
    assert client.get("/sales/opportunities/stalled/").status_code == 403


def test_home_card_shows_my_stalled_deals(client, world, deals):
    client.force_login(world.seller1)
    home = client.get("/").content.decode()
    assert 'data-home-slot="sales.stalled"' in home
    card = home.split('data-home-slot="sales.stalled"')[1].split("</div></div></div>")[0]
    for key in ("idle", "fast_idle", "never_moved"):
        assert deals[key].name in card
    for key in ("active", "moved", "old_activity", "south_idle"):
        assert deals[key].name not in card
    client.force_login(world.seller3)  # nothing of theirs is stalled
    assert 'data-home-slot="sales.stalled"' not in client.get("/").content.decode()
