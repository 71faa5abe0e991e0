"""Everything quotes plug into (called once from SalesConfig.ready())."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def _has_sent_quote(opportunity):
    from sales.models import QuoteStatus

    return opportunity.quotes.filter(deleted_at__isnull=True,
                                     status__in=(QuoteStatus.SENT, QuoteStatus.ACCEPTED)).exists()


def _url(name, test):
    def url(quote):
        return reverse(f"sales:{name}", args=[quote.pk]) if test(quote) else None
    return url


def _sendable(quote):
    from django.core.exceptions import ValidationError

    from . import services

    try:
        services.check_sendable(quote)
    except ValidationError:
        return False  # the button is hidden; the send page would say why
    return True


def _submittable(quote):
    from . import approval, rules

    return quote.status == "draft" and rules.is_newest(quote) and approval.needs_approval(quote)


def _answerable(quote):
    from . import rules

    return quote.status == "sent" and rules.is_newest(quote)


def register():
    from core.registry import (
        register_action,
        register_audit_hook,
        register_history_child,
        register_menu_item,
        register_object_type,
        register_panel,
        register_scheduled_job,
    )
    from core.services import register_write_guard
    from sales.gates import register_requirement
    from sales.models import Opportunity, Quote, QuoteDiscountThreshold, QuoteLine

    from . import filtersets as f
    from . import panels, rules, services, totals

    register_object_type(Quote, filterset=f.QuoteFilterSet, searchable=True)
    register_object_type(QuoteLine, filterset=f.QuoteLineFilterSet)
    register_object_type(QuoteDiscountThreshold, filterset=f.QuoteDiscountThresholdFilterSet)
    register_history_child(Quote, QuoteLine, "quote")
    register_write_guard(Quote, rules.guard_quote)
    register_write_guard(QuoteLine, rules.guard_line)
    register_audit_hook(QuoteLine, totals.line_changed)
    register_audit_hook(Quote, totals.quote_changed)

    group = _("Sales")
    register_menu_item(group, _("Quotes"), "sales:quote_list", Quote, order=15)
    register_menu_item(group, _("Quote discount thresholds"), "sales:quotediscountthreshold_list",
                       QuoteDiscountThreshold, order=75)

    register_panel(Quote, _("Lines and totals"), panels.lines_panel, order=10, key="quote-lines")
    register_panel(Quote, _("Versions"), panels.versions_panel, order=20, key="quote-versions")
    register_panel(Opportunity, _("Quotes"), panels.opportunity_quotes_panel, order=25, key="quotes")

    register_action(Quote, "print", _("Print"), _url("quote_print", lambda q: True), icon="printer",
                    permission="view", order=10)
    register_action(Quote, "pdf", _("PDF"), _url("quote_pdf", lambda q: True), icon="file-earmark-pdf",
                    permission="view", order=11)
    register_action(Quote, "submit", _("Submit for approval"), _url("quote_submit", _submittable),
                    icon="patch-check", order=20, method="post",
                    confirm=_("Ask for approval of this discount? The quote cannot be changed while it waits."))
    register_action(Quote, "send", _("Send"), _url("quote_send", _sendable), icon="send", order=21)
    register_action(Quote, "accepted", _("Customer accepted"), _url("quote_accepted", _answerable), icon="hand-thumbs-up",
                    order=30, method="post", confirm=_("Record that the customer accepted this quote?"))
    register_action(Quote, "rejected", _("Customer rejected"), _url("quote_rejected", _answerable),
                    icon="hand-thumbs-down", order=31, method="post",
                    confirm=_("Record that the customer rejected this quote?"))
    register_action(Quote, "new-version", _("New version"), _url("quote_new_version", lambda q: q.status !=
                                                                 "pending_approval"),
                    icon="files", order=40, method="post",
                    confirm=_("Make a new version of this quote (a copy of its lines that you can change)?"))

    # The "quote" gate: a stage may require that the customer was sent a quote (sent or accepted).
    register_requirement("quote", _("A quote sent to the customer"), _has_sent_quote,
                         _("Send the customer a quote first."))
    register_scheduled_job("sales.quotes_expire", _("Mark quotes past their validity as expired"),
                           services.run_expiry_job, every=3600)
