"""Discount approval of quotes: one use of the approvals app (kind "sales.quote_discount").

The threshold is a QuoteDiscountThreshold: the product line's own, else the company default;
none at all means no quote needs approval. A quote whose total discount off its list value is
above it is submitted (sales.quotes.services.quote_submit); the approver is found by the approvals
app's routing from the opportunity's org unit (its managers, walking up). Approving makes the
quote approved (it may be sent); rejecting or withdrawing puts it back to draft, with the
comment in its history, so the seller can change it and submit again."""

from django.db.models import F, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.models import ObjectChange
from core.services import log_change, serialize_object
from sales.models import Quote, QuoteDiscountThreshold, QuoteStatus

KIND = "sales.quote_discount"


def threshold_for(quote):
    """The threshold that applies to `quote` (its opportunity's product line first), or None."""
    rows = QuoteDiscountThreshold.objects.filter(is_active=True).filter(
        Q(product_line_id=quote.opportunity.product_line_id) | Q(product_line__isnull=True))
    return rows.order_by(F("product_line_id").asc(nulls_last=True), "pk").first()


def needs_approval(quote, threshold=None):
    threshold = threshold if threshold is not None else threshold_for(quote)
    return threshold is not None and quote.total_discount > threshold.max_discount


def request_approval(quote, actor, threshold):
    from approvals.services import approval_request

    opportunity = quote.opportunity
    title = _("Quote %(quote)s for %(customer)s: %(discount)s%% discount") % {
        "quote": quote, "customer": opportunity.customer, "discount": quote.total_discount}
    summary = _("%(deal)s · net %(net)s %(currency)s (list value %(list)s); at most %(max)s%% may be given "
                "without approval.") % {"deal": opportunity, "net": quote.net_total, "currency": quote.currency,
                                         "list": quote.list_total, "max": threshold.max_discount}
    return approval_request(
        kind=KIND, target=quote, actor=actor, title=title, summary=summary, org_unit=opportunity.org_unit,
        payload={"total_discount": str(quote.total_discount), "threshold": str(threshold.max_discount),
                 "net_total": str(quote.net_total), "revision": quote.revision})


def _decided(request, actor, status, note):
    quote = Quote._base_manager.select_for_update().filter(pk=request.target_id).first()
    if quote is None or quote.status != QuoteStatus.PENDING:
        return
    prechange = serialize_object(quote)
    quote.status = status
    quote.updated_by = actor
    quote.version += 1
    quote.save()
    post = serialize_object(quote)
    post["approval"] = note
    log_change(instance=quote, action=ObjectChange.Action.UPDATE, actor=actor, prechange=prechange, postchange=post)


def on_approved(request, actor):
    _decided(request, actor, QuoteStatus.APPROVED, request.comment or "")


def on_rejected(request, actor):
    # Back to draft: the seller changes the discount and submits again.
    _decided(request, actor, QuoteStatus.DRAFT, request.comment or "")


def on_cancelled(request, actor):
    _decided(request, actor, QuoteStatus.DRAFT, "")


def describe(request):
    return request.summary


def register():
    from core import registry

    registry.register_approval_kind(
        KIND, gettext_lazy("Quote discount"), model=Quote, on_approved=on_approved, on_rejected=on_rejected,
        describe=describe, on_cancelled=on_cancelled)
