"""The forecast: the weighted pipeline per month and level against sums computed here; calibrated
probabilities on a constructed history with known conversion rates (and the fallback below the
minimum sample); submissions and a manager's adjustment rolling up; the accuracy back-test on a
constructed history of snapshots; scope."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from org.models import Employee
from org.tests.factories import make_role
from sales.models import StageChange
from sales.tests.factories import OpportunityFactory, default_pipeline
from targets.accuracy import accuracy, forecast_as_of, snapshot_take
from targets.forecast import MIN_SAMPLE, calibrated_rates, forecast_table
from targets.models import ForecastEntry, ForecastSnapshot
from targets.services import forecast_adjust, forecast_submit
from targets.tree import build_tree

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2031, 3, 10)


@pytest.fixture
def viewers(world):
    everyone = make_role("target_all", {"targets.targetplan": {"view": "all"}})
    world.users["ceo"].roles.add(everyone)
    branch = make_role("target_subtree", {"targets.targetplan": {"view": "subtree"}})
    for key in ("north_manager", "branch_manager", "seller1", "seller2", "south_seller"):
        world.users[key].roles.add(branch)
    return world


def stages():
    pipeline = default_pipeline()
    open_stages = list(pipeline.stages.filter(kind="open").order_by("order"))
    return pipeline, open_stages, pipeline.stages.get(kind="won"), pipeline.stages.get(kind="lost")


def deal(owner, stage, amount, close, probability=None):
    pipeline = stage.pipeline
    return OpportunityFactory(owner=owner, pipeline=pipeline, stage=stage, amount=Decimal(amount),
                              expected_close_date=close, probability=probability)


def test_the_weighted_pipeline_rolls_up_by_month_and_level(viewers):
    u, e = viewers.units, viewers.users
    _pipeline, open_stages, *_ = stages()
    first, second = open_stages[0], open_stages[1]
    march, april = datetime.date(2031, 3, 20), datetime.date(2031, 4, 5)
    deals = [deal(e["seller1"], first, "100000", march), deal(e["seller1"], second, "50000", march, probability=90),
             deal(e["seller2"], second, "80000", april), deal(e["seller3"], first, "40000", march),
             deal(e["south_seller"], second, "10000", march),
             deal(e["seller1"], first, "777", datetime.date(2031, 7, 1))]  # beyond three months
    node, own, rows, starts, _rates = forecast_table(e["ceo"], count=3, today=TODAY)
    assert [f"{d:%Y-%m}" for d in starts] == ["2031-03", "2031-04", "2031-05"]

    def weighted(items, month):
        return sum((Decimal(x.amount) * (x.probability if x.probability is not None else x.stage.probability) / 100
                    for x in items if x.expected_close_date.month == month), Decimal("0"))

    assert own.months[0]["weighted"] == weighted(deals, 3)
    assert own.months[1]["weighted"] == weighted(deals, 4)
    by_label = {row.node.label: row for row in rows}
    north = [x for x in deals if x.owner != e["south_seller"]]
    assert by_label[str(u["north"])].months[0]["weighted"] == weighted(north, 3)
    assert by_label[str(u["south"])].months[0]["weighted"] == weighted([deals[4]], 3)
    # The branch manager's forecast never counts another branch (天津分公司's seller3).
    node, own, rows, *_ = forecast_table(e["branch_manager"], count=1, today=TODAY)
    assert node.unit == u["nb1"] and own.months[0]["weighted"] == weighted(deals[:2], 3)
    with pytest.raises(Http404):  # outside the scope: not there for them
        forecast_table(e["branch_manager"], node_key=("u", u["nb2"].pk), today=TODAY)


def test_calibration_uses_the_companys_conversion_and_falls_back_below_the_minimum(viewers):
    seller = viewers.users["seller1"]
    _pipeline, open_stages, won, lost = stages()
    first, second = open_stages[0], open_stages[1]
    now = timezone.now()
    # 40 closed deals reached the first stage, 30 of which also reached the second; 10 of those
    # 30 were won: first converts 10/40 = 25 %, second 10/30 ≈ 33.3 %.
    for n in range(40):
        status = "won" if n < 10 else "lost"
        closed = OpportunityFactory(owner=seller, pipeline=first.pipeline, stage=won if status == "won" else lost,
                                    status=status, closed_at=now - datetime.timedelta(days=30))
        StageChange.objects.filter(opportunity=closed).delete()
        StageChange.objects.create(opportunity=closed, to_stage=first, changed_at=now - datetime.timedelta(days=90))
        if n < 30:
            StageChange.objects.create(opportunity=closed, from_stage=first, to_stage=second,
                                       changed_at=now - datetime.timedelta(days=60))
    rates = calibrated_rates()
    assert (rates[first.pk].won, rates[first.pk].closed) == (10, 40) and rates[first.pk].rate == Decimal("0.25")
    assert rates[second.pk].closed == 30 and rates[second.pk].calibrated
    assert round(rates[second.pk].rate, 4) == Decimal("0.3333")
    # A stage with fewer than MIN_SAMPLE closed deals keeps its configured probability.
    third = open_stages[2]
    assert rates[third.pk].closed < MIN_SAMPLE and rates[third.pk].rate == Decimal(third.probability) / 100
    # Deals closed after the day asked about are not known on that day (no look-ahead).
    assert calibrated_rates(as_of=now - datetime.timedelta(days=40))[first.pk].closed == 0
    # The calibrated forecast weighs an open deal with the company's rate.
    today = timezone.localdate()
    deal(seller, first, "100000", today)
    _node, own, *_ = forecast_table(viewers.users["ceo"], count=1, today=today)
    assert own.months[0]["calibrated"] == Decimal("25000")


def test_submissions_and_an_adjustment_roll_up_and_are_kept(viewers):
    u, e = viewers.users, viewers.units
    forecast_submit(actor=u["seller1"], month="2031-03", commit="100000", best_case="150000", note="两单在谈")
    forecast_submit(actor=u["seller1"], month="2031-03", commit="120000", best_case="150000")  # the later counts
    forecast_submit(actor=u["seller2"], month="2031-03", commit="30000", best_case="30000")
    _node, own, rows, *_ = forecast_table(u["ceo"], node_key=("u", e["nd1"].pk), count=1, today=TODAY)
    assert (own.months[0]["commit"], own.months[0]["best_case"]) == (Decimal("150000"), Decimal("180000"))
    assert ForecastEntry.objects.filter(employee=u["seller1"]).count() == 2
    # The branch manager adjusts their branch with a reason; it replaces the sum in the roll-up.
    forecast_adjust(actor=u["branch_manager"], unit=e["nb1"], month="2031-03", commit="100000", best_case="160000",
                    note="一单可能推迟到四月")
    _node, own, *_ = forecast_table(u["ceo"], node_key=("u", e["nb1"].pk), count=1, today=TODAY)
    assert own.months[0]["commit"] == Decimal("100000") and own.months[0]["adjusted"]
    _node, own, *_ = forecast_table(u["ceo"], node_key=("u", e["north"].pk), count=1, today=TODAY)
    assert own.months[0]["commit"] == Decimal("100000")
    # Refused: no reason, best case below commit, bad month or figure, another branch.
    for bad in ({"note": ""}, {"best_case": "1"}, {"month": "2031-13"}, {"commit": "abc"}):
        with pytest.raises(ValidationError):
            forecast_adjust(**{"actor": u["branch_manager"], "unit": e["nb1"], "month": "2031-03", "commit": "10",
                               "best_case": "20", "note": "理由", **bad})
    with pytest.raises(PermissionDenied):
        forecast_adjust(actor=u["branch_manager"], unit=e["nb2"], month="2031-03", commit="1", best_case="1", note="越权")
    with pytest.raises(PermissionDenied):
        forecast_submit(actor=u["nobody"], month="2031-03", commit="1", best_case="1")


def test_the_back_test_compares_what_was_said_with_what_was_won(viewers):
    """A constructed history: snapshots of 北区 for January and February taken 30, 60 and 90 days
    before, and the deals won in those months."""
    u, e = viewers.units, viewers.users
    jan, feb = datetime.date(2031, 1, 1), datetime.date(2031, 2, 1)
    said = {(jan, 90): "50000", (jan, 60): "70000", (jan, 30): "90000", (feb, 90): "10000", (feb, 30): "40000"}
    for (month, lead), value in said.items():
        ForecastSnapshot.objects.create(taken_on=month - datetime.timedelta(days=lead), month=f"{month:%Y-%m}",
                                        org_unit=u["north"], weighted=Decimal(value), calibrated=Decimal(value))
    # A later snapshot (20 days before) must not be read as the 30-day one.
    ForecastSnapshot.objects.create(taken_on=jan - datetime.timedelta(days=20), month="2031-01", org_unit=u["north"],
                                    weighted=Decimal("1"), calibrated=Decimal("1"))
    pipeline, _open, won, _lost = stages()
    for when, amount in ((datetime.datetime(2031, 1, 15, 10), "100000"), (datetime.datetime(2031, 2, 3, 10), "40000")):
        OpportunityFactory(owner=e["seller1"], pipeline=pipeline, stage=won, status="won", amount=Decimal(amount),
                           closed_at=timezone.make_aware(when), closed_unit=u["nd1"])
    tree = build_tree(u["hq"])
    north = next(child for child in tree.children if child.unit == u["north"])
    table = {row["month"]: row for row in accuracy(north, months=2, today=datetime.date(2031, 3, 10))}
    january, february = table["2031-01"], table["2031-02"]
    assert january["actual"] == Decimal("100000")
    assert [january["leads"][lead]["forecast"] for lead in (30, 60, 90)] == [Decimal("90000"), Decimal("70000"),
                                                                             Decimal("50000")]
    assert [january["leads"][lead]["error"] for lead in (30, 60, 90)] == [Decimal("-10.0"), Decimal("-30.0"),
                                                                          Decimal("-50.0")]
    assert february["leads"][60]["forecast"] == Decimal("10000")  # the 90-day one is the latest before day 60
    assert february["leads"][30]["error"] == Decimal("0.0")


def test_snapshots_and_the_forecast_as_it_was_on_a_past_day(viewers):
    e = viewers.users
    _pipeline, open_stages, *_ = stages()
    today = timezone.localdate()
    open_deal = deal(e["seller1"], open_stages[0], "100000", today)
    written = snapshot_take(today)
    assert written == ForecastSnapshot.objects.filter(taken_on=today).count() > 0
    snap = ForecastSnapshot.objects.get(taken_on=today, month=f"{today:%Y-%m}", employee=e["seller1"])
    assert snap.weighted == Decimal("100000") * open_stages[0].probability / 100
    assert snapshot_take(today) == written  # the same day again replaces it
    # Before the deal existed, the forecast knew nothing of it.
    created = open_deal.created_at
    before = forecast_as_of(timezone.localtime(created).date() - datetime.timedelta(days=1))
    key = ("p", e["seller1"].pk)
    assert all(figures.weighted.get(key, 0) == 0 for _start, figures in before)


def test_the_pages_answer_and_refuse(client, viewers):
    e, u = viewers.users, viewers.units
    client.force_login(e["branch_manager"])
    page = client.get("/targets/forecast/")
    assert page.status_code == 200 and "forecast-adjust" in page.content.decode()
    assert client.get("/targets/forecast/", {"node": f"u-{u['nb2'].pk}"}).status_code == 404
    assert client.get("/targets/forecast/", {"months": "9"}).status_code == 400
    assert client.get("/targets/forecast/accuracy/").status_code == 200
    assert client.get("/targets/forecast/accuracy/", {"kind": "magic"}).status_code == 400
    month = f"{timezone.localdate():%Y-%m}"
    response = client.post("/targets/forecast/change/", {"action": "adjust", "node": f"u-{u['nb1'].pk}",
                                                          "month": month, "commit": "5", "best_case": "9", "note": "x"})
    assert response.status_code == 302 and ForecastEntry.objects.filter(org_unit=u["nb1"], employee=None).exists()
    client.post("/targets/forecast/change/", {"action": "adjust", "node": f"u-{u['nb2'].pk}", "month": month,
                                              "commit": "5", "best_case": "9", "note": "x"})
    assert not ForecastEntry.objects.filter(org_unit=u["nb2"]).exists()
    assert client.get("/targets/forecast/accuracy/", {"node": f"u-{u['nb2'].pk}"}).status_code == 404
    client.force_login(e["nobody"])  # no targets grant at all: refused
    assert client.get("/targets/forecast/").status_code == 403
    assert client.get("/api/targets/forecast/").status_code == 403
    assert Employee.objects.filter(pk=e["nobody"].pk).exists()


def test_the_api_gives_the_forecast_and_the_accuracy_within_scope(client, viewers):
    e, u = viewers.users, viewers.units
    _pipeline, open_stages, *_ = stages()
    deal(e["seller1"], open_stages[0], "100000", timezone.localdate())
    client.force_login(e["branch_manager"])
    body = client.get("/api/targets/forecast/", {"months": "1"}).json()
    assert body["node"]["label"] == str(u["nb1"])
    assert Decimal(str(body["node"]["months"][0]["weighted"])) == Decimal("100000") * open_stages[0].probability / 100
    assert client.get("/api/targets/forecast/", {"node": f"u-{u['nb2'].pk}"}).status_code == 404
    bad = client.get("/api/targets/forecast/", {"months": "7", "node": "x"})
    assert bad.status_code == 400 and set(bad.json()) >= {"months", "node"}
    assert client.get("/api/targets/accuracy/").json()["label"] == str(u["nb1"])
    assert client.get("/api/targets/accuracy/", {"node": f"u-{u['south'].pk}"}).status_code == 404


def test_before_any_org_unit_exists_the_pages_answer(client, db):
    """A fresh installation: a superuser, no unit yet (the home page shows the dashboard's forecast
    section empty, never a 500)."""
    admin = Employee.objects.create_superuser("root.admin", "root@example.com", "Kd-7!quartz-Harbour")
    client.force_login(admin)
    for url in ("/", "/targets/forecast/", "/targets/forecast/accuracy/"):
        assert client.get(url).status_code == 200, url
    assert client.get("/api/targets/accuracy/").status_code == 404
