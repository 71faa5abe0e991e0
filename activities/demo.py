"""Activities' part of `manage.py demo_data` (registered after sales: it links their deals): six
weeks of a sales team's working days — four past, two ahead — for every seller who owns customers.

Past days have done calls, visits (with a check-in place), meetings and notes, a few cancelled; the
coming days planned visits and calls; tasks are spread around today, some of them overdue. Each is
on one of the seller's own customers, often with a contact, sometimes with an open deal of that
customer; a visit now and then takes the seller's manager along (a participant). Then each
customer's last-contacted date and each deal's last activity are set from what was done, as the
service does when a seller logs one.

Idempotent: nothing happens when activities exist already. Seeded: the same rows every time.
"""

import datetime

from django.db.models import Exists, Max, OuterRef, Q, Subquery
from django.utils import timezone

from customers.models import Contact, Customer
from org.models import Employee
from sales.models import Opportunity

from .models import CONTACT_KINDS, Activity, ActivityKind, ActivityStatus, Priority

PAST_DAYS, FUTURE_DAYS = 28, 14
BATCH = 1000

CALLS = ["电话回访，了解使用情况", "电话确认需求细节", "约下周上门拜访时间", "跟进报价反馈", "确认招标时间表",
         "询问预算审批进度", "介绍新产品方案"]
VISITS = ["拜访信息中心主任", "上门技术交流", "拜访采购部门", "陪同客户参观样板工程", "现场勘察", "拜访总经理",
          "项目启动会前沟通"]
MEETINGS = ["方案评审会", "商务谈判会议", "需求调研会", "项目周例会", "合同条款澄清会"]
NOTES = ["客户对交付周期很关注，需要提供详细计划。", "竞争对手近期频繁拜访，需加强高层关系。",
         "客户预算预计下季度批复。", "技术负责人倾向我方方案。", "采购流程需要三家比价。"]
TASKS = ["准备技术方案初稿", "发送产品资料", "整理报价清单", "提交投标文件", "预约样板工程参观",
         "更新客户联系人信息", "准备合同草稿"]
EMAILS = ["发送会议纪要", "发送报价单", "回复技术问题", "发送方案修订版"]


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def build(ctx):
    if Activity.all_objects.exists():
        return
    rng = ctx.gen.seeded(ctx.options["seed"] + 50)
    today = timezone.localdate()
    now = timezone.now()
    customers = {}
    for pk, owner_id, city, address in (Customer.objects.filter(owner__isnull=False).order_by("pk")
                                        .values_list("pk", "owner_id", "city", "address")):
        customers.setdefault(owner_id, []).append((pk, city, address))
    contacts = {}
    for pk, customer_id in Contact.objects.order_by("pk").values_list("pk", "customer_id"):
        contacts.setdefault(customer_id, []).append(pk)
    deals = {}  # the seller's own open deals of each customer: what they would link
    for pk, customer_id, owner_id in (Opportunity.objects.filter(status="open").order_by("pk")
                                      .values_list("pk", "customer_id", "owner_id")):
        deals.setdefault((customer_id, owner_id), []).append(pk)
    people = dict(Employee.objects.filter(pk__in=customers).values_list("pk", "unit_id"))
    managers = dict(Employee.objects.filter(pk__in=customers).values_list("pk", "manager_id"))

    rows, joins = [], []
    for seller_id in sorted(customers):
        unit_id = people.get(seller_id)
        if unit_id is None:
            continue
        own = customers[seller_id]
        for offset in range(-PAST_DAYS, FUTURE_DAYS + 1):
            day = today + datetime.timedelta(days=offset)
            if day.weekday() >= 5:
                continue
            for _n in range(rng.choice((0, 1, 1, 2, 2, 3))):
                customer_id, city, address = rng.choice(own)
                half_of_today = offset == 0 and rng.random() < 0.5
                kind = rng.choices([ActivityKind.CALL, ActivityKind.VISIT, ActivityKind.MEETING, ActivityKind.NOTE,
                                    ActivityKind.EMAIL, ActivityKind.TASK], weights=[30, 25, 8, 10, 7, 20])[0]
                hour = rng.randint(9, 17)
                start = _at(day, hour, rng.choice((0, 15, 30, 45)))
                # Half of today is done — of what has started by now: demo data loaded at night
                # (00:02 in Beijing) had today's 9:00 visits done already.
                past = offset < 0 or (half_of_today and start < now)
                if not past and kind in (ActivityKind.NOTE, ActivityKind.EMAIL):
                    kind = ActivityKind.CALL  # notes and mails are logged when done, not planned
                row = Activity(kind=kind, owner_id=seller_id, org_unit_id=unit_id, customer_id=customer_id,
                               priority=rng.choices(Priority.values, weights=[2, 6, 2])[0],
                               created_by_id=seller_id, updated_by_id=seller_id)
                if customer_id in contacts and rng.random() < 0.7:
                    row.contact_id = rng.choice(contacts[customer_id])
                if (customer_id, seller_id) in deals and rng.random() < 0.5:
                    row.opportunity_id = rng.choice(deals[(customer_id, seller_id)])
                if kind == ActivityKind.TASK:
                    row.subject = rng.choice(TASKS)
                    row.due_at = _at(day, 18)
                    # Most past tasks were done; some are overdue (still planned).
                    done = past and rng.random() < 0.75
                    row.status = ActivityStatus.DONE if done else ActivityStatus.PLANNED
                    row.done_at = min(now, row.due_at - datetime.timedelta(hours=rng.randint(1, 8))) if done else None
                else:
                    row.starts_at = start
                    if kind == ActivityKind.CALL:
                        row.subject = rng.choice(CALLS)
                        row.ends_at = start + datetime.timedelta(minutes=rng.choice((10, 15, 20, 30)))
                    elif kind == ActivityKind.VISIT:
                        row.subject = rng.choice(VISITS)
                        row.ends_at = start + datetime.timedelta(hours=rng.choice((1, 2)))
                        row.location = address or city or ""
                        row.remind_minutes_before = 60
                    elif kind == ActivityKind.MEETING:
                        row.subject = rng.choice(MEETINGS)
                        row.ends_at = start + datetime.timedelta(hours=rng.choice((1, 2, 3)))
                        row.remind_minutes_before = 30
                    elif kind == ActivityKind.NOTE:
                        row.subject = "拜访记录"
                        row.description = rng.choice(NOTES)
                    else:
                        row.subject = rng.choice(EMAILS)
                        row.email_to = "客户联系人"
                    if past:
                        row.status = ActivityStatus.CANCELLED if rng.random() < 0.05 else ActivityStatus.DONE
                        row.done_at = min(now, row.ends_at or start)
                        if kind == ActivityKind.VISIT and row.status == ActivityStatus.DONE:
                            row.checkin_at = start - datetime.timedelta(minutes=rng.randint(0, 10))
                            row.checkin_place = row.location or city or ""
                    else:
                        row.status = ActivityStatus.PLANNED
                    if kind in (ActivityKind.VISIT, ActivityKind.MEETING) and managers.get(seller_id) \
                            and rng.random() < 0.15:
                        joins.append((len(rows), managers[seller_id]))
                created = min(now, (row.done_at or row.starts_at or row.due_at) - datetime.timedelta(
                    hours=rng.randint(1, 72)))
                row.created_at, row.updated_at = created, min(now, max(created, row.done_at or created))
                rows.append(row)
    with ctx.gen.manual_timestamps(Activity):
        Activity.objects.bulk_create(rows, batch_size=BATCH)  # SearchKeyModel fills search_key
    through = Activity.participants.through
    through.objects.bulk_create([through(activity_id=rows[index].pk, employee_id=employee)
                                 for index, employee in joins], batch_size=BATCH)
    _touch(Customer, "customer", "last_contacted_at")
    _touch(Opportunity, "opportunity", "last_activity_at")
    ctx.created["activities"] = (len(rows), Activity.objects.count())
    _daily_reports_and_plans(ctx, rng, today, sorted(customers), people, managers)


PLAN_NOTES = ["重点跟进投标阶段的商机，每天至少两次客户拜访。", "本周集中拜访老客户，挖掘扩容需求。",
              "完成重点客户的方案交流，推动两个商机进入报价阶段。"]
COMMENTS = ["拜访量不错，注意把握报价节奏。", "明天和我一起去见信息中心主任。", "逾期任务请尽快处理。"]


def _daily_reports_and_plans(ctx, rng, today, sellers, units, managers):
    """The daily reports of the past four weeks, as the 19:00 job would have built them, a
    manager's comment on some; and this week's and this month's plan of every seller."""
    from .daily import daily_reports_build
    from .models import DailyReport, DailyReportComment, Plan, PlanPeriod

    for offset in range(PAST_DAYS, 0, -1):
        day = today - datetime.timedelta(days=offset)
        if day.weekday() < 5:
            daily_reports_build(day)
    reports = list(DailyReport.objects.filter(owner_id__in=sellers, date__gte=today - datetime.timedelta(days=7))
                   .order_by("pk").values_list("pk", "owner_id"))
    DailyReportComment.objects.bulk_create([
        DailyReportComment(report_id=pk, author_id=managers[owner], text=rng.choice(COMMENTS))
        for pk, owner in reports if managers.get(owner) and rng.random() < 0.15])
    monday = today - datetime.timedelta(days=today.weekday())
    plans = []
    for seller in sellers:
        if units.get(seller) is None:
            continue
        plans.append(Plan(owner_id=seller, org_unit_id=units[seller], period=PlanPeriod.WEEK, starts_on=monday,
                          target_visits=rng.randint(4, 10), target_calls=rng.randint(10, 25),
                          target_opportunities=rng.randint(1, 3), target_amount=rng.randint(2, 20) * 100_000,
                          notes=rng.choice(PLAN_NOTES), created_by_id=seller, updated_by_id=seller))
        plans.append(Plan(owner_id=seller, org_unit_id=units[seller], period=PlanPeriod.MONTH,
                          starts_on=today.replace(day=1), target_visits=rng.randint(20, 40),
                          target_calls=rng.randint(40, 90), target_opportunities=rng.randint(3, 8),
                          target_amount=rng.randint(10, 60) * 100_000, notes=rng.choice(PLAN_NOTES),
                          created_by_id=seller, updated_by_id=seller))
    Plan.objects.bulk_create(plans)
    ctx.created["daily reports"] = (DailyReport.objects.count(), DailyReport.objects.count())
    ctx.created["plans"] = (len(plans), Plan.objects.count())


def _touch(model, link, field):
    """Move `field` of every linked record forward to its latest contact (never back), in one UPDATE."""
    done = Activity.objects.filter(**{link: OuterRef("pk")}, status=ActivityStatus.DONE, kind__in=CONTACT_KINDS,
                                   starts_at__isnull=False)
    latest = done.order_by().values(link).annotate(latest=Max("starts_at")).values("latest")
    rows = (model.all_objects.filter(Exists(done))
            .filter(Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lt": Subquery(latest)})))
    model.all_objects.filter(pk__in=rows.values("pk")).update(**{field: Subquery(latest)})
