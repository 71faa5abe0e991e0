"""Reports, dashboards and export against their hand-written SQL floor, on the bench data set.

    DATABASE_URL=postgres://… .venv/bin/python bench/reports.py [--runs 20] [--warmup 3]
        [--export-rows 5000,20000] [--skip-export]

On a database filled by `manage.py bench_data` or `manage.py bench_dataset --size S|M` (users
bench.seller, bench.branch, bench.ceo), DEBUG off, in-process, it times:

- not contacted: GET /customers/not-contacted/?days=30 (customers.pool_views.not_contacted_page:
  visible owned customers not contacted for 30 days counted per (unit, owner), the owners' and
  units' labels, every ancestor unit's total) per user; **floor**: one grouped count with the
  visibility written by hand (bench/scoped_list.py's), the owners and units joined in, then the
  ancestors' labels — two statements through a raw cursor. The rows are checked equal first.
- dashboard: the home page's role dashboard (targets.dashboard.render_dashboard, as the home
  page calls it: seller, manager = bench.branch, executive = bench.ceo), and the whole home page
  GET / for reference; **floor**: the SQL of the figures the dashboard shows for that role, summed
  per run — a seller: their year's plan cell, their won sum, their open pipeline of three months
  by month and category, their forecast submissions; a manager: the subtree's units and people,
  its plan cells, won sums and pipeline, submissions, the funnel of this year's deals (current
  stage and furthest stage reached, bench/sales.py's floor) and the stalled count; an executive:
  the whole tree, all cells, won and pipeline, submissions and won by product line. The headline
  figures (plan, actual, three months weighted / calibrated / commit, stalled, funnel counts,
  product lines) are checked equal first. Without a won-amount plan for this year, one is made
  for the run inside a transaction rolled back at the end (the database is left as it was).
- export: the CEO's customer list export (core.exports.export_response, the list's columns and
  rows, as the request or the background job makes it) of the N customers with the lowest ids,
  xlsx and csv, the whole file produced; **floor**: the same rows and columns (labels, tags, local
  times) read with a raw cursor and written with openpyxl write-only / the csv module. Rows/s.

Floor and candidates alternate in each round (round robin); p50/p95/p99 (bench/timing.figures),
candidate / floor at p50, the load average before and after. Target (issue 12): every report
and dashboard ≤ 1.5 × its floor (the export's ratio is reported, not checked). Results go to
bench/results/reports.json.
"""

import argparse
import csv
import datetime
import io
import json
import os
import re
import sys
import time
from decimal import Decimal
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from floors import FUNNEL_REACHED_TAIL, opportunity_scope  # noqa: E402
from timing import figures, start_django  # noqa: E402

start_django(BASE_DIR)

from django.conf import settings  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402
from django.utils import timezone  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from customers.models import Customer, Level  # noqa: E402
from org.models import Employee, OrgUnit  # noqa: E402
from org.permissions import clear_cache  # noqa: E402
from sales.models import Opportunity, Pipeline  # noqa: E402

USERS = ("bench.seller", "bench.branch", "bench.ceo")
ROLE_OF = {"bench.seller": "seller", "bench.branch": "manager", "bench.ceo": "executive"}
SCOPE_OF = {"bench.seller": "own", "bench.branch": "subtree", "bench.ceo": "all"}
TARGET_RATIO = 1.5
DAYS = 30

# -- visibility written by hand -------------------------------------------------------------------

# org.permissions.scope_filter for customers: own, the subtree's units (subtree scope), and — for the
# people the user acts for (themselves; with the hierarchy setting, everyone in their subtree) —
# what is shared with them or their live teams and the account teams they sit on.
# `= ANY(ARRAY(…))`: each subquery runs once and its ids become an index condition.
CUSTOMER_PEOPLE = {
    "own": "SELECT %(uid)s::bigint",
    "subtree": """SELECT e.id FROM org_employee e JOIN org_orgunit u ON u.id = e.unit_id
                  WHERE u.path = %(path)s OR u.path LIKE %(prefix)s""",
}
CUSTOMER_REACH = """c.id = ANY(ARRAY(
    SELECT s.object_id FROM core_share s LEFT JOIN org_team t ON t.id = s.team_id
    WHERE s.content_type_id = %(ct)s
      AND (s.employee_id IN ({people})
           OR (t.deleted_at IS NULL AND (t.leader_id IN ({people})
               OR t.id IN (SELECT m.team_id FROM org_team_members m WHERE m.employee_id IN ({people})))))))
    OR c.id = ANY(ARRAY(SELECT a.customer_id FROM customers_accountteammember a
                        WHERE a.deleted_at IS NULL AND a.employee_id IN ({people})))"""
CUSTOMER_SUBTREE = """c.org_unit_id = ANY(ARRAY(
    SELECT d.id FROM org_orgunit d WHERE d.path = %(path)s OR d.path LIKE %(prefix)s))"""
CUSTOMER_VISIBILITY = {
    "own": "c.owner_id = %(uid)s OR " + CUSTOMER_REACH.format(people=CUSTOMER_PEOPLE["own"]),
    "subtree": f"c.owner_id = %(uid)s OR {CUSTOMER_SUBTREE} OR "
               + CUSTOMER_REACH.format(people=CUSTOMER_PEOPLE["subtree"]),
    "all": "TRUE",
}

NOT_CONTACTED = """
SELECT c.org_unit_id, u.path, u.name, c.owner_id, e.last_name, e.first_name, e.username, COUNT(*)
FROM customers_customer c JOIN org_orgunit u ON u.id = c.org_unit_id JOIN org_employee e ON e.id = c.owner_id
WHERE c.deleted_at IS NULL AND c.owner_id IS NOT NULL AND ({visibility})
  AND (c.last_contacted_at < %(cutoff)s OR (c.last_contacted_at IS NULL AND c.created_at < %(cutoff)s))
GROUP BY c.org_unit_id, u.path, u.name, c.owner_id, e.last_name, e.first_name, e.username
"""
UNITS_BY_ID = "SELECT id, name, path, depth FROM org_orgunit WHERE id = ANY(%(ids)s) ORDER BY path"

# -- the dashboards' figures ----------------------------------------------------------------------

# The units a manager's figures cover (their unit's subtree), and the people in them.
SUBTREE_UNITS = "SELECT u.id FROM org_orgunit u WHERE u.path = %(path)s OR u.path LIKE %(prefix)s"
TREE = """
SELECT u.id, u.parent_id, u.path, u.name FROM org_orgunit u WHERE u.deleted_at IS NULL {units}
"""
PEOPLE = """
SELECT e.id, e.unit_id, e.last_name, e.first_name FROM org_employee e
WHERE e.is_active {units} AND e.id IN (SELECT er.employee_id FROM org_employee_roles er JOIN org_rolepermission p
  ON p.role_id = er.role_id WHERE p.object_type = 'sales.opportunity' AND p.action = 'add' AND p.scope <> 'all')
"""
PLAN_CELLS = """
SELECT c.org_unit_id, c.employee_id, c.value FROM targets_targetcell c
WHERE c.plan_id = %(plan)s AND c.period = 'Y' {where}
"""
WON = """
SELECT o.owner_id, COALESCE(o.closed_unit_id, o.org_unit_id), SUM(o.amount) FROM sales_opportunity o
WHERE o.status = 'won' AND o.deleted_at IS NULL AND o.closed_at >= %(start)s AND o.closed_at < %(end)s {where}
GROUP BY 1, 2
"""
PIPELINE = """
SELECT date_trunc('month', o.expected_close_date)::date, o.owner_id, e.unit_id, s.forecast_category, SUM(o.amount),
       SUM(o.amount * COALESCE(o.probability, s.probability)), SUM(o.amount * r.rate)
FROM sales_opportunity o JOIN org_employee e ON e.id = o.owner_id JOIN sales_stage s ON s.id = o.stage_id
JOIN unnest(%(stages)s::bigint[], %(rates)s::numeric[]) AS r(stage_id, rate) ON r.stage_id = o.stage_id
WHERE o.status = 'open' AND o.deleted_at IS NULL AND o.expected_close_date >= %(first)s
  AND o.expected_close_date < %(after)s {where}
GROUP BY 1, 2, 3, 4
"""
ENTRIES = """
SELECT DISTINCT ON (f.month, f.employee_id, CASE WHEN f.employee_id IS NULL THEN f.org_unit_id END) f.month, f.employee_id, f.org_unit_id, f.commit, f.best_case
FROM targets_forecastentry f WHERE f.month = ANY(%(months)s) {where}
ORDER BY f.month, f.employee_id, CASE WHEN f.employee_id IS NULL THEN f.org_unit_id END, f.created_at DESC, f.id DESC
"""
LINES = """
SELECT o.product_line_id, pl.name, SUM(o.amount) AS total FROM sales_opportunity o
LEFT JOIN org_productline pl ON pl.id = o.product_line_id
WHERE o.status = 'won' AND o.deleted_at IS NULL AND o.closed_at >= %(start)s AND o.closed_at < %(end)s
GROUP BY 1, 2 ORDER BY total DESC
"""
LINE_PLANS = """
SELECT p.product_line_id, p.total FROM targets_targetplan p
WHERE p.fiscal_year = %(year)s AND p.measure = 'won_amount' AND p.product_line_id IS NOT NULL
"""
# A manager's opportunities: bench/floors.opportunity_scope, as bench/sales.py's funnel floor.
OPPORTUNITY_COLUMNS = ("o.id, o.stage_id, o.amount, o.probability, o.pipeline_id, o.status, o.stage_changed_at, "
                       "o.created_at, o.last_activity_at")
FUNNEL_WHERE = """AND o.registration_status = 'registered' AND o.pipeline_id = %(pipeline)s
    AND o.created_at >= %(created_from)s AND o.created_at < %(created_to)s"""
FUNNEL_CURRENT = opportunity_scope(OPPORTUNITY_COLUMNS, FUNNEL_WHERE) + """
SELECT stage_id, COUNT(*), SUM(amount) FROM o GROUP BY stage_id
"""
FUNNEL_REACHED = opportunity_scope(OPPORTUNITY_COLUMNS, FUNNEL_WHERE) + FUNNEL_REACHED_TAIL
STALLED = opportunity_scope(OPPORTUNITY_COLUMNS, "AND o.status = 'open'") + """
SELECT COUNT(*) FROM (SELECT 1 FROM o JOIN sales_pipeline p ON p.id = o.pipeline_id
  WHERE COALESCE(o.stage_changed_at, o.created_at) < %(now)s - p.stall_days * interval '1 day'
    AND (o.last_activity_at IS NULL OR o.last_activity_at < %(now)s - p.stall_days * interval '1 day')
  LIMIT 1000) AS stalled
"""

# -- the export -----------------------------------------------------------------------------------

EXPORT = """
SELECT c.name, c.short_name, c.credit_code, c.level, ind.name, c.province, c.city, c.phone,
       COALESCE(NULLIF(o.last_name || o.first_name, ''), o.username), u.name,
       ARRAY(SELECT t.name FROM taggit_taggeditem ti JOIN taggit_tag t ON t.id = ti.tag_id
             WHERE ti.content_type_id = %(ct)s AND ti.object_id = c.id ORDER BY t.name),
       c.last_contacted_at AT TIME ZONE %(tz)s, c.updated_at AT TIME ZONE %(tz)s
FROM customers_customer c
LEFT JOIN org_employee o ON o.id = c.owner_id
LEFT JOIN org_orgunit u ON u.id = c.org_unit_id
LEFT JOIN customers_industry ind ON ind.id = c.industry_id
WHERE c.deleted_at IS NULL AND c.id <= %(last)s
ORDER BY c.updated_at DESC, c.id DESC
"""
EXPORT_HEADERS = ("名称", "简称", "统一社会信用代码", "等级", "行业", "省份", "城市", "电话", "负责人", "组织",
                  "标签", "最近联系", "更新时间")


def aware(day):
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def fetch(cursor, sql, params):
    cursor.execute(sql, params)
    return cursor.fetchall()


# -- not contacted --------------------------------------------------------------------------------


class NotContacted:
    def __init__(self, user, client):
        self.user, self.client = user, client
        self.sql = NOT_CONTACTED.format(visibility=CUSTOMER_VISIBILITY[SCOPE_OF[user.username]])
        path = OrgUnit.all_objects.get(pk=user.unit_id).path
        self.params = {"uid": user.pk, "path": path, "prefix": path + ".%", "path_prefix": path + ".%",
                       "ct": ContentType.objects.get_for_model(Customer).pk}

    def page(self):
        response = self.client.get("/customers/not-contacted/", {"days": DAYS}, secure=True)
        assert response.status_code == 200, response.status_code
        return response

    def floor(self):
        params = {**self.params, "cutoff": timezone.now() - datetime.timedelta(days=DAYS)}
        with connection.cursor() as cursor:
            rows = fetch(cursor, self.sql, params)
            ancestors = {int(segment) for row in rows for segment in (row[1] or "").split(".") if segment}
            units = fetch(cursor, UNITS_BY_ID, {"ids": sorted(ancestors)})
        return rows, units

    def check(self):
        """The floor's counts are the selector's the page shows, and their total the page's."""
        from customers.selectors import not_contacted_by_owner

        html = self.page().content.decode()
        rows, units = self.floor()
        total = sum(row[-1] for row in rows)
        selector = {(unit, owner): count for unit, owner, count in not_contacted_by_owner(self.user, DAYS)}
        floor = {(row[0], row[3]): row[-1] for row in rows}
        shown = re.search(r'data-testid="not-contacted-all">\D*([\d,]+)', html)
        if selector != floor or not shown or int(shown.group(1).replace(",", "")) != total:
            sys.exit(f"not contacted, {self.user.username}: the page and the floor disagree "
                     f"({len(selector)} / {len(floor)} owners, {shown and shown.group(1)} / {total} customers)")
        shown_units = html.count('<td class="ps-')
        if shown_units != len(units):
            sys.exit(f"not contacted, {self.user.username}: the page shows {shown_units} units, the floor {len(units)}")
        return {"customers": total, "owners": len(floor), "units": len(units)}


# -- dashboards -----------------------------------------------------------------------------------


class Dashboard:
    def __init__(self, user, client, plan, rates, role):
        from targets.forecast import month_starts

        self.user, self.client, self.plan, self.rates = user, client, plan, rates
        self.role = role
        today = timezone.localdate()
        self.today = today
        self.starts = month_starts(today, 3)
        after = month_starts(self.starts[-1], 2)[1]
        unit = OrgUnit.all_objects.get(pk=user.unit_id)
        self.unit = unit
        self.year = {"start": aware(datetime.date(today.year, 1, 1)), "end": aware(datetime.date(today.year + 1, 1, 1))}
        self.params = {"plan": plan.pk, "uid": user.pk, "unit": unit.pk, "path": unit.path,
                       "prefix": unit.path + ".%", "path_prefix": unit.path + ".%",
                       "first": self.starts[0], "after": after, "months": [f"{d:%Y-%m}" for d in self.starts],
                       "stages": list(rates), "rates": [rate.rate for rate in rates.values()],
                       "year": today.year, "ct": ContentType.objects.get_for_model(Opportunity).pk,
                       **self.year}
        if self.role == "manager":
            from sales.reports.funnel import funnel_pipeline

            self.pipeline = funnel_pipeline()
            self.params.update(pipeline=self.pipeline.pk, created_from=aware(datetime.date(today.year, 1, 1)),
                               created_to=aware(today + datetime.timedelta(days=1)))
        self.request_factory = RequestFactory()

    def render(self):
        """The dashboard section as the home page renders it (a new request: no cached grants)."""
        from targets.dashboard import render_dashboard

        clear_cache(self.user)
        request = self.request_factory.get("/", secure=True)
        request.user = self.user
        request.session = self.client.session
        html = render_dashboard(request)
        assert html, "no dashboard"
        return html

    def page(self):
        response = self.client.get("/", secure=True)
        assert response.status_code == 200, response.status_code
        return response

    def floor(self):
        p = dict(self.params, now=timezone.now())
        out = {}
        with connection.cursor() as cursor:
            if self.role == "seller":
                out["cells"] = fetch(cursor, PLAN_CELLS.format(where="AND c.employee_id = %(uid)s"), p)
                out["won"] = fetch(cursor, WON.format(where="AND o.owner_id = %(uid)s"), p)
                out["pipeline"] = fetch(cursor, PIPELINE.format(where="AND o.owner_id = %(uid)s"), p)
                out["entries"] = fetch(cursor, ENTRIES.format(where="AND f.employee_id = %(uid)s"), p)
                return out
            if self.role == "manager":
                units = f"AND u.id IN ({SUBTREE_UNITS})"
                in_units = f"= ANY(ARRAY({SUBTREE_UNITS}))"
                out["tree"] = fetch(cursor, TREE.format(units=units), p)
                out["people"] = fetch(cursor, PEOPLE.format(units=f"AND e.unit_id {in_units}"), p)
                out["cells"] = fetch(cursor, PLAN_CELLS.format(where=f"AND c.org_unit_id {in_units}"), p)
                out["won"] = fetch(cursor, WON.format(where=f"AND COALESCE(o.closed_unit_id, o.org_unit_id) {in_units}"), p)
                out["pipeline"] = fetch(cursor, PIPELINE.format(where=f"AND e.unit_id {in_units}"), p)
                out["entries"] = fetch(cursor, ENTRIES.format(
                    where=f"AND (f.org_unit_id {in_units} OR f.employee_id IN (SELECT e.id FROM org_employee e "
                          f"WHERE e.unit_id {in_units}))"), p)
                out["funnel_current"] = fetch(cursor, FUNNEL_CURRENT, p)
                out["funnel_reached"] = fetch(cursor, FUNNEL_REACHED, p)
                out["stalled"] = fetch(cursor, STALLED, p)
                return out
            out["tree"] = fetch(cursor, TREE.format(units=""), p)
            out["people"] = fetch(cursor, PEOPLE.format(units=""), p)
            out["cells"] = fetch(cursor, PLAN_CELLS.format(where=""), p)
            out["won"] = fetch(cursor, WON.format(where=""), p)
            out["pipeline"] = fetch(cursor, PIPELINE.format(where=""), p)
            out["entries"] = fetch(cursor, ENTRIES.format(where=""), p)
            out["lines"] = fetch(cursor, LINES, p)
            out["line_plans"] = fetch(cursor, LINE_PLANS, p)
        return out

    def floor_headline(self, out):
        """The dashboard's headline figures from the floor's rows, as the dashboard rolls them up."""
        uid, unit = self.user.pk, self.unit.pk
        if self.role == "seller":
            plan = sum((v for u, e, v in out["cells"] if u == unit and e == uid), Decimal(0))
            actual = sum((v for e, u, v in out["won"] if u == unit), Decimal(0))
            person = ("p", uid)
        else:
            within = None if self.role == "executive" else {row[0] for row in out["tree"]}
            top = unit if self.role == "manager" else OrgUnit.objects.filter(parent__isnull=True).order_by("pk").first().pk
            plan = sum((v for u, e, v in out["cells"] if u == top and e is None), Decimal(0))
            actual = sum((v for e, u, v in out["won"] if within is None or u in within), Decimal(0))
            person = None
        weighted, calibrated, commit = [], [], []
        for start in self.starts:
            rows = [r for r in out["pipeline"] if r[0] == start]
            if person:
                rows = [r for r in rows if r[1] == uid and r[2] == unit]
            weighted.append(round(sum((r[5] or 0 for r in rows), Decimal(0)) / 100, 2))
            calibrated.append(round(sum((r[6] or 0 for r in rows), Decimal(0)), 2))
            month = f"{start:%Y-%m}"
            entries = [r for r in out["entries"] if r[0] == month]
            commit.append(sum((r[3] for r in entries if (r[1] == uid if person else r[1] is not None)), Decimal(0)))
        headline = {"plan": plan, "actual": actual, "weighted": weighted, "calibrated": calibrated}
        if not any(r[2] is not None and r[1] is None for r in out["entries"]):
            headline["commit"] = commit  # without managers' adjustments, the sum of the submissions
        if self.role == "manager":
            headline["stalled"] = out["stalled"][0][0]
            headline["funnel_count"] = {stage: count for stage, count, _amount in out["funnel_current"]}
            headline["funnel_reached"] = dict(out["funnel_reached"])
        if self.role == "executive":
            headline["lines"] = [(name, total) for _pk, name, total in out["lines"]]
        return headline

    def candidate_headline(self):
        from sales.models import Opportunity as Deal
        from sales.reports.funnel import funnel
        from sales.stalled import stalled_q
        from targets.dashboard import _by_product_line
        from targets.forecast import forecast_table
        from targets.selectors import plan_vs_actual
        from targets.split import YEAR

        clear_cache(self.user)
        _node, own, _rows, _k, _f, _l = plan_vs_actual(self.user, self.plan, choice=YEAR)
        _n, own_f, _r, _s, _rates = forecast_table(self.user, count=3)
        headline = {"plan": own.plan, "actual": own.actual,
                    "weighted": [round(Decimal(m["weighted"]), 2) for m in own_f.months],
                    "calibrated": [round(Decimal(m["calibrated"]), 2) for m in own_f.months],
                    "commit": [Decimal(m["commit"]) for m in own_f.months]}
        if self.role == "manager":
            headline["stalled"] = Deal.objects.visible_to(self.user, "view").filter(stalled_q()).order_by()[:1000].count()
            steps = funnel(self.user, date_from=datetime.date(self.today.year, 1, 1), date_to=self.today)
            headline["funnel_count"] = {row["stage"].pk: row["count"] for row in steps if row["count"]}
            headline["funnel_reached"] = {row["stage"].pk: row["reached"] for row in steps if row["reached"] is not None}
        if self.role == "executive":
            headline["lines"] = [(row["label"], row["actual"]) for row in _by_product_line(self.user, self.today.year)]
        return headline

    def check(self):
        floor, candidate = self.floor_headline(self.floor()), self.candidate_headline()
        if "commit" not in floor:
            candidate.pop("commit")
        differ = [key for key in floor if floor[key] != candidate[key]]
        if differ:
            sys.exit(f"dashboard, {self.user.username}: the dashboard and the floor disagree on "
                     + "; ".join(f"{key}: {candidate[key]} / {floor[key]}" for key in differ))
        return {key: (str(value) if not isinstance(value, list | dict) else len(value)) for key, value in floor.items()}


def dashboard_seller(seller):
    """A seller with a row of their own in the plan: bench.seller when they sit in a unit without
    sub-units (targets.tree puts people in leaf units only), else the first bench seller who does."""
    from targets.tree import company_tree

    people = {node.employee.pk for node in walk(company_tree()) if node.employee is not None}
    if seller.pk in people:
        return seller
    candidates = Employee.objects.filter(pk__in=people).order_by("username")
    return candidates.filter(username__startswith="bench.s").first() or candidates.first() or seller


def walk(node):
    yield node
    for child in node.children:
        yield from walk(child)


def ensure_plan(ceo, year):
    """This year's won-amount plan over the company, as the dashboards show it; None when there is one."""
    from targets.models import TargetPlan
    from targets.services import plan_decompose

    plan = TargetPlan.objects.filter(fiscal_year=year, measure="won_amount", product_line__isnull=True,
                                     org_unit__parent__isnull=True).order_by("pk").first()
    if plan is not None:
        return plan, False
    root = OrgUnit.objects.filter(parent__isnull=True).order_by("pk").first()
    plan = TargetPlan.objects.create(name="bench 全公司赢单目标", fiscal_year=year, measure="won_amount", org_unit=root,
                                     total=Decimal("9000000000.00"), grain="month", created_by=ceo, updated_by=ceo)
    plan_decompose(plan=plan, actor=ceo, method="equal")
    return plan, True


# -- export ---------------------------------------------------------------------------------------


class Export:
    def __init__(self, user, rows, export_format):
        from customers.views import CustomerListView

        self.user, self.format = user, export_format
        self.view_class = CustomerListView
        self.last = Customer.objects.order_by("pk").values_list("pk", flat=True)[rows - 1]
        self.rows = rows
        self.request = RequestFactory().get("/customers/", {"export": export_format})
        self.request.user = user
        self.request.htmx = False
        self.levels = {value: str(label) for value, label in Level.choices}
        self.params = {"last": self.last, "tz": settings.TIME_ZONE,
                       "ct": ContentType.objects.get_for_model(Customer).pk}

    def candidate(self):
        from core import exports

        clear_cache(self.user)
        view = self.view_class()
        view.setup(self.request)
        rows = view.export_rows(self.request).filter(pk__lte=self.last)
        response = exports.export_response(self.request, rows, view.table_class, self.format,
                                           Customer._meta.verbose_name_plural)
        return b"".join(response.streaming_content) if response.streaming else response.content

    def floor(self):
        levels = self.levels
        with connection.cursor() as cursor:
            cursor.execute(EXPORT, self.params)
            if self.format == "csv":
                out = io.StringIO()
                out.write("\ufeff")
                writer = csv.writer(out)
                writer.writerow(EXPORT_HEADERS)
                for row in cursor:
                    writer.writerow((*row[:3], levels.get(row[3], row[3]), *row[4:10], ", ".join(row[10]),
                                     row[11] and f"{row[11]:%Y-%m-%d %H:%M}", f"{row[12]:%Y-%m-%d %H:%M}"))
                return out.getvalue().encode()
            workbook = Workbook(write_only=True)
            sheet = workbook.create_sheet("客户")
            sheet.append(EXPORT_HEADERS)
            for row in cursor:
                sheet.append((*row[:3], levels.get(row[3], row[3]), *row[4:10], ", ".join(row[10]), row[11], row[12]))
            out = io.BytesIO()
            workbook.save(out)
            return out.getvalue()

    def check(self):
        candidate, floor = self.candidate(), self.floor()
        if self.format == "csv":
            lines = candidate.decode("utf-8-sig").splitlines()
            floor_lines = floor.decode("utf-8-sig").splitlines()
            if len(lines) != len(floor_lines) or lines[1].split(",")[0] != floor_lines[1].split(",")[0]:
                sys.exit(f"export csv {self.rows}: the export and the floor differ ({len(lines)} / {len(floor_lines)} lines)")
            if lines[0].count(",") != floor_lines[0].count(","):
                sys.exit(f"export csv: {lines[0]} has not the floor's columns {floor_lines[0]}")
        else:
            from openpyxl import load_workbook

            for data in (candidate, floor):
                rows = list(load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(values_only=True))
                if len(rows) != self.rows + 1 or len(rows[0]) != len(EXPORT_HEADERS):
                    sys.exit(f"export xlsx {self.rows}: {len(rows) - 1} rows × {len(rows[0])} columns")
        return {"bytes": len(candidate), "floor_bytes": len(floor)}


# -- the run --------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--export-rows", default="5000,20000", help="comma-separated row counts of the exports")
    parser.add_argument("--export-runs", type=int, default=0, help="rounds of the exports (default: --runs / 2)")
    parser.add_argument("--skip-export", action="store_true")
    parser.add_argument("--only-export", action="store_true", help="the exports alone")
    parser.add_argument("--output", default=str(BASE_DIR / "bench" / "results" / "reports.json"))
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("The benchmark runs on PostgreSQL: set DATABASE_URL=postgres://…")
    users = {e.username: e for e in Employee.objects.filter(username__in=USERS)}
    if len(users) != len(USERS):
        sys.exit("No benchmark data: run `manage.py bench_dataset --size S` (or bench_data) first.")
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)
    try:
        with transaction.atomic():
            report = run(args, users)
            raise Rollback(report)
    except Rollback as done:
        report = done.report
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n")
    print_report(report)
    print(f"\nWritten to {output}")


class Rollback(Exception):  # noqa: N818  (not an error: leaves the database as it was)
    def __init__(self, report):
        self.report = report


def timed(targets, runs, warmup):
    for _ in range(warmup):
        for target in targets.values():
            target()
    samples = {name: [] for name in targets}
    for _ in range(runs):
        for name, target in targets.items():
            started = time.perf_counter()
            target()
            samples[name].append(time.perf_counter() - started)
    return samples


def run(args, users):
    from targets.forecast import current_rates

    ceo = users["bench.ceo"]
    plan, plan_made = ensure_plan(ceo, timezone.localdate().year)
    rates = current_rates()  # as the dashboards get them (cached for the hour)
    clients = {}
    for username, user in users.items():
        clients[username] = Client()
        clients[username].force_login(user)
    load_before = os.getloadavg()
    targets, pairs, checked, verified = {}, {}, {}, {}
    for username, user in ({} if args.only_export else users).items():
        short = username.split(".")[1]
        report = NotContacted(user, clients[username])
        verified[f"not contacted, {short}"] = report.check()
        targets[f"not contacted page, {short}"] = report.page
        targets[f"not contacted floor, {short}"] = report.floor
        pairs[f"not contacted page, {short}"] = f"not contacted floor, {short}"
        checked[f"not contacted page, {short}"] = True
    seller = dashboard_seller(users["bench.seller"])
    board_users = {**users, "bench.seller": seller}
    if seller != users["bench.seller"]:
        clients["bench.seller.dashboard"] = Client()
        clients["bench.seller.dashboard"].force_login(seller)
    for username, user in ({} if args.only_export else board_users).items():
        board = Dashboard(user, clients["bench.seller.dashboard" if user != users[username] else username], plan, rates,
                          role=ROLE_OF[username])
        verified[f"dashboard, {board.role}"] = {"user": user.username, **board.check()}
        targets[f"dashboard, {board.role}"] = board.render
        targets[f"home page, {board.role}"] = board.page
        targets[f"dashboard floor, {board.role}"] = board.floor
        pairs[f"dashboard, {board.role}"] = f"dashboard floor, {board.role}"
        pairs[f"home page, {board.role}"] = f"dashboard floor, {board.role}"
        checked[f"dashboard, {board.role}"] = True
        checked[f"home page, {board.role}"] = False  # the page has more than the dashboard: reference
    samples = timed(targets, args.runs, args.warmup)
    export_rows = {}
    if not args.skip_export:
        exports = {}
        total = Customer.objects.count()
        for count in (int(n) for n in args.export_rows.split(",") if n.strip()):
            if count > total:
                print(f"note: {count} export rows asked, {total} customers: left out")
                continue
            for export_format in ("xlsx", "csv"):
                export = Export(ceo, count, export_format)
                verified[f"export {export_format} {count}"] = export.check()
                exports[f"export {export_format} {count:,}"] = export.candidate
                exports[f"export floor {export_format} {count:,}"] = export.floor
                pairs[f"export {export_format} {count:,}"] = f"export floor {export_format} {count:,}"
                checked[f"export {export_format} {count:,}"] = False
                export_rows[f"export {export_format} {count:,}"] = count
                export_rows[f"export floor {export_format} {count:,}"] = count
        samples.update(timed(exports, args.export_runs or max(3, args.runs // 2), 1))
    results = {name: figures(values) for name, values in samples.items()}
    for name, count in export_rows.items():
        results[name]["rows_per_s"] = round(count / (results[name]["p50_ms"] / 1000))
    ratios = {name: round(results[name]["p50_ms"] / results[floor]["p50_ms"], 2) for name, floor in pairs.items()}
    checks = {f"{name} ≤ {TARGET_RATIO} × floor (p50)": ratios[name] <= TARGET_RATIO
              for name, is_checked in checked.items() if is_checked}
    return {
        "benchmark": "reports", "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "runs": args.runs, "warmup": args.warmup, "cpus": os.cpu_count(),
        "load_average": {"before": [round(x, 2) for x in load_before], "after": [round(x, 2) for x in os.getloadavg()]},
        "dataset": {"customers": Customer.objects.count(), "opportunities": Opportunity.objects.count(),
                    "users": Employee.objects.count(), "units": OrgUnit.objects.count(),
                    "pipelines": Pipeline.objects.count(),
                    "plan": "made for the run (rolled back)" if plan_made else f"existing plan {plan.pk}"},
        "verified": verified, "results": results, "ratios_p50": ratios, "targets_met": checks,
    }


def print_report(report):
    load = report["load_average"]
    print(f"Reports, dashboards, export: {report['runs']} runs after {report['warmup']} warm-up; {report['dataset']}; "
          f"{report['cpus']} CPUs, load average {load['before'][0]:.2f} → {load['after'][0]:.2f}")
    if max(load["before"][0], load["after"][0]) > report["cpus"] / 2:
        print("  (the machine was busy with other work: absolute times are inflated, ratios less so)")
    header = f"{'target':<34}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'min ms':>9}{'ratio':>7}{'rows/s':>9}"
    print(header)
    print("-" * len(header))
    for name, values in report["results"].items():
        ratio = report["ratios_p50"].get(name)
        print(f"{name:<34}{values['p50_ms']:>9.1f}{values['p95_ms']:>9.1f}{values['p99_ms']:>9.1f}{values['min_ms']:>9.1f}"
              f"{(f'{ratio:.2f}' if ratio else ''):>7}{(values.get('rows_per_s') or ''):>9}")
    print()
    for name, checked in report["verified"].items():
        print(f"  checked equal to its floor: {name} {checked}")
    print()
    for check, met in report["targets_met"].items():
        print(f"  [{'ok' if met else 'MISS'}] {check}")


if __name__ == "__main__":
    main()
