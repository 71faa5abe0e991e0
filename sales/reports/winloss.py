"""Win/loss reasons (赢单/丢单原因): per reason, the deals won or lost in the period and their amount.

Counts the registered opportunities the user may view that were closed (won or lost) in the
period (`closed_at`), in the org unit's subtree and of the product line when given. A deal closed
without a reason counts under "No reason given". One query, grouped in the database.
"""

from decimal import Decimal

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from ..models.opportunities import OpportunityStatus
from .base import closed_in, report_opportunities

KIND_ORDER = {OpportunityStatus.WON: 0, OpportunityStatus.LOST: 1}


def win_loss_reasons(user, *, org_unit=None, product_line=None, date_from=None, date_to=None):
    """[{"status", "status_label", "reason" (WinLossReason id or None), "reason_name", "count",
    "amount", "share"}]: won reasons first, each kind by count (most first); `share` is the
    reason's part of its kind's deals (0..1)."""
    rows = closed_in(report_opportunities(user, org_unit=org_unit, product_line=product_line),
                     date_from, date_to).filter(status__in=list(KIND_ORDER))
    grouped = list(rows.order_by().values("status", "close_reason_id", "close_reason__name").annotate(
        count=Count("pk"), amount=Sum("amount")))
    totals = {}
    for row in grouped:
        totals[row["status"]] = totals.get(row["status"], 0) + row["count"]
    labels = dict(OpportunityStatus.choices)
    result = [{
        "status": row["status"], "status_label": labels[row["status"]], "reason": row["close_reason_id"],
        "reason_name": row["close_reason__name"] or _("No reason given"), "count": row["count"],
        "amount": Decimal(row["amount"] or 0).quantize(Decimal("0.01")),
        "share": row["count"] / totals[row["status"]],
    } for row in grouped]
    result.sort(key=lambda row: (KIND_ORDER[row["status"]], -row["count"], row["reason_name"]))
    return result
