"""Competitor analysis: per competitor, the deals where we met them, how those ended, the amounts,
and how many deals were lost to them.

Counts the registered opportunities the user may view created in the period (the same cohort as
the funnel), in the org unit's subtree and of the product line when given. "Met" means the
competitor is on the deal (OpportunityCompetitor); "lost to" means the deal was lost and the
competitor won it (Opportunity.won_by), whether or not it was recorded on the deal before. Win
rate = won / (won + lost), over the met deals that are closed. Two queries, grouped in the database.
"""

from decimal import Decimal

from django.db.models import Avg, Count, Q, Sum

from ..models import OpportunityCompetitor
from ..models.opportunities import OpportunityStatus
from .base import created_in, report_opportunities

CENT = Decimal("0.01")


def _money(value):
    return Decimal(value or 0).quantize(CENT)


def competitor_analysis(user, *, org_unit=None, product_line=None, date_from=None, date_to=None):
    """[{"competitor", "name", "met", "won", "lost", "open", "win_rate", "amount", "won_amount",
    "lost_amount", "their_price", "lost_to", "lost_to_amount"}], most met first."""
    deals = created_in(report_opportunities(user, org_unit=org_unit, product_line=product_line), date_from, date_to)
    status = "opportunity__status"
    met = (OpportunityCompetitor.objects.filter(opportunity__in=deals.order_by().values("pk")).order_by()
           .values("competitor_id", "competitor__name").annotate(
               met=Count("opportunity_id"),
               won=Count("pk", filter=Q(**{status: OpportunityStatus.WON})),
               lost=Count("pk", filter=Q(**{status: OpportunityStatus.LOST})),
               open=Count("pk", filter=Q(**{status: OpportunityStatus.OPEN})),
               amount=Sum("opportunity__amount"),
               won_amount=Sum("opportunity__amount", filter=Q(**{status: OpportunityStatus.WON})),
               lost_amount=Sum("opportunity__amount", filter=Q(**{status: OpportunityStatus.LOST})),
               their_price=Avg("price")))
    lost_to = {row["won_by_id"]: row for row in deals.filter(status=OpportunityStatus.LOST, won_by__isnull=False)
               .order_by().values("won_by_id", "won_by__name").annotate(count=Count("pk"), amount=Sum("amount"))}
    result = {}
    for row in met:
        closed = row["won"] + row["lost"]
        result[row["competitor_id"]] = {
            "competitor": row["competitor_id"], "name": row["competitor__name"], "met": row["met"],
            "won": row["won"], "lost": row["lost"], "open": row["open"],
            "win_rate": row["won"] / closed if closed else None, "amount": _money(row["amount"]),
            "won_amount": _money(row["won_amount"]), "lost_amount": _money(row["lost_amount"]),
            "their_price": _money(row["their_price"]) if row["their_price"] is not None else None,
            "lost_to": 0, "lost_to_amount": _money(0)}
    for competitor_id, row in lost_to.items():
        entry = result.setdefault(competitor_id, {
            "competitor": competitor_id, "name": row["won_by__name"], "met": 0, "won": 0, "lost": 0, "open": 0,
            "win_rate": None, "amount": _money(0), "won_amount": _money(0), "lost_amount": _money(0),
            "their_price": None})
        entry["lost_to"], entry["lost_to_amount"] = row["count"], _money(row["amount"])
    return sorted(result.values(), key=lambda row: (-row["met"], -row["lost_to"], row["name"]))
