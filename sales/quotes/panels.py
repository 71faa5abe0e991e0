"""Panels: a quote's lines with totals and its versions; the quotes on the opportunity page."""

from django.template.loader import render_to_string
from django.urls import reverse

from core.formatting import format_money
from core.permissions import has_perm
from sales.models import Quote, QuoteLine

from . import approval, rules
from .document import document

LIMIT = 100


def _with_money(quotes):
    for quote in quotes:
        quote.gross_text = format_money(quote.gross_total, quote.currency)
    return quotes


def lines_panel(request, quote):
    if not has_perm(request.user, QuoteLine, "view"):
        return None
    data = document(quote)
    for row in data["rows"]:
        row.url = reverse("sales:quoteline_detail", args=[row.pk])
    locked = rules.why_locked(quote)
    threshold = approval.threshold_for(quote)
    return render_to_string("sales/quotes/panels/lines.html", {
        "quote": quote, "rows": data["rows"], "summary": data["summary"], "gross": data["gross"],
        "locked": locked, "threshold": threshold,
        "needs_approval": quote.status == "draft" and approval.needs_approval(quote, threshold),
        "can_add": locked is None and has_perm(request.user, QuoteLine, "add") and Quote.objects.visible_to(
            request.user, "change").filter(pk=quote.pk).exists(),
    }, request=request)


def versions_panel(request, quote):
    rows = _with_money(list(Quote.objects.visible_to(request.user, "view").filter(
        opportunity_id=quote.opportunity_id).order_by("-revision")[:LIMIT]))
    return render_to_string("sales/quotes/panels/versions.html", {"rows": rows, "quote": quote}, request=request)


def opportunity_quotes_panel(request, opportunity):
    if not has_perm(request.user, Quote, "view"):
        return None
    rows = _with_money(list(Quote.objects.visible_to(request.user, "view").filter(opportunity=opportunity)
                            .order_by("-revision")[:LIMIT]))
    can_add = has_perm(request.user, Quote, "add") and type(opportunity).objects.visible_to(
        request.user, "change").filter(pk=opportunity.pk).exists()
    return render_to_string("sales/quotes/panels/opportunity_quotes.html",
                            {"rows": rows, "opportunity": opportunity, "can_add": can_add,
                             "add_url": reverse("sales:quote_add")}, request=request)
