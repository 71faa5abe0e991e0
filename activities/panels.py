"""What activities add to other objects' pages (registries: customers and sales import nothing from
here): a panel on the customer page, a tab on the deal workspace, entries on the customer's
timeline, "Mark done" on an activity, and the seller's open tasks on the home page."""

from django.db.models import Q
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.registry import (
    get_activity_target,
    register_action,
    register_home_slot,
    register_panel,
    register_timeline_source,
)
from core.timeline import Entry, before_q
from org.permissions import has_perm

from .models import Activity, ActivityKind, ActivityStatus

PANEL_ROWS = 20
TIMELINE = "activities.done"
ICONS = {ActivityKind.TASK: "check2-square", ActivityKind.CALL: "telephone", ActivityKind.VISIT: "geo-alt",
         ActivityKind.MEETING: "people", ActivityKind.NOTE: "journal-text", ActivityKind.EMAIL: "envelope"}


def _panel(request, rows, add_query):
    can_add = has_perm(request.user, Activity, "add")
    add_url = f"{reverse('activities:activity_add')}?{add_query}"
    for row in rows:
        row.icon_name = ICONS.get(row.kind, "clock-history")
    return render_to_string("activities/panels/activities.html", {
        "rows": rows, "can_add": can_add, "add_url": add_url,
        "kinds": [(kind, label, ICONS[kind]) for kind, label in ActivityKind.choices],
        "more_url": f"{reverse('activities:activity_list')}?{add_query}"}, request=request)


def customer_activities_panel(request, customer):
    if not has_perm(request.user, Activity, "view"):
        return None
    rows = list(Activity.objects.visible_to(request.user, "view").filter(customer=customer)
                .select_related("owner", "contact", "opportunity").order_by("-starts_at", "-pk")[:PANEL_ROWS])
    return _panel(request, rows, f"customer={customer.pk}")


def opportunity_activities_panel(request, opportunity):
    if not has_perm(request.user, Activity, "view"):
        return None
    rows = list(Activity.objects.visible_to(request.user, "view").filter(opportunity=opportunity)
                .select_related("owner", "contact").order_by("-starts_at", "-pk")[:PANEL_ROWS])
    return _panel(request, rows, f"opportunity={opportunity.pk}&customer={opportunity.customer_id}")


def linked_activities_panel(request, obj):
    """The Activities panel of every type registered with core.registry.register_activity_target."""
    from django.contrib.contenttypes.models import ContentType

    from core.registry import get_activity_target

    from .links import related_key

    target = get_activity_target(type(obj))
    if target is None or not has_perm(request.user, Activity, "view"):
        return None
    rows = list(Activity.objects.visible_to(request.user, "view")
                .filter(related_type=ContentType.objects.get_for_model(type(obj)), related_id=obj.pk)
                .select_related("owner", "contact").order_by("-starts_at", "-pk")[:PANEL_ROWS])
    query = f"related={related_key(obj)}"
    customer_id = getattr(obj, f"{target.customer_field}_id", None) if target.customer_field else None
    return _panel(request, rows, f"{query}&customer={customer_id}" if customer_id else query)


def linked_record_panel(request, activity):
    """On an activity of a later type's record: which record, as a link."""
    if not activity.related_type_id or activity.related is None:
        return None
    record = activity.related
    model = type(record)
    manager = model.objects
    visible = manager.visible_to(request.user, "view") if hasattr(manager, "visible_to") else manager.all()
    url = record.get_absolute_url() if hasattr(record, "get_absolute_url") and visible.filter(pk=record.pk).exists() \
        else ""
    return render_to_string("activities/panels/linked_record.html", {
        "label": model._meta.verbose_name, "record": record, "url": url}, request=request)


def timeline_entries(user, customer, cursor, limit):
    """Done activities of the customer, by when they happened (one indexed query with a LIMIT)."""
    if not has_perm(user, Activity, "view"):
        return []
    rows = (Activity.objects.visible_to(user, "view")
            .filter(before_q(cursor, TIMELINE, time_field="starts_at"), customer=customer,
                    status=ActivityStatus.DONE, starts_at__isnull=False)
            .select_related("owner", "contact").order_by("-starts_at", "-pk")[:limit])
    return [Entry(time=a.starts_at, id=a.pk, icon=ICONS.get(a.kind, "clock-history"),
                  title=gettext("%(kind)s: %(subject)s") % {"kind": a.get_kind_display(), "subject": a.subject},
                  body=" · ".join(str(part) for part in (a.contact or "", a.checkin_place, a.description[:200]) if part),
                  url=a.get_absolute_url(), actor=str(a.owner or "")) for a in rows]


def my_open_tasks(user):
    """Planned tasks and visits of mine due by the end of today, the overdue first."""
    end = timezone.localtime().replace(hour=23, minute=59, second=59)
    # By when each is due (a task's due time, else its start), so the overdue come first whatever
    # their kind and on either database (SQLite sorts a missing due time first, PostgreSQL last).
    # The (owner, due_at, starts_at) index of planned activities gives one person's few rows.
    return list(Activity.objects.filter(owner=user, status=ActivityStatus.PLANNED)
                .filter(Q(due_at__lte=end) | Q(due_at__isnull=True, starts_at__lte=end))
                .order_by(Coalesce("due_at", "starts_at"), "pk")[:5])


def register():
    from customers.models import Customer
    from sales.models import Opportunity
    from sales.workspace.page import register_workspace_tab

    register_panel(Customer, _("Activities"), customer_activities_panel, order=15, key="activities")
    register_panel(Opportunity, _("Activities"), opportunity_activities_panel, order=60, key="deal-activities")
    register_workspace_tab("activities", _("Activities"), ("deal-activities",), order=25)
    # Later types (a lead, a contract…) registered with core.registry.register_activity_target;
    # decided when a page is drawn, so types registered after this app get the panel too.
    register_panel((), _("Activities"), linked_activities_panel, order=60, key="linked-activities",
                   when=lambda model: get_activity_target(model) is not None)
    register_panel(Activity, _("Linked record"), linked_record_panel, order=5, key="linked-record")
    register_timeline_source(Customer, TIMELINE, _("Activities"), timeline_entries, order=30)
    register_action(Activity, "complete", _("Mark done"),
                    lambda activity: reverse("activities:activity_complete", args=[activity.pk])
                    if activity.status == ActivityStatus.PLANNED else None,
                    icon="check2-circle", permission="change", order=10, method="post")
    register_home_slot("activities.today", _("My tasks for today"), my_open_tasks, icon="check2-square", order=20,
                       hint=_("Planned tasks, calls and visits due today or overdue."),
                       more_url=lambda user: f"{reverse('activities:activity_list')}?owner={user.pk}&status=planned")


# --- Daily reports and plans ---------------------------------------------------------------------


def daily_report_figures_panel(request, report):
    from core.registry import daily_figures

    from .daily import as_number

    rows = []
    for figure in daily_figures():
        value = as_number(figure.kind, (report.figures or {}).get(figure.key))
        link = figure.link(report.owner, report.date, report.date) if figure.link and value else None
        rows.append({"label": figure.label, "cells": [(gettext("Value"), value, link)]})
    return render_to_string("activities/panels/figures.html", {
        "rows": rows, "first_label": gettext("Figure"), "columns": [gettext("Value")]}, request=request)


def daily_report_comments_panel(request, report):
    comments = report.comments.select_related("author")[:200]
    return render_to_string("activities/panels/comments.html", {
        "comments": comments, "action": reverse("activities:dailyreport_comment", args=[report.pk])}, request=request)


def plan_check_panel(request, plan):
    from .reporting import plan_check

    rows = [{"label": row["label"], "cells": [(gettext("Planned"), row["target"], None),
                                              (gettext("Done"), row["done"], None),
                                              (gettext("Gap"), row["gap"], None),
                                              ("%", "" if row["percent"] is None else f"{row['percent']} %", None)]}
            for row in plan_check(plan)]
    return render_to_string("activities/panels/figures.html", {
        "rows": rows, "first_label": gettext("Figure"),
        "columns": [gettext("Planned"), gettext("Done"), gettext("Gap"), "%"]}, request=request)


def plan_comments_panel(request, plan):
    comments = plan.comments.select_related("author")[:200]
    return render_to_string("activities/panels/comments.html", {
        "comments": comments, "action": reverse("activities:plan_comment", args=[plan.pk])}, request=request)


def register_reports():
    from .models_reports import DailyReport, Plan

    register_panel(DailyReport, _("Figures"), daily_report_figures_panel, order=10, key="figures")
    register_panel(DailyReport, _("Comments"), daily_report_comments_panel, order=20, key="comments")
    register_panel(Plan, _("Plan and done"), plan_check_panel, order=10, key="check")
    register_panel(Plan, _("Comments"), plan_comments_panel, order=20, key="comments")
