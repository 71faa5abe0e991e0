"""What every sales report counts: registered opportunities the user may view, narrowed by the
standard report filters (core.reports), and the drill-down links that list exactly those rows."""


from core.reports import in_days, list_page, list_url

from ..models import Opportunity
from ..models.opportunities import RegistrationStatus


def report_opportunities(user, *, org_unit=None, product_line=None):
    """Opportunities `user` may view that count in reports: registered ones only (a deal pending
    collision review, or rejected, is not in the pipeline yet), in `org_unit`'s subtree and of
    `product_line` when given — the same conditions as the list's filters of those names."""
    rows = Opportunity.objects.visible_to(user, "view").filter(registration_status=RegistrationStatus.REGISTERED)
    if org_unit is not None:
        rows = rows.filter(org_unit__in=org_unit.subtree().values("pk"))
    if product_line is not None:
        rows = rows.filter(product_line=product_line)
    return rows


def created_in(rows, date_from=None, date_to=None):
    return rows.filter(in_days("created_at", date_from, date_to))


def closed_in(rows, date_from=None, date_to=None):
    return rows.filter(in_days("closed_at", date_from, date_to))


def opportunity_list(params, *, dates="created", **filters):
    """The opportunity list filtered to what a report's figure counts (`dates`: which date the
    report's period applies to, "created" or "closed")."""
    return list_url(
        list_page("sales:opportunity_list"), registration_status=RegistrationStatus.REGISTERED,
        org_unit=params.get("org_unit"), product_line=params.get("product_line"),
        **{f"{dates}_after": params.get("date_from"), f"{dates}_before": params.get("date_to")}, **filters)
