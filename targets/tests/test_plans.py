"""Target plans: decomposition down the world's tree and over the months (parts add up to the
cent), figures by hand kept by a rebalance, locking, the audit; actuals rolled up against sums
computed here independently; a seller who moved counts where they were when the deal was won; a
branch manager never sees another branch's figures."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from core.models import ObjectChange
from org.models import Employee
from org.tests.factories import EmployeeFactory, OrgUnitFactory, make_role
from sales.models import Opportunity
from sales.tests.factories import OpportunityFactory, WinLossReasonFactory, default_pipeline
from targets.models import TargetCell, TargetPlan
from targets.selectors import plan_vs_actual, roll_up
from targets.services import plan_decompose, plan_lock, plan_set_figure
from targets.split import YEAR
from targets.tests.factories import TargetPlanFactory
from targets.tree import build_tree, walk

pytestmark = pytest.mark.django_db
YEAR_2031 = 2031


@pytest.fixture
def planner(world):
    """An administrator of targets (all scopes) and the grants the managers need to look."""
    grant = {"targets.targetplan": {"view": "all", "add": "all", "change": "all", "delete": "all"}}
    role = make_role("target_admin", grant)
    user = world.users["ceo"]
    user.roles.add(role)
    viewer = make_role("target_viewer", {"targets.targetplan": {"view": "subtree"}})
    for key in ("north_manager", "branch_manager", "seller1", "south_seller"):
        world.users[key].roles.add(viewer)
    return user


def plan_for(world, total="1000000.00", **fields):
    return TargetPlanFactory(fiscal_year=YEAR_2031, org_unit=world.units["hq"], total=Decimal(total), **fields)


def cells_of(plan):
    found = {}
    for cell in TargetCell.objects.filter(plan=plan):
        key = ("p", cell.employee_id) if cell.employee_id else ("u", cell.org_unit_id)
        found.setdefault(key, {})[cell.period] = cell.value
    return found


def assert_adds_up(plan):
    """Every node: its periods add up to its year; its children's year and period figures add up to its own."""
    tree = build_tree(plan.org_unit)
    cells = cells_of(plan)
    assert cells[tree.key][YEAR] == plan.total
    for node in walk(tree):
        own = cells[node.key]
        assert sum(value for period, value in own.items() if period != YEAR) == own[YEAR], node.label
        if node.children:
            for period in own:
                assert sum(cells[child.key][period] for child in node.children) == own[period], (node.label, period)


def test_decomposition_reaches_every_person_and_adds_up_to_the_cent(world, planner):
    # A head-office department where nobody sells (no role to add opportunities) carries no target.
    finance = OrgUnitFactory(name="财务部", parent=world.units["hq"])
    EmployeeFactory(username="fin.clerk", unit=finance, roles=[world.roles["reader"]])
    plan = plan_for(world, "1000000.01")
    plan_decompose(plan=plan, actor=planner)
    assert_adds_up(plan)
    cells = cells_of(plan)
    u = world.units
    # 总部 → 北区 / 南区 (equal), 北区 → 北京分公司 / 天津分公司, 北京分公司 → 北京销售一部 → its sellers.
    assert cells[("u", u["north"].pk)][YEAR] == Decimal("500000.01")
    assert cells[("u", u["south"].pk)][YEAR] == Decimal("500000.00")
    assert cells[("u", u["nd1"].pk)][YEAR] == Decimal("250000.01")
    people = {key: value for key, value in cells.items() if key[0] == "p"}
    seller1 = world.users["seller1"]
    assert ("p", seller1.pk) in people and len(people[("p", seller1.pk)]) == 13  # the year and 12 months
    # The department head of 北京销售一部 is its manager? No: nd1 has no manager set, so everyone splits it.
    nd1_people = [n for n in walk(build_tree(u["hq"])) if n.employee is not None and n.unit == u["nd1"]]
    assert {n.employee.username for n in nd1_people} >= {"north.seller1", "north.seller2"}
    assert ObjectChange.objects.filter(object_id=plan.pk, content_type__model="targetplan").exists()
    assert ("u", finance.pk) not in cells


def test_weekly_plans_and_last_years_shares(world, planner):
    plan = plan_for(world, "520000.00", grain="week")
    # Last year north won three times what south won: the split by last year's shares says so.
    pipeline = default_pipeline()
    won = pipeline.stages.get(kind="won")
    for owner, amount in ((world.users["seller1"], "300.00"), (world.users["south_seller"], "100.00")):
        OpportunityFactory(owner=owner, pipeline=pipeline, stage=won, status="won", amount=Decimal(amount),
                           closed_at=timezone.make_aware(datetime.datetime(YEAR_2031 - 1, 6, 1, 10)),
                           closed_unit=owner.unit)
    plan_decompose(plan=plan, actor=planner, method="last_year")
    assert_adds_up(plan)
    cells = cells_of(plan)
    assert cells[("u", world.units["north"].pk)][YEAR] == Decimal("390000.00")
    assert cells[("u", world.units["south"].pk)][YEAR] == Decimal("130000.00")
    assert len([p for p in cells[("u", world.units["north"].pk)] if p != YEAR]) == 52


def test_figures_set_by_hand_are_kept_and_the_remainder_is_shown(client, world, planner):
    plan = plan_for(world)
    plan_decompose(plan=plan, actor=planner)
    north, south = world.units["north"], world.units["south"]
    plan_set_figure(plan=plan, actor=planner, unit=north, value="700000")
    client.force_login(planner)
    page = client.get(f"/targets/plans/{plan.pk}/figures/")
    assert page.status_code == 200
    assert page.context["remainder"] == Decimal("-200000.00")  # 1,000,000 − (700,000 + 500,000)
    assert "figures-remainder" in page.content.decode()
    # A rebalance keeps the hand-set figure and gives the rest to the others: exact again.
    response = client.post(f"/targets/plans/{plan.pk}/figures/change/", {"action": "rebalance"})
    assert response.status_code == 302
    cells = cells_of(plan)
    assert cells[("u", north.pk)][YEAR] == Decimal("700000.00")
    assert cells[("u", south.pk)][YEAR] == Decimal("300000.00")
    assert_adds_up(plan)
    assert client.get(f"/targets/plans/{plan.pk}/figures/").context["remainder"] == 0
    # Bad figures are refused with the reason; hand-set figures above the parent cannot be rebalanced.
    for bad in ("abc", "-5", "1e30"):
        with pytest.raises(ValidationError):
            plan_set_figure(plan=plan, actor=planner, unit=south, value=bad)
    plan_set_figure(plan=plan, actor=planner, unit=south, value="400000")
    with pytest.raises(ValidationError):
        plan_decompose(plan=plan, actor=planner)
    assert cells_of(plan)[("u", north.pk)][YEAR] == Decimal("700000.00")


def test_a_locked_plan_refuses_changes_and_only_planners_change_plans(world, planner):
    plan = plan_for(world)
    plan_decompose(plan=plan, actor=planner)
    plan_lock(plan=plan, actor=planner)
    assert TargetPlan.objects.get(pk=plan.pk).locked
    with pytest.raises(ValidationError):
        plan_set_figure(plan=plan, actor=planner, unit=world.units["north"], value="1")
    with pytest.raises(ValidationError):
        plan_decompose(plan=plan, actor=planner)
    with pytest.raises(PermissionDenied):
        plan_lock(plan=plan, actor=world.users["north_manager"], locked=False)
    plan_lock(plan=plan, actor=planner, locked=False)
    with pytest.raises(PermissionDenied):
        plan_decompose(plan=plan, actor=world.users["branch_manager"])


def won(owner, amount, when, unit=None, line=None):
    pipeline = default_pipeline()
    extra = {"product_line": line} if line else {}
    return OpportunityFactory(owner=owner, pipeline=pipeline, stage=pipeline.stages.get(kind="won"), status="won",
                              amount=Decimal(amount), closed_at=timezone.make_aware(when),
                              closed_unit=unit or owner.unit, **extra)


def test_actuals_roll_up_level_by_level_and_a_mover_counts_where_they_were(world, planner):
    u, e = world.units, world.users
    plan = plan_for(world)
    plan_decompose(plan=plan, actor=planner)
    march = datetime.datetime(YEAR_2031, 3, 15, 10)
    deals = [won(e["seller1"], "120000.00", march), won(e["seller2"], "80000.00", march),
             won(e["seller3"], "50000.00", datetime.datetime(YEAR_2031, 7, 1, 9)),
             won(e["south_seller"], "30000.00", march),
             won(e["seller1"], "999.00", datetime.datetime(YEAR_2031 - 1, 12, 31, 23))]  # last year: not counted
    # seller2 moved to 天津分公司 in April; the March deal stays with 北京销售一部.
    Employee.objects.filter(pk=e["seller2"].pk).update(unit=u["nb2"])
    later = won(Employee.objects.get(pk=e["seller2"].pk), "10000.00", datetime.datetime(YEAR_2031, 5, 2, 9))
    assert later.closed_unit == u["nb2"]
    # Independently: the sum of this year's won deals whose unit at the win is inside each unit.
    def expected(unit):
        inside = [x for x in (*deals, later) if x.closed_at.year == YEAR_2031 and
                  (x.closed_unit.path == unit.path or x.closed_unit.path.startswith(unit.path + "."))]
        return sum((x.amount for x in inside), Decimal("0"))

    node, own, rows, *_ = plan_vs_actual(planner, plan)
    assert own.actual == expected(u["hq"]) == Decimal("290000.00")
    by_label = {row.node.label: row for row in rows}
    assert by_label[str(u["north"])].actual == expected(u["north"])
    assert by_label[str(u["south"])].actual == Decimal("30000.00")
    _node, _own, rows, *_ = plan_vs_actual(planner, plan, node_key=("u", u["nb1"].pk))
    assert {row.node.label: row.actual for row in rows} == {str(u["nd1"]): Decimal("200000.00")}
    _node, _own, rows, *_ = plan_vs_actual(planner, plan, node_key=("u", u["nb2"].pk))
    assert {row.node.label: row.actual for row in rows}[str(e["seller3"])] == Decimal("50000.00")
    # One quarter only: the July deal leaves Q1.
    _node, own, *_ = plan_vs_actual(planner, plan, choice=f"{YEAR_2031}-Q1")
    assert own.actual == Decimal("230000.00")
    assert own.plan == sum(cells_of(plan)[("u", u["hq"].pk)][f"{YEAR_2031}-{m:02d}"] for m in (1, 2, 3))
    tree = build_tree(u["hq"])
    assert roll_up(tree, [(e["seller1"].pk, u["nd1"].pk, 5)])[("u", u["north"].pk)] == 5


def test_the_won_stage_records_the_owners_unit_at_the_time(world):
    pipeline = default_pipeline()
    seller = world.users["seller1"]
    deal = OpportunityFactory(owner=seller, pipeline=pipeline, expected_close_date=datetime.date(2031, 3, 1))
    Employee.objects.filter(pk=seller.pk).update(unit=world.units["nb2"])
    from sales.services import opportunity_move_stage

    reason = WinLossReasonFactory(kind="won", name="方案领先")
    moved = opportunity_move_stage(opportunity=Opportunity.objects.get(pk=deal.pk), stage=pipeline.stages.get(kind="won"),
                                   actor=Employee.objects.get(pk=seller.pk), reason=reason)
    assert (moved.org_unit, moved.closed_unit) == (world.units["nd1"], world.units["nb2"])


def test_a_branch_manager_sees_only_their_branch_and_a_seller_only_their_row(client, world, planner):
    u, e = world.units, world.users
    plan = plan_for(world)
    plan_decompose(plan=plan, actor=planner)
    won(e["seller1"], "100.00", datetime.datetime(YEAR_2031, 2, 1, 9))
    won(e["seller3"], "7.00", datetime.datetime(YEAR_2031, 2, 1, 9))  # 天津分公司, another branch
    node, own, rows, *_ = plan_vs_actual(e["branch_manager"], plan)
    assert node.unit == u["nb1"] and own.actual == Decimal("100.00")
    with pytest.raises(Http404):  # outside the scope: as for any record, not there for them
        plan_vs_actual(e["branch_manager"], plan, node_key=("u", u["nb2"].pk))
    with pytest.raises(Http404):
        plan_vs_actual(e["branch_manager"], plan, node_key=("u", u["hq"].pk))
    client.force_login(e["branch_manager"])
    assert client.get(f"/targets/plans/{plan.pk}/figures/", {"node": f"u-{u['nb2'].pk}"}).status_code == 404
    api = client.get(f"/api/targets/plans/{plan.pk}/figures/", {"node": f"u-{u['nb2'].pk}"})
    assert api.status_code == 404
    body = client.get(f"/api/targets/plans/{plan.pk}/figures/").json()
    assert Decimal(body["node"]["actual"]) == Decimal("100.00") and "7.00" not in str(body)
    assert client.get(f"/api/targets/plans/{plan.pk}/figures/", {"period": "2031-13"}).status_code == 400
    # A branch manager may look but not change: the change page refuses.
    assert client.post(f"/targets/plans/{plan.pk}/figures/change/", {"action": "rebalance"}).status_code in (403, 404)
    # A seller with an "own" grant would see their own row; with none at all, nothing.
    node, own, rows, *_ = plan_vs_actual(e["seller1"], plan)
    assert node.unit == u["nd1"]  # the viewer grant above is "subtree": their department
    with pytest.raises(PermissionDenied):
        plan_vs_actual(e["nobody"], plan)


def test_the_home_dashboards_follow_the_role_and_never_count_another_branch(client, world, planner):
    u, e = world.units, world.users
    today = timezone.localdate()
    plan = TargetPlanFactory(fiscal_year=today.year, org_unit=u["hq"], total=Decimal("1000000.00"))
    plan_decompose(plan=plan, actor=planner)
    noon = datetime.datetime.combine(today.replace(day=1), datetime.time(12))
    won(e["seller1"], "300.00", noon)
    won(e["seller3"], "7000.00", noon)  # 天津分公司
    client.force_login(e["branch_manager"])
    page = client.get("/")
    html = page.content.decode()
    assert 'data-role="manager"' in html and str(u["nd1"]) in html and 'data-testid="dashboard-funnel"' in html
    assert "¥300.00" in html and "¥7,000.00" not in html and str(u["nb2"]) not in html
    client.force_login(planner)
    html = client.get("/").content.decode()
    assert 'data-role="executive"' in html and "¥7,300.00" in html and 'data-testid="dashboard-lines"' in html
    client.force_login(e["seller1"])
    html = client.get("/").content.decode()
    assert 'data-role="manager"' in html or 'data-role="seller"' in html
    client.force_login(e["nobody"])
    assert 'data-testid="dashboard"' not in client.get("/").content.decode()


def test_every_figures_table_exports_to_excel_without_live_formulas(client, world, planner):
    import io

    import openpyxl

    plan = plan_for(world)
    plan_decompose(plan=plan, actor=planner)
    won(world.users["seller1"], "1234.50", datetime.datetime(YEAR_2031, 2, 1, 9))
    from org.models import OrgUnit

    OrgUnit.objects.filter(pk=world.units["nd1"].pk).update(name="=1+1")  # a formula typed as a unit name
    client.force_login(planner)
    response = client.get(f"/targets/plans/{plan.pk}/figures/", {"node": f"u-{world.units['nb1'].pk}",
                                                                  "export": "xlsx"})
    assert response.status_code == 200 and response["Content-Disposition"].endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == str(world.units["nb1"]) and rows[1][2] == 1234.5
    assert rows[2][0] == "'=1+1" or not str(rows[2][0]).startswith("=")
    for url in ("/targets/forecast/", "/targets/forecast/accuracy/"):
        exported = client.get(url, {"export": "xlsx"})
        assert exported.status_code == 200
        assert openpyxl.load_workbook(io.BytesIO(exported.content)).active.max_row >= 2


def test_a_department_head_with_the_subordinates_scope_sees_their_department(world, planner):
    u, e = world.units, world.users
    from org.models import OrgUnit

    OrgUnit.objects.filter(pk=u["nd1"].pk).update(manager=e["dept_head"])
    e["dept_head"].roles.add(make_role("target_lead", {"targets.targetplan": {"view": "subordinates"}}))
    plan = plan_for(world)
    plan_decompose(plan=plan, actor=planner)
    won(e["seller2"], "500.00", datetime.datetime(YEAR_2031, 4, 1, 9))
    node, own, rows, *_ = plan_vs_actual(Employee.objects.get(pk=e["dept_head"].pk), plan)
    assert node.unit == u["nd1"] and own.actual == Decimal("500.00")
    assert {row.node.employee for row in rows} >= {e["seller1"], e["seller2"]}
    with pytest.raises(Http404):
        plan_vs_actual(Employee.objects.get(pk=e["dept_head"].pk), plan, node_key=("u", u["nb1"].pk))


def test_the_months_set_by_hand_lead_the_decomposition_and_a_rebalance_keeps_them(client, world, planner):
    plan = plan_for(world, "1200000.00")
    plan_decompose(plan=plan, actor=planner)
    months = {f"{YEAR_2031}-{m:02d}": "100000" for m in range(1, 13)}
    months[f"{YEAR_2031}-01"], months[f"{YEAR_2031}-12"] = "50000", "150000"  # a slow January, a strong December
    client.force_login(planner)
    response = client.post(f"/targets/plans/{plan.pk}/figures/change/",
                           {"action": "months", **{f"m_{key}": value for key, value in months.items()}})
    assert response.status_code == 302
    page = client.get(f"/targets/plans/{plan.pk}/figures/")
    assert page.context["months_left"] == 0 and 'data-testid="months-form"' in page.content.decode()
    plan_decompose(plan=plan, actor=planner, time_method="manual")
    assert_adds_up(plan)
    cells = cells_of(plan)
    root = cells[("u", world.units["hq"].pk)]
    assert root[f"{YEAR_2031}-01"] == Decimal("50000.00") and root[f"{YEAR_2031}-12"] == Decimal("150000.00")
    north = cells[("u", world.units["north"].pk)]
    assert north[f"{YEAR_2031}-01"] == Decimal("25000.00")  # half the company, following its January
    # A hand-set year figure then a rebalance: the months and the other proportions stay.
    plan_set_figure(plan=plan, actor=planner, unit=world.units["north"], value="800000")
    from targets.services import plan_rebalance

    plan_rebalance(plan=plan, actor=planner)
    assert_adds_up(plan)
    cells = cells_of(plan)
    assert cells[("u", world.units["hq"].pk)][f"{YEAR_2031}-12"] == Decimal("150000.00")
    assert cells[("u", world.units["south"].pk)][YEAR] == Decimal("400000.00")
    # Months that do not add up to the target cannot lead a decomposition; bad months are refused.
    months[f"{YEAR_2031}-02"] = "1"
    from targets.services import plan_set_months

    plan_set_months(plan=plan, actor=planner, values=months)
    with pytest.raises(ValidationError):
        plan_decompose(plan=plan, actor=planner, time_method="manual")
    for bad in ({f"{YEAR_2031}-13": "1"}, {f"{YEAR_2031}-03": "x"}, {f"{YEAR_2031}-03": "-1"}):
        with pytest.raises(ValidationError):
            plan_set_months(plan=plan, actor=planner, values=bad)
    assert client.get(f"/targets/plans/{plan.pk}/figures/").context["months_left"] == Decimal("99999.00")


def test_a_locked_plan_cannot_be_edited_and_a_new_shape_clears_the_old_decomposition(client, world, planner):
    plan = plan_for(world)
    plan_decompose(plan=plan, actor=planner)
    client.force_login(planner)
    api = f"/api/targets/plans/{plan.pk}/"
    # The target changes: the figures page says the decomposition no longer follows it.
    assert client.patch(api, {"total": "1500000.00"}, content_type="application/json").status_code == 200
    assert 'data-testid="figures-stale"' in client.get(f"/targets/plans/{plan.pk}/figures/").content.decode()
    assert TargetCell.objects.filter(plan=plan).exists()
    # Another year: the old cells go.
    assert client.patch(api, {"fiscal_year": YEAR_2031 + 1}, content_type="application/json").status_code == 200
    assert not TargetCell.objects.filter(plan=plan).exists()
    plan_decompose(plan=plan, actor=planner)
    plan_lock(plan=plan, actor=planner)
    response = client.patch(api, {"total": "1.00"}, content_type="application/json")
    assert response.status_code == 400 and ("locked" in response.content.decode() or "锁定" in response.content.decode())
    page = client.post(f"/targets/plans/{plan.pk}/edit/", {"name": "改名", "fiscal_year": YEAR_2031 + 1,
                                                           "measure": "won_amount", "org_unit": world.units["hq"].pk,
                                                           "total": "1.00", "grain": "month",
                                                           "version": TargetPlan.objects.get(pk=plan.pk).version})
    assert page.status_code == 400
    assert TargetPlan.objects.get(pk=plan.pk).total == Decimal("1500000.00")


def test_each_part_of_the_tree_reads_only_its_rows_and_shows_what_the_company_view_shows(world, planner):
    """A seller's or a manager's figures are read from their part of the tree only (targets.selectors.
    within): every row they see carries the same plan, actual and forecast as the executive's view of
    that node — with a mover, a unit-scope viewer above sub-units and deals elsewhere in the company."""
    from targets.forecast import forecast_table
    from targets.selectors import Within, reach, top_nodes, within

    u, e = world.units, world.users
    pipeline = default_pipeline()
    first_open = pipeline.stages.filter(kind="open").order_by("order").first()
    plan = plan_for(world)
    plan_decompose(plan=plan, actor=planner)
    march = datetime.datetime(YEAR_2031, 3, 15, 10)
    won(e["seller1"], "120000.00", march)
    won(e["seller2"], "80000.00", march)  # in 北京销售一部, before the move below
    won(e["seller3"], "50000.00", datetime.datetime(YEAR_2031, 7, 1, 9))
    won(e["south_seller"], "30000.00", march)
    Employee.objects.filter(pk=e["seller2"].pk).update(unit=u["nb2"])
    mover = Employee.objects.get(pk=e["seller2"].pk)
    won(mover, "10000.00", datetime.datetime(YEAR_2031, 5, 2, 9))  # in 天津分公司
    for owner, amount in ((e["seller1"], "1000"), (mover, "2000"), (e["seller3"], "4000"), (e["south_seller"], "8000")):
        OpportunityFactory(owner=owner, pipeline=pipeline, stage=first_open, amount=Decimal(amount),
                           expected_close_date=datetime.date(YEAR_2031, 4, 2))
    mover.roles.add(make_role("target_own", {"targets.targetplan": {"view": "own"}}))
    region_viewer = EmployeeFactory(username="north.viewer", unit=u["north"],
                                    roles=[make_role("target_unit", {"targets.targetplan": {"view": "unit"}})])
    today = datetime.date(YEAR_2031, 3, 10)
    tree = build_tree(plan.org_unit)

    # The seller reads their own deals in their present unit; the unit viewer their region's subtree.
    assert reach(mover) == set()
    assert within(tree, top_nodes(tree, reach(mover), mover)) == Within(frozenset({u["nb2"].pk}),
                                                                         frozenset({mover.pk}))
    region = within(tree, top_nodes(tree, reach(region_viewer), region_viewer))
    assert region.owners is None and region.units == {u["north"].pk, u["nb1"].pk, u["nd1"].pk, u["nb2"].pk}
    assert within(tree, top_nodes(tree, reach(planner), planner)) is None

    def company(key):
        _node, own, *_ = plan_vs_actual(planner, plan, node_key=key)
        _n, own_f, *_ = forecast_table(planner, node_key=key, count=2, today=today)
        return own.plan, own.actual, [(m["weighted"], m["calibrated"], m["commit"]) for m in own_f.months]

    seen = 0
    for viewer in (mover, region_viewer, e["branch_manager"], e["seller1"]):
        node, own, rows, *_ = plan_vs_actual(viewer, plan)
        node_f, own_f, rows_f, *_ = forecast_table(viewer, count=2, today=today)
        forecast = {row.node.key: row for row in [own_f, *rows_f] if row is not None}
        for row in [own, *rows]:
            months = [(m["weighted"], m["calibrated"], m["commit"]) for m in forecast[row.node.key].months]
            assert (row.plan, row.actual, months) == company(row.node.key), (viewer.username, row.node.label)
            seen += 1
    assert seen >= 7
    # The figures themselves, independently: the mover counts 10,000 in 天津 (not the March deal),
    # the region 260,000 (the south's 30,000 is elsewhere).
    assert plan_vs_actual(mover, plan)[1].actual == Decimal("10000.00")
    assert plan_vs_actual(region_viewer, plan)[1].actual == Decimal("260000.00")
