"""Daily reports and plans, read and commented on: the team page's rows, PDCA's "done" and gap,
managers' comments (the seller is notified), the e-mail digest."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.registry import daily_figures
from core.reports import day_bounds
from notifications.services import notify

from .daily import period_range, sum_figures, zero
from .models import Activity, ActivityKind, ActivityStatus
from .models_reports import DailyReport, DailyReportComment, Plan, PlanComment

EVENT_REPORT_COMMENT = "activities.daily_report_comment"
EVENT_PLAN_COMMENT = "activities.plan_comment"
EVENT_DIGEST = "activities.daily_digest"


def register():
    from core.registry import register_notification_event

    register_notification_event(EVENT_REPORT_COMMENT, _("A manager commented on your daily report"),
                                model=DailyReport)
    register_notification_event(EVENT_PLAN_COMMENT, _("A manager commented on your plan"), model=Plan)
    # Off unless a manager switches it on in their notification preferences.
    register_notification_event(EVENT_DIGEST, _("Daily digest of my team's reports"), model=DailyReport,
                                description=_("Sent after the daily reports are built (19:00)."),
                                in_app=False, email=False)


# --- The team page ------------------------------------------------------------------------------


def team_reports(user, period, day):
    """(first day, last day, rows, totals) for the daily reports `user` may see in the period
    (day / week / month containing `day`): one row per person, the figures summed over the days.
    Two queries, whatever the number of people."""
    date_from, date_to = period_range(period, day)
    reports = list(DailyReport.objects.visible_to(user, "view").filter(date__range=(date_from, date_to))
                   .select_related("owner", "org_unit").order_by("org_unit__path", "owner__username", "date"))
    sums = sum_figures(reports)
    people, comments = {}, {}
    for report in reports:
        people.setdefault(report.owner_id, report)
    if period == "day":
        counted = (DailyReportComment.objects.filter(report__in=[r.pk for r in reports]).values("report_id")
                   .annotate(n=Count("pk")).order_by())
        comments = {row["report_id"]: row["n"] for row in counted}
    rows = []
    for owner_id, report in people.items():
        rows.append({"employee": report.owner, "org_unit": report.org_unit, "figures": sums[owner_id],
                     "report": report if period == "day" else None, "comments": comments.get(report.pk, 0)})
    totals = {figure.key: sum((row["figures"][figure.key] for row in rows), zero(figure.kind))
              for figure in daily_figures()}
    return date_from, date_to, rows, totals


# --- Comments -------------------------------------------------------------------------------------


def _clean_comment(text):
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("Write a comment.")]})
    if len(text) > 2000:
        raise ValidationError({"text": [_("At most 2000 characters.")]})
    return text


def daily_report_comment_add(*, report, actor, text):
    """A comment on a daily report the actor may see; its seller is told."""
    text = _clean_comment(text)
    with transaction.atomic():
        if not DailyReport.objects.visible_to(actor, "view").filter(pk=report.pk).exists():
            raise PermissionDenied(_("You may not comment on this report."))
        comment = DailyReportComment.objects.create(report=report, author=actor, text=text)
        notify(recipients=[report.owner_id], event=EVENT_REPORT_COMMENT, actor=actor, target=report,
               title=_("%(name)s commented on your daily report of %(date)s")
               % {"name": actor, "date": report.date.isoformat()},
               body=text, url=report.get_absolute_url())
    return comment


def plan_comment_add(*, plan, actor, text):
    """A comment on a plan the actor may see; its seller is told."""
    text = _clean_comment(text)
    with transaction.atomic():
        if not Plan.objects.visible_to(actor, "view").filter(pk=plan.pk).exists():
            raise PermissionDenied(_("You may not comment on this plan."))
        comment = PlanComment.objects.create(plan=plan, author=actor, text=text)
        notify(recipients=[plan.owner_id], event=EVENT_PLAN_COMMENT, actor=actor, target=plan,
               title=_("%(name)s commented on your plan %(plan)s") % {"name": actor, "plan": plan},
               body=text, url=plan.get_absolute_url())
    return comment


# --- PDCA: what was done against a plan ----------------------------------------------------------

PLAN_FIGURES = (
    ("visits", "target_visits", _("Visits")),
    ("calls", "target_calls", _("Calls")),
    ("opportunities", "target_opportunities", _("New opportunities")),
    ("amount", "target_amount", _("Amount won")),
)


def plan_done(plan):
    """{"visits", "calls", "opportunities", "amount"} done by the plan's seller in its period,
    from the records themselves (three queries)."""
    from sales.models import Opportunity

    start, end = day_bounds(plan.starts_on, plan.ends_on)
    done = (Activity.objects.filter(owner_id=plan.owner_id, status=ActivityStatus.DONE, starts_at__gte=start,
                                    starts_at__lt=end, kind__in=(ActivityKind.VISIT, ActivityKind.CALL))
            .aggregate(visits=Count("pk", filter=Q(kind=ActivityKind.VISIT)),
                       calls=Count("pk", filter=Q(kind=ActivityKind.CALL))))
    created = Opportunity.objects.filter(owner_id=plan.owner_id, created_at__gte=start, created_at__lt=end).count()
    won = Opportunity.objects.filter(owner_id=plan.owner_id, status="won", closed_at__gte=start,
                                     closed_at__lt=end).aggregate(amount=Sum("amount"))["amount"]
    return {"visits": done["visits"], "calls": done["calls"], "opportunities": created,
            "amount": (won or Decimal("0")).quantize(Decimal("0.01"))}


def plan_check(plan):
    """[(label, target, done, gap, percent)]: the "check" of PDCA. gap = target - done (≤ 0:
    reached); percent None without a target."""
    done = plan_done(plan)
    rows = []
    for key, field, label in PLAN_FIGURES:
        target = getattr(plan, field) or 0
        got = done[key]
        percent = round(got * 100 / target) if target else None
        rows.append({"key": key, "label": label, "target": target, "done": got, "gap": target - got,
                     "percent": percent})
    return rows


# --- The digest ------------------------------------------------------------------------------------


def send_digests(day):
    """Tell each unit manager (who switched the digest on) how their unit's day went: one
    notification each, through notify(), which honours their preference (off by default)."""
    from org.models import OrgUnit

    units = list(OrgUnit.objects.filter(manager__isnull=False, manager__is_active=True).select_related("manager"))
    if not units:
        return 0
    rows = (DailyReport.objects.filter(date=day).values("org_unit__path")
            .annotate(n=Count("pk")).order_by())
    by_path = {row["org_unit__path"]: row["n"] for row in rows}
    sent = 0
    for unit in units:
        reports = sum(n for path, n in by_path.items() if path and path.startswith(unit.path))
        if not reports:
            continue
        url = f"{reverse('activities:daily_team')}?period=day&date={day.isoformat()}"
        notify(recipients=[unit.manager_id], event=EVENT_DIGEST,
               title=_("Daily reports of %(unit)s for %(date)s") % {"unit": unit, "date": day.isoformat()},
               body=_("%(count)d reports are ready.") % {"count": reports}, url=url)
        sent += 1
    return sent


def run_daily_reports_and_digest(now):
    from .daily import run_daily_reports

    summary = run_daily_reports(now)
    with transaction.atomic():
        sent = send_digests(timezone.localdate(now))
    return f"{summary}; {sent} digests"
