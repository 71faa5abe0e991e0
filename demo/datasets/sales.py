"""The benchmark's opportunities (bench/sales.py, `manage.py bench_dataset`): four product lines with
a pipeline each, 20 competitors, win/loss reasons, and opportunities owned by the bench sellers and
department heads on their own customers, each with its stage history (StageChange: ~2.5 rows per
deal), a third with competitors. Written in batches by demo.datasets.bulk (COPY on PostgreSQL).
"""

import datetime
import math
import random
import time
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from customers.models import Customer
from org.models import Employee, OrgUnit, ProductLine
from sales.models import Competitor, Opportunity, OpportunityCompetitor, Pipeline, Stage, WinLossReason

from .bulk import Writer, columns

LINES = [("B-PL-AUTO", "工业自动化"), ("B-PL-IT", "企业信息化"), ("B-PL-SVC", "运维服务"), ("B-PL-EN", "能源管理")]
STAGES = [("线索确认", 10, "open", "pipeline"), ("需求分析", 30, "open", "pipeline"),
          ("方案报价", 60, "open", "best_case"), ("商务谈判", 80, "open", "commit"),
          ("赢单", 100, "won", "closed"), ("丢单", 0, "lost", "omitted")]
PRODUCTS = ["PLC控制系统", "MES系统", "ERP升级", "数据中心", "运维外包", "节能改造", "视觉检测", "云平台"]
PLACES = ["北京", "上海", "广州", "深圳", "杭州", "南京", "苏州", "成都", "重庆", "武汉", "西安", "天津", "青岛",
          "宁波", "厦门", "长沙", "郑州", "合肥", "济南", "沈阳"]

BATCH = 50_000


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



def build(total, seed=11, *, log=print):
    """Opportunities with stage histories and competitors, written in batches of 50,000."""
    have = Opportunity.all_objects.filter(product_line__code__startswith="B-PL-").count()
    if have >= total:
        log(f"{have:,} benchmark opportunities present; nothing to build.")
        return 0
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
    writer = Writer()
    op_cols, op_names, op_defaults = columns(Opportunity)
    sc_cols = ["opportunity_id", "from_stage_id", "to_stage_id", "changed_by_id", "changed_at", "amount",
               "probability", "note"]
    oc_cols, oc_names, oc_defaults = columns(OpportunityCompetitor)
    next_id = writer.next_id("sales_opportunity")
    next_oc = writer.next_id("sales_opportunitycompetitor")
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
                "closed_unit_id": owner.unit_id if closed else None,
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
            writer.write("sales_opportunity", op_cols, opp_rows)
            writer.write("sales_stagechange", sc_cols, change_rows)
            writer.write("sales_opportunitycompetitor", oc_cols, competitor_rows)
        log(f"  {start + len(opp_rows):,} opportunities ({len(change_rows):,} stage changes in this batch), "
              f"{time.monotonic() - started:.0f} s")
    writer.reset_sequences(["sales_opportunity", "sales_opportunitycompetitor", "sales_stagechange"])
    writer.analyze(["sales_opportunity", "sales_stagechange", "sales_opportunitycompetitor"])
    log(f"Built {total:,} opportunities in {time.monotonic() - started:.0f} s.")
    return total


