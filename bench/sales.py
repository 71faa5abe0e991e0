"""Sales benchmark: the funnel, the opportunity list and the kanban on 500,000 opportunities.

    scripts/bench.sh                   (runs it after the others)
    .venv/bin/python bench/sales.py [--opportunities 500000] [--runs 30] [--warmup 5]

Needs a database filled by `manage.py bench_data` (DATABASE_URL; PostgreSQL): its org tree,
users and customers. Adds once (COPY, in batches) four product lines with a pipeline each, 20
competitors, win/loss reasons and `--opportunities` opportunities owned by the bench sellers and
department heads on their own customers, each with its stage history (StageChange: ~2.5 rows per
deal), a third with competitors; then times, DEBUG off, in-process:
  funnel       sales.reports.funnel.funnel() for a region manager (subtree scope), one pipeline,
               all time: permission look-ups, the stage list, the two aggregate queries
  funnel_sql   the floor: the same numbers from two hand-written SQL statements with the same
               visibility condition, through a raw cursor
  list         GET /sales/opportunities/ (the HTML list page, first 50 rows) for bench.seller,
               the region manager and bench.ceo
  kanban       GET /sales/opportunities/kanban/ of the funnel's pipeline for a department: as its
               head (subordinates scope) and as the CEO filtering on the department
Floor and candidate alternate (round robin), p50 / p95 / p99 are reported with the load average,
and the targets of issue 9 are checked: funnel ≤ 1.5 × its floor, list p95 ≤ 300 ms, kanban
p95 ≤ 300 ms. Results go to bench/results/sales.json. A benchmark, not a test: it checks only
that the funnel and its floor agree.
"""

import argparse
import datetime
import json
import math
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("KEDAO_VAR_DIR", str(BASE_DIR / "var" / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kedao.settings")

import django  # noqa: E402
from timing import figures  # noqa: E402  (bench/timing.py, beside this file)

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from customers.models import Customer  # noqa: E402
from org.demo import ensure_roles  # noqa: E402
from org.models import Employee, OrgUnit, ProductLine  # noqa: E402
from org.permissions import clear_cache  # noqa: E402
from sales.models import (  # noqa: E402
    Competitor,
    Opportunity,
    OpportunityCompetitor,
    Pipeline,
    Stage,
    StageChange,
    WinLossReason,
)
from sales.reports.funnel import funnel  # noqa: E402

LINES = [("B-PL-AUTO", "工业自动化"), ("B-PL-IT", "企业信息化"), ("B-PL-SVC", "运维服务"), ("B-PL-EN", "能源管理")]
STAGES = [("线索确认", 10, "open", "pipeline"), ("需求分析", 30, "open", "pipeline"),
          ("方案报价", 60, "open", "best_case"), ("商务谈判", 80, "open", "commit"),
          ("赢单", 100, "won", "closed"), ("丢单", 0, "lost", "omitted")]
PRODUCTS = ["PLC控制系统", "MES系统", "ERP升级", "数据中心", "运维外包", "节能改造", "视觉检测", "云平台"]
PLACES = ["北京", "上海", "广州", "深圳", "杭州", "南京", "苏州", "成都", "重庆", "武汉", "西安", "天津", "青岛",
          "宁波", "厦门", "长沙", "郑州", "合肥", "济南", "沈阳"]
TARGET_FUNNEL_OVER_FLOOR = 1.5
TARGET_P95_MS = 300.0
BATCH = 50_000


# -- data -----------------------------------------------------------------------------------------

def reference_data():
    lines, pipelines = [], []
    for code, name in LINES:
        line = ProductLine.objects.filter(code=code).first() or ProductLine.objects.create(code=code, name=name)
        lines.append(line)
        pipeline = Pipeline.objects.filter(product_line=line, is_active=True).first()
        if pipeline is None:
            pipeline = Pipeline.objects.create(name=f"{name}销售流程", product_line=line, stall_days=30)
            for order, (stage, probability, kind, category) in enumerate(STAGES, start=1):
                Stage.objects.create(pipeline=pipeline, name=stage, order=order * 10, probability=probability,
                                     kind=kind, forecast_category=category)
        pipelines.append(pipeline)
    competitors = [Competitor.objects.get_or_create(name=f"竞争对手{chr(65 + i)}公司")[0] for i in range(20)]
    reasons = {"won": [], "lost": []}
    for kind, names in (("won", ["价格优势", "技术领先", "客户关系", "交付能力"]),
                        ("lost", ["价格太高", "功能不足", "关系薄弱", "预算取消", "交期太长"])):
        for name in names:
            reasons[kind].append(WinLossReason.objects.get_or_create(kind=kind, name=name)[0])
    return lines, pipelines, competitors, reasons


def _copy(table, columns, rows):
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def _columns(model):
    fields = [f for f in model._meta.concrete_fields]
    defaults = {f.attname: f.get_default() for f in fields}
    return [f.column for f in fields], [f.attname for f in fields], defaults


def build(total, seed=11):
    """Opportunities with stage histories and competitors, COPY-ed in batches of 50,000."""
    have = Opportunity.all_objects.filter(product_line__code__startswith="B-PL-").count()
    if have >= total:
        print(f"{have:,} benchmark opportunities present; nothing to build.")
        return
    if have:
        raise SystemExit(f"{have:,} benchmark opportunities present, {total:,} wanted: drop the database "
                         "(or pass --opportunities {have}).")
    rng = random.Random(seed)
    lines, pipelines, competitors, reasons = reference_data()
    stages = {p.pk: list(p.stages.order_by("order")) for p in pipelines}
    owners, weights = [], []
    for employee in Employee.objects.filter(username__startswith="bench.").select_related("unit"):
        if employee.unit is None or employee.unit.kind not in (OrgUnit.Kind.DEPARTMENT, OrgUnit.Kind.TEAM):
            continue
        owners.append(employee)
        weights.append(0.3 if employee.title in ("部门经理", "组长") else rng.uniform(0.5, 1.5))
    customers = {}
    for owner_id, customer_id in Customer.objects.values_list("owner_id", "pk").iterator(chunk_size=20_000):
        customers.setdefault(owner_id, []).append(customer_id)
    every_customer = [pk for ids in customers.values() for pk in ids]
    names = {}
    now = timezone.now()
    op_cols, op_names, op_defaults = _columns(Opportunity)
    sc_cols = ["opportunity_id", "from_stage_id", "to_stage_id", "changed_by_id", "changed_at", "amount",
               "probability", "note"]
    oc_cols, oc_names, oc_defaults = _columns(OpportunityCompetitor)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM sales_opportunity")
        next_id = cursor.fetchone()[0] + 1
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM sales_opportunitycompetitor")
        next_oc = cursor.fetchone()[0] + 1
    started = time.monotonic()
    chosen = rng.choices(owners, weights=weights, k=total)
    for start in range(0, total, BATCH):
        opp_rows, change_rows, competitor_rows = [], [], []
        for owner in chosen[start:start + BATCH]:
            index = rng.randrange(len(pipelines))
            pipeline, steps = pipelines[index], stages[pipelines[index].pk]
            open_steps, won, lost = steps[:4], steps[4], steps[5]
            created = now - datetime.timedelta(seconds=rng.uniform(0, 3 * 365 * 86400))
            furthest = 0
            while furthest < 3 and rng.random() < 0.62:
                furthest += 1
            path = [step for i, step in enumerate(open_steps[:furthest + 1]) if i in (0, furthest) or rng.random() > 0.05]
            age = (now - created).days
            if furthest == 3 and rng.random() < 0.8:
                path.append(won if rng.random() < 0.6 else lost)
            elif age > 120 and rng.random() < 0.7:
                path.append(lost)
            moments = sorted(created + datetime.timedelta(seconds=rng.uniform(0, (now - created).total_seconds()))
                             for _ in path[1:])
            moments.insert(0, created)
            current = path[-1]
            amount = None if rng.random() < 0.05 else Decimal(int(math.exp(rng.uniform(10.8, 15.4)) // 1000 * 1000))
            probability = rng.choice([20, 50, 70, 90]) if rng.random() < 0.1 else None
            closed = moments[-1] if current.kind != "open" else None
            activity = moments[-1] + (now - moments[-1]) * rng.random() if rng.random() < 0.5 else None
            name = f"{rng.choice(PLACES)}{PRODUCTS[rng.randrange(len(PRODUCTS))]}项目"
            if name not in names:
                names[name] = Opportunity(name=name).build_search_key()
            customer_ids = customers.get(owner.pk) or every_customer
            competitor = None
            if current.kind == "lost" and rng.random() < 0.6:
                competitor = rng.choice(competitors)
            values = {
                "id": next_id, "created_at": created, "updated_at": max(moments[-1], activity or moments[-1]),
                "created_by_id": owner.pk, "updated_by_id": owner.pk, "version": len(path),
                "owner_id": owner.pk, "org_unit_id": owner.unit_id, "search_key": names[name], "name": name,
                "customer_id": rng.choice(customer_ids), "product_line_id": lines[index].pk,
                "pipeline_id": pipeline.pk, "stage_id": current.pk, "probability": probability, "amount": amount,
                "expected_close_date": (created + datetime.timedelta(days=rng.randint(30, 240))).date(),
                "status": {"open": "open", "won": "won", "lost": "lost"}[current.kind],
                "stage_changed_at": moments[-1], "last_activity_at": activity, "closed_at": closed,
                "close_reason_id": rng.choice(reasons[current.kind]).pk
                if current.kind != "open" and rng.random() < 0.9 else None,
                "won_by_id": competitor.pk if competitor else None,
                "registration_status": "pending_review" if rng.random() < 0.01 else "registered",
            }
            opp_rows.append(tuple(values.get(name, op_defaults[name]) for name in op_names))
            previous = None
            for step, moment in zip(path, moments, strict=True):
                change_rows.append((next_id, previous.pk if previous else None, step.pk, owner.pk, moment, amount,
                                    step.probability, ""))
                previous = step
            met = set()
            if competitor is not None and rng.random() < 0.7:
                met.add(competitor)
            if rng.random() < 0.3:
                met.update(rng.sample(competitors, rng.randint(1, 2)))
            for rival in met:
                row = {"id": next_oc, "created_at": created, "updated_at": created, "created_by_id": owner.pk,
                       "updated_by_id": owner.pk, "version": 1, "opportunity_id": next_id,
                       "competitor_id": rival.pk, "price": amount * Decimal("0.9") if amount else None}
                competitor_rows.append(tuple(row.get(name, oc_defaults[name]) for name in oc_names))
                next_oc += 1
            next_id += 1
        with transaction.atomic():
            _copy("sales_opportunity", op_cols, opp_rows)
            _copy("sales_stagechange", sc_cols, change_rows)
            _copy("sales_opportunitycompetitor", oc_cols, competitor_rows)
        print(f"  {start + len(opp_rows):,} opportunities ({len(change_rows):,} stage changes in this batch), "
              f"{time.monotonic() - started:.0f} s", flush=True)
    with connection.cursor() as cursor:
        for table in ("sales_opportunity", "sales_opportunitycompetitor"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
        cursor.execute("VACUUM (ANALYZE) sales_opportunity")
        cursor.execute("VACUUM (ANALYZE) sales_stagechange")
        cursor.execute("VACUUM (ANALYZE) sales_opportunitycompetitor")
    print(f"Built {total:,} opportunities in {time.monotonic() - started:.0f} s.")


# -- the floor: the funnel's numbers in hand-written SQL ------------------------------------------

# The region manager's visibility, written by hand: their own deals, their region's units (the
# materialised path), and what shares, deal teams and account-team places give the people of the
# region (none in this data set, but the numbers must be the same). Membership look-ups run once
# as `= ANY(ARRAY(…))`, so each is an index condition of one BitmapOr.
FLOOR_SCOPE = """
WITH people AS MATERIALIZED (
  SELECT e.id FROM org_employee e JOIN org_orgunit u ON u.id = e.unit_id
  WHERE u.path = %(path)s OR u.path LIKE %(path_prefix)s
),
o AS MATERIALIZED (
  SELECT o.id, o.stage_id, o.amount, o.probability FROM sales_opportunity o
  WHERE o.deleted_at IS NULL AND o.registration_status = 'registered' AND o.pipeline_id = %(pipeline)s
    AND (o.owner_id = %(uid)s
         OR o.org_unit_id = ANY(ARRAY(SELECT id FROM org_orgunit WHERE deleted_at IS NULL
                                      AND (path = %(path)s OR path LIKE %(path_prefix)s)))
         OR o.id = ANY(ARRAY(SELECT s.object_id FROM core_share s LEFT JOIN org_team t ON t.id = s.team_id
                             WHERE s.content_type_id = %(ct)s
                               AND (s.employee_id IN (SELECT id FROM people)
                                    OR (t.deleted_at IS NULL AND (t.leader_id IN (SELECT id FROM people)
                                        OR t.id IN (SELECT team_id FROM org_team_members
                                                    WHERE employee_id IN (SELECT id FROM people)))))))
         OR o.id = ANY(ARRAY(SELECT m.opportunity_id FROM sales_opportunityteammember m
                             WHERE m.deleted_at IS NULL AND m.employee_id IN (SELECT id FROM people)))
         OR (o.customer_id = ANY(ARRAY(SELECT a.customer_id FROM customers_accountteammember a
                                       WHERE a.deleted_at IS NULL AND a.employee_id IN (SELECT id FROM people)))
             AND (o.customer_id, o.product_line_id) IN (
                 SELECT a.customer_id, a.product_line_id FROM customers_accountteammember a
                 WHERE a.deleted_at IS NULL AND a.employee_id IN (SELECT id FROM people))))
)
"""
FLOOR_CURRENT = FLOOR_SCOPE + """
SELECT stage_id, COUNT(*), SUM(amount), SUM(amount * probability) FILTER (WHERE probability IS NOT NULL),
       SUM(amount) FILTER (WHERE probability IS NULL)
FROM o GROUP BY stage_id
"""
FLOOR_REACHED = FLOOR_SCOPE + """
, steps AS MATERIALIZED (
  SELECT id, "order" FROM sales_stage
  WHERE pipeline_id = %(pipeline)s AND kind IN ('open', 'won') AND deleted_at IS NULL
),
furthest AS MATERIALIZED (
  SELECT GREATEST(COALESCE(MAX(hs."order"), -1), COALESCE(MAX(cs."order"), -1)) AS n
  FROM o LEFT JOIN steps cs ON cs.id = o.stage_id
  LEFT JOIN sales_stagechange c ON c.opportunity_id = o.id LEFT JOIN steps hs ON hs.id = c.to_stage_id
  GROUP BY o.id
)
SELECT s.id, (SELECT COUNT(*) FROM furthest WHERE n >= s."order") FROM steps s
"""


def floor_funnel(user, unit, pipeline):
    params = {"uid": user.pk, "path": unit.path, "path_prefix": unit.path + ".%", "pipeline": pipeline.pk,
              "ct": ContentType.objects.get_for_model(Opportunity).pk}
    with connection.cursor() as cursor:
        cursor.execute(FLOOR_CURRENT, params)
        current = {row[0]: row[1:] for row in cursor.fetchall()}
        cursor.execute(FLOOR_REACHED, params)
        reached = dict(cursor.fetchall())
    return current, reached


def same_numbers(rows, floor):
    current, reached = floor
    for row in rows:
        count = current.get(row["stage"].pk, (0,))[0]
        if row["count"] != count or (row["reached"] is not None and row["reached"] != reached[row["stage"].pk]):
            return False
    return True


# -- timing ---------------------------------------------------------------------------------------



def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--opportunities", type=int, default=500_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--output", default=str(BASE_DIR / "bench" / "results" / "sales.json"))
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("The benchmark runs on PostgreSQL: set DATABASE_URL=postgres://…")
    if not Employee.objects.filter(username="bench.ceo").exists():
        sys.exit("No benchmark data: run `manage.py bench_data` first (scripts/bench.sh does).")
    # The bench roles were made before the sales types may have existed: grant them now.
    ensure_roles(["executive", "region_manager", "branch_manager", "dept_manager", "seller"])
    build(args.opportunities)
    if args.build_only:
        return
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)

    region = OrgUnit.objects.filter(kind=OrgUnit.Kind.REGION, code__startswith="B-").order_by("code").first()
    region_manager = region.manager
    seller = Employee.objects.get(username="bench.seller")
    ceo = Employee.objects.get(username="bench.ceo")
    department = seller.unit
    head = department.manager
    pipeline = Pipeline.objects.get(product_line__code=LINES[0][0], is_active=True)

    def run_funnel():
        clear_cache(region_manager)  # as for a new request: permission look-ups included
        return funnel(region_manager, pipeline=pipeline)

    def run_floor():
        return floor_funnel(region_manager, region, pipeline)

    clients = {}
    for user in (seller, region_manager, ceo):
        clients[user.username] = Client()
        clients[user.username].force_login(user)

    def page(username):
        def get():
            response = clients[username].get("/sales/opportunities/", secure=True)
            assert response.status_code == 200, response.status_code
        return get

    for user in (head,):
        clients[user.username] = Client()
        clients[user.username].force_login(user)

    def kanban(username, query=""):
        def get():
            response = clients[username].get(f"/sales/opportunities/kanban/?pipeline={pipeline.pk}{query}", secure=True)
            assert response.status_code == 200, response.status_code
        return get

    targets = {
        "funnel (region manager)": run_funnel,
        "funnel floor SQL": run_floor,
        "list bench.seller": page("bench.seller"),
        "list region manager": page(region_manager.username),
        "list bench.ceo": page("bench.ceo"),
        "kanban department head": kanban(head.username),
        "kanban CEO, department filter": kanban("bench.ceo", f"&org_unit={department.pk}"),
    }
    if os.environ.get("SKIP_FLOOR") is None and not same_numbers(run_funnel(), run_floor()):
        sys.exit("The funnel and its hand-written SQL disagree.")
    load_before = os.getloadavg()
    for _ in range(args.warmup):
        for target in targets.values():
            target()
    samples = {name: [] for name in targets}
    for _ in range(args.runs):
        for name, target in targets.items():  # round robin: floor and candidate alternate
            started = time.perf_counter()
            target()
            samples[name].append(time.perf_counter() - started)
    results = {name: figures(values) for name, values in samples.items()}
    funnel_rows = run_funnel()
    visible = {
        "bench.seller": Opportunity.objects.visible_to(seller, "view").count(),
        "region manager": Opportunity.objects.visible_to(region_manager, "view").count(),
        "region manager, funnel pipeline": funnel_rows[0]["reached"],
        "department head": Opportunity.objects.visible_to(head, "view").filter(pipeline=pipeline).count(),
    }
    ratio = results["funnel (region manager)"]["p50_ms"] / results["funnel floor SQL"]["p50_ms"]
    checks = {
        "funnel p50 ≤ 1.5 × hand-written SQL p50": ratio <= TARGET_FUNNEL_OVER_FLOOR,
        **{f"{name} p95 ≤ 300 ms": results[name]["p95_ms"] <= TARGET_P95_MS
           for name in targets if name.startswith(("list", "kanban"))},
    }
    report = {
        "benchmark": "sales", "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "runs": args.runs, "warmup": args.warmup, "cpus": os.cpu_count(),
        "load_average": {"before": [round(x, 2) for x in load_before],
                         "after": [round(x, 2) for x in os.getloadavg()]},
        "dataset": {"opportunities": Opportunity.all_objects.count(), "stage_changes": StageChange.objects.count(),
                    "competitors_on_deals": OpportunityCompetitor.all_objects.count(), "visible": visible,
                    "region": region.name, "department": department.name},
        "results": results, "funnel_over_floor_p50": round(ratio, 2), "targets_met": checks,
    }
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    print(f"Sales, {args.runs} runs after {args.warmup} warm-up; {report['dataset']['opportunities']:,} opportunities, "
          f"{report['dataset']['stage_changes']:,} stage changes; {report['cpus']} CPUs, load average "
          f"{report['load_average']['before'][0]:.2f} → {report['load_average']['after'][0]:.2f}")
    print(f"visible: {visible}")
    print(f"{'target':<32}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'min ms':>9}")
    for name, values in results.items():
        print(f"{name:<32}{values['p50_ms']:>9.1f}{values['p95_ms']:>9.1f}{values['p99_ms']:>9.1f}"
              f"{values['min_ms']:>9.1f}")
    print(f"\n  funnel / floor (p50) {ratio:.2f}")
    for check, met in checks.items():
        print(f"  [{'ok' if met else 'MISS'}] {check}")
    print(f"\nWritten to {output}")


if __name__ == "__main__":
    main()
