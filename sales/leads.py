"""Leads (销售线索): what the lead workflow registers — record actions, the read-only rule of a
converted lead, the "assigned to you" notification, history on the converted records, the
lead-source report and the spreadsheet import. Services: sales/services/leads.py and
sales/services/conversion.py; pages: sales/lead_views.py; API: sales/api/leads.py."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Lead, LeadStatus

OPEN_STATUSES = (LeadStatus.NEW, LeadStatus.WORKING, LeadStatus.QUALIFIED)


def _url(name, statuses):
    def url(lead):
        return reverse(name, args=[lead.pk]) if lead.status in statuses else None
    return url


def register():
    from core.registry import (
        register_action,
        register_menu_item,
        register_notification_event,
        register_report,
    )
    from core.services import register_write_guard

    from . import lead_history, lead_imports, reports_leads
    from .services.leads import LEAD_ASSIGNED, converted_guard

    register_write_guard(Lead, converted_guard)
    register_action(Lead, "convert", _("Convert"), _url("sales:lead_convert", OPEN_STATUSES),
                    icon="arrow-right-circle", order=10)
    register_action(Lead, "assign", _("Assign"),
                    _url("sales:lead_assign", (*OPEN_STATUSES, LeadStatus.DISQUALIFIED)), icon="person-check",
                    order=20)
    register_action(Lead, "disqualify", _("Disqualify"), _url("sales:lead_disqualify", OPEN_STATUSES),
                    icon="x-circle", order=30)
    register_notification_event(LEAD_ASSIGNED, _("Lead assigned to you"), model=Lead,
                                description=_("A lead was given to you, by hand or by the assignment rules."),
                                in_app=True, email=True)
    register_report("sales.lead_source_conversion", _("Lead-source conversion"), reports_leads.lead_source_conversion,
                    model=Lead, description=_("Per lead source: leads, qualified, converted, opportunities, won."))
    register_menu_item(_("Sales"), _("Lead-source conversion"), "sales:report_lead_sources", Lead, order=80)
    lead_history.register()
    lead_imports.register()
