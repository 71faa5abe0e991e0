"""Stalled opportunities (issue 9, point 8): open deals with no stage change and no activity for
the pipeline's `stall_days` days.

One definition, used by the list filter (`stalled=true`), the stalled page, the home card and the
badges: `stalled_q()` for queries, `stalled_since()` for one loaded row. A deal whose stage never
changed counts from its creation; no recorded activity counts as none.
"""

import datetime

from django.db.models import Q
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.formatting import format_date

from .models import Opportunity, Pipeline
from .models.opportunities import OpportunityStatus


def _idle_since(cutoff):
    """No stage change and no activity after `cutoff`."""
    no_stage_change = Q(stage_changed_at__lt=cutoff) | Q(stage_changed_at__isnull=True, created_at__lt=cutoff)
    no_activity = Q(last_activity_at__isnull=True) | Q(last_activity_at__lt=cutoff)
    return no_stage_change & no_activity


def stalled_q(now=None):
    """The open opportunities that are stalled at `now`: one condition per distinct `stall_days`
    of the pipelines (a handful), so that each compares the indexed columns with a constant —
    portable to SQLite, and no per-row interval arithmetic."""
    now = now or timezone.now()
    by_days = {}
    for pipeline_id, days in Pipeline.all_objects.values_list("pk", "stall_days"):
        by_days.setdefault(days, []).append(pipeline_id)
    condition = Q(pk__in=[])
    for days, pipelines in by_days.items():
        cutoff = now - datetime.timedelta(days=days)
        condition |= Q(pipeline_id__in=pipelines) & _idle_since(cutoff)
    return Q(status=OpportunityStatus.OPEN) & condition


def stalled_opportunities(queryset, now=None):
    return queryset.filter(stalled_q(now))


def idle_since():
    """The moment a deal last moved, as an expression (the stalled list sorts by it, oldest
    first): as `last_progress()`, portable (no NULL inside GREATEST, which SQLite would return)."""
    moved = Coalesce("stage_changed_at", "created_at")
    return Greatest(moved, Coalesce("last_activity_at", moved))


def last_progress(opportunity):
    """When the deal last moved: its latest stage change (its creation when none) or activity."""
    moments = [moment for moment in (opportunity.stage_changed_at or opportunity.created_at,
                                     opportunity.last_activity_at) if moment]
    return max(moments) if moments else None


def stalled_days(opportunity, now=None):
    """Days without progress when the deal is stalled (select_related("pipeline")), else None."""
    if opportunity.status != OpportunityStatus.OPEN:
        return None
    now = now or timezone.now()
    since = last_progress(opportunity)
    if since is None or since >= now - datetime.timedelta(days=opportunity.pipeline.stall_days):
        return None
    return (now - since).days


def stalled_badge(opportunity, now=None):
    """A warning badge "Stalled · 45 days" (HTML), or "" when the deal is not stalled."""
    days = stalled_days(opportunity, now)
    if days is None:
        return ""
    return format_html(
        '<span class="badge text-bg-warning kedao-stalled" data-stalled title="{}">{}</span>',
        _("No stage change and no activity since %(date)s") % {"date": format_date(timezone.localtime(
            last_progress(opportunity)).date())},
        ngettext("Stalled · %(days)d day", "Stalled · %(days)d days", days) % {"days": days})


def progress_text(opportunity, now=None):
    """For an open deal: the stalled badge, or when it last moved ("3 days ago"); None when closed."""
    if opportunity.status != OpportunityStatus.OPEN:
        return None
    from core.templatetags.kedao_ui import ago

    return stalled_badge(opportunity, now) or ago(last_progress(opportunity))


def my_stalled(user):
    """The home card: the user's own stalled deals, longest idle first."""
    rows = Opportunity.objects.visible_to(user, "view").filter(owner=user).filter(stalled_q())
    return rows.select_related("pipeline").order_by(idle_since().asc(), "pk")[:6]
