"""Quote pages: the generic list/detail/edit of quotes, lines and thresholds, and the quote's own
actions (new version, submit, send, the customer's answer), its printable page and its PDF."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.permissions import has_perm
from core.views.generic import ObjectEditView, ObjectView, object_views
from customers.models import Contact
from sales.models import Quote, QuoteDiscountThreshold, QuoteLine

from . import filtersets as f
from . import forms, rules, services, tables
from .document import company_name, document
from .pdf import filename, render_pdf


def _visible_quote(request, pk, action="view"):
    if not has_perm(request.user, Quote, "view"):
        raise PermissionDenied
    quote = Quote.objects.visible_to(request.user, "view").select_related(
        "opportunity__customer", "opportunity__owner", "price_list").filter(pk=pk).first()
    if quote is None:
        raise Http404
    if action != "view" and not (has_perm(request.user, Quote, action) and Quote.objects.visible_to(
            request.user, action).filter(pk=pk).exists()):
        raise PermissionDenied
    return quote


DETAIL_FIELDS = ("opportunity", "title", "status", "quote_date", "valid_until", "currency", "price_list", "discount",
                 "list_total", "net_total", "tax_total", "gross_total", "total_discount", "sent_at", "sent_to",
                 "terms", "notes")


class QuoteView(ObjectView):
    """The record page; Edit and Delete only while the quote may still change (rules.why_locked)."""

    queryset = Quote.objects.select_related("opportunity", "price_list", "updated_by")
    detail_fields = DETAIL_FIELDS
    highlights = ("status", "revision", "gross_total", "total_discount", "valid_until")

    def base_context(self, **extra):
        obj = extra.get("object")
        if obj is not None and "can_change" in extra:
            extra["can_change"] = extra["can_change"] and rules.why_locked(obj) is None
            extra["can_delete"] = extra["can_delete"] and obj.status == "draft"
        return super().base_context(**extra)


class QuoteEditView(ObjectEditView):
    """A read-only quote's edit page sends back to the quote, saying why."""

    queryset = Quote.objects.all()
    form_class = forms.QuoteForm
    save_service = staticmethod(services.quote_save)

    def get(self, request, pk=None):
        if pk is not None:
            quote = self.get_object("change")
            reason = rules.why_locked(quote)
            if reason:
                messages.warning(request, reason)
                return HttpResponseRedirect(quote.get_absolute_url())
        return super().get(request, pk)


quote = {
    **object_views(Quote, list_queryset=Quote.objects.select_related("opportunity"), filterset=f.QuoteFilterSet,
                   table=tables.QuoteTable, form=forms.QuoteForm, detail_fields=DETAIL_FIELDS),
    "detail": QuoteView,
    "edit": QuoteEditView,
}
quoteline = object_views(
    QuoteLine, queryset=QuoteLine.objects.select_related("quote", "product"), filterset=f.QuoteLineFilterSet,
    table=tables.QuoteLineTable, form=forms.QuoteLineForm, save_service=services.quote_line_save,
    detail_fields=("quote", "product", "description", "quantity", "unit_price", "discount", "list_price",
                   "tax_rate"),
    highlights=("quote", "product", "quantity", "amount"))
quotediscountthreshold = object_views(
    QuoteDiscountThreshold, queryset=QuoteDiscountThreshold.objects.select_related("product_line"),
    filterset=f.QuoteDiscountThresholdFilterSet, table=tables.QuoteDiscountThresholdTable,
    form=forms.QuoteDiscountThresholdForm, highlights=("product_line", "max_discount", "is_active"))


def _post_only(request):
    return HttpResponseNotAllowed(["POST"]) if request.method != "POST" else None


def _run(request, quote, action, success):
    """Call a workflow service; its refusal becomes a message on the quote page."""
    try:
        result = action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return HttpResponseRedirect(quote.get_absolute_url())
    messages.success(request, success(result) if callable(success) else success)
    return HttpResponseRedirect(result.get_absolute_url() if isinstance(result, Quote) else quote.get_absolute_url())


@login_required
def quote_new_version(request, pk):
    refused = _post_only(request)
    if refused:
        return refused
    quote = _visible_quote(request, pk)
    return _run(request, quote, lambda: services.quote_new_version(quote=quote, actor=request.user),
                lambda new: _("%(quote)s created: a copy you can change.") % {"quote": new})


@login_required
def quote_submit(request, pk):
    refused = _post_only(request)
    if refused:
        return refused
    quote = _visible_quote(request, pk, "change")
    return _run(request, quote, lambda: services.quote_submit(quote=quote, actor=request.user),
                _("Submitted for approval: the approver has been told."))


@login_required
def quote_outcome(request, pk, outcome):
    refused = _post_only(request)
    if refused:
        return refused
    quote = _visible_quote(request, pk, "change")
    accepted = outcome == "accepted"
    return _run(request, quote, lambda: services.quote_set_outcome(quote=quote, actor=request.user, accepted=accepted),
                _("Marked as accepted by the customer.") if accepted else _("Marked as rejected by the customer."))


def contacts_for(user, quote):
    """The contacts of the quote's customer with an e-mail address that `user` may see, the deal's
    decision makers first."""
    opportunity = quote.opportunity
    deciders = set(opportunity.decision_makers.values_list("pk", flat=True))
    rows = list(Contact.objects.visible_to(user, "view").filter(customer_id=opportunity.customer_id)
                .exclude(email="").order_by("name")[:50])
    return sorted(rows, key=lambda c: c.pk not in deciders)


@login_required
def quote_send(request, pk):
    quote = _visible_quote(request, pk, "change")
    contacts = contacts_for(request.user, quote)
    status = 200
    if request.method == "POST":
        form = forms.QuoteSendForm(request.POST, contacts=contacts)
        if form.is_valid():
            try:
                services.quote_send(quote=quote, actor=request.user, to=form.recipients(),
                                    subject=form.cleaned_data["subject"], message=form.cleaned_data["message"])
            except ValidationError as error:
                for field, errors in (error.message_dict.items() if hasattr(error, "error_dict")
                                      else [(None, error.messages)]):
                    form.add_error("other" if field == "to" else (field if field in form.fields else None), errors)
            else:
                messages.success(request, _("The quote is being sent; it is marked as sent when the mail has gone."))
                return HttpResponseRedirect(quote.get_absolute_url())
        status = 400
    else:
        try:
            services.check_sendable(quote)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(quote.get_absolute_url())
        subject = _("Quotation %(quote)s — %(company)s") % {"quote": quote, "company": company_name()}
        message = _("Dear %(customer)s,\n\nplease find attached our quotation %(quote)s, valid until %(day)s.\n\n"
                    "Best regards,\n%(seller)s") % {
            "customer": quote.opportunity.customer.name, "quote": quote,
            "day": quote.valid_until.isoformat() if quote.valid_until else "", "seller": request.user}
        form = forms.QuoteSendForm(contacts=contacts, initial={
            "subject": subject, "message": message,
            "contacts": [c.email for c in contacts if c.pk in set(quote.opportunity.decision_makers.values_list(
                "pk", flat=True))]})
    return render(request, "sales/quotes/send.html", {"quote": quote, "form": form}, status=status)


@login_required
def quote_print(request, pk):
    quote = _visible_quote(request, pk)
    return render(request, "sales/quotes/print.html", {"quote": quote, "doc": document(quote)})


@login_required
def quote_pdf(request, pk):
    quote = _visible_quote(request, pk)
    return pdf_response(quote)


def pdf_response(quote, disposition="inline"):
    response = HttpResponse(render_pdf(quote), content_type="application/pdf")
    response["Content-Disposition"] = f'{disposition}; filename="{filename(quote)}"'
    return response
