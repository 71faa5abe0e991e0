"""A converted lead's history on the records it became.

- The customer's timeline (core.registry.register_timeline_source) lists the audit history of the
  leads converted into it: their creation, assignments, status changes and the conversion itself.
- "Converted from lead" panels on the customer and the contact name the lead (linked when the
  reader may open it); the opportunity names it in its `lead` field. The lead's own page has a
  "Conversion" panel with what it became.

Only leads the reader may see (visible_to) are shown, as everywhere else.
"""

from django.contrib.contenttypes.models import ContentType
from django.template.loader import render_to_string
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import formatting
from core.models import ObjectChange
from core.panels import _label, _visible_related
from core.permissions import has_perm
from core.registry import register_panel, register_timeline_source
from core.timeline import Entry, before_q
from customers.models import Contact, Customer

from .models import Lead, LeadStatus, Opportunity

LEAD_HISTORY = "sales.lead_history"
MAX_LEADS = 50
ACTION_ICONS = {"create": "funnel", "update": "pencil", "delete": "trash", "restore": "arrow-counterclockwise"}


def _converted_leads(user, **where):
    if not has_perm(user, Lead, "view"):
        return Lead.objects.none()
    return Lead.objects.visible_to(user, "view").filter(status=LeadStatus.CONVERTED, **where)


def lead_history_entries(user, customer, cursor, limit):
    """The audit rows of the leads converted into `customer` that `user` may see, newest first."""
    lead_ids = list(_converted_leads(user, converted_customer=customer).values_list("pk", flat=True)[:MAX_LEADS])
    if not lead_ids:
        return []
    lead_type = ContentType.objects.get_for_model(Lead)
    rows = list(ObjectChange.objects.filter(before_q(cursor, LEAD_HISTORY), content_type=lead_type,
                                            object_id__in=lead_ids).order_by("-time", "-id")[:limit])
    fields = {field.name: field for field in Lead._meta.get_fields()}
    diffs = [(row, row.diff() if row.action == ObjectChange.Action.UPDATE else []) for row in rows]
    visible = _visible_related(user, fields, diffs)
    entries = []
    for row, changed in diffs:
        details = [{"label": formatting.field_label(fields.get(name) or name),
                    "old": _label(fields.get(name), old, visible), "new": _label(fields.get(name), new, visible)}
                   for name, old, new in changed if name in fields]
        entries.append(Entry(
            time=row.time, id=row.pk, icon=ACTION_ICONS.get(row.action, "clock-history"),
            title=gettext("%(action)s %(type)s: %(name)s") % {
                "action": row.get_action_display(), "type": Lead._meta.verbose_name, "name": row.object_repr},
            url=_lead_url(row.object_id), actor=row.user_name, details=details[:12]))
    return entries


def _lead_url(pk):
    from django.urls import reverse

    return reverse("sales:lead_detail", args=[pk])


def _converted_from(request, leads):
    rows = list(leads.select_related("source", "owner").order_by("-converted_at")[:10])
    if not rows:
        return None
    return render_to_string("sales/panels/converted_from.html", {"leads": rows}, request=request)


def customer_lead_panel(request, customer):
    return _converted_from(request, _converted_leads(request.user, converted_customer=customer))


def contact_lead_panel(request, contact):
    return _converted_from(request, _converted_leads(request.user, converted_contact=contact))


def lead_conversion_panel(request, lead):
    """On a converted lead: the customer, contact and opportunities it became (those one may see)."""
    if lead.status != LeadStatus.CONVERTED:
        return None
    customer = Customer.objects.visible_to(request.user, "view").filter(pk=lead.converted_customer_id).first()
    contact = Contact.objects.visible_to(request.user, "view").filter(pk=lead.converted_contact_id).first() \
        if has_perm(request.user, Contact, "view") else None
    opportunities = list(Opportunity.objects.visible_to(request.user, "view").filter(lead=lead)
                         .select_related("stage")[:10]) if has_perm(request.user, Opportunity, "view") else []
    return render_to_string("sales/panels/lead_conversion.html", {
        "lead": lead, "customer": customer, "contact": contact, "opportunities": opportunities}, request=request)


def register():
    register_timeline_source(Customer, LEAD_HISTORY, _("Lead history"), lead_history_entries, order=40)
    register_panel(Lead, _("Conversion"), lead_conversion_panel, order=5, key="lead-conversion")
    register_panel(Customer, _("Converted from lead"), customer_lead_panel, order=90, key="converted-from-lead")
    register_panel(Contact, _("Converted from lead"), contact_lead_panel, order=90, key="converted-from-lead")
