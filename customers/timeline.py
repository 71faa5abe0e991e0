"""The customer's timeline: its changes and its contacts' (audit rows), and contacts added.

Sources register in core.registry (register_timeline_source); later apps (activities,
opportunities…) add theirs the same way. Each source is one indexed query with a LIMIT.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import formatting
from core.models import ObjectChange
from core.panels import _label, _team_change, _visible_related
from core.registry import register_timeline_source
from core.timeline import Entry, before_q
from org.permissions import has_perm

from .models import Contact, Customer

CHANGES = "customers.changes"
CONTACTS = "customers.contacts"

UNION_CONTACTS = 100
ACTION_ICONS = {"create": "plus-circle", "update": "pencil", "delete": "trash", "restore": "arrow-counterclockwise"}


def _contact_ids(user, customer):
    """Every contact of the customer, those in the recycle bin too (their history is the customer's)."""
    if not has_perm(user, Contact, "view"):
        return []
    return list(Contact.all_objects.filter(customer=customer).values_list("pk", flat=True)[:1000])


def change_entries(user, customer, cursor, limit):
    """Audit rows of the customer and of its contacts (a contact's creation is the other source's)."""
    types = ContentType.objects.get_for_models(Customer, Contact)
    customer_type, contact_type = types[Customer], types[Contact]
    condition = before_q(cursor, CHANGES)
    rows = list(ObjectChange.objects.filter(condition, content_type=customer_type, object_id=customer.pk)
                .order_by("-time", "-id")[:limit])
    contact_ids = _contact_ids(user, customer)
    if contact_ids:
        # One LIMIT per contact, on the (content_type, object_id, -time) index, united: the cost
        # is that of the page, not of the contacts' whole history (an IN over the contacts reads
        # every change of every contact to sort them). Past UNION_CONTACTS contacts, or on SQLite
        # (no LIMIT inside a UNION), one IN.
        def changes(**where):
            return ObjectChange.objects.filter(condition, content_type=contact_type, **where) \
                .exclude(action=ObjectChange.Action.CREATE).order_by("-time", "-id")
        if len(contact_ids) <= UNION_CONTACTS and connection.features.supports_slicing_ordering_in_compound:
            parts = [changes(object_id=pk)[:limit] for pk in contact_ids]
            query = parts[0].union(*parts[1:], all=True).order_by("-time", "-id")[:limit] if len(parts) > 1 \
                else parts[0]
        else:
            query = changes(object_id__in=contact_ids)[:limit]
        rows += list(query)
    rows.sort(key=lambda row: (row.time, row.pk), reverse=True)
    rows = rows[:limit]
    return _change_entries(user, rows, customer_type)


def _change_entries(user, rows, customer_type):
    fields = {Customer: {f.name: f for f in Customer._meta.get_fields()},
              Contact: {f.name: f for f in Contact._meta.get_fields()}}
    diffs = {Customer: [], Contact: []}
    for row in rows:
        model = Customer if row.content_type_id == customer_type.pk else Contact
        diffs[model].append((row, row.diff() if row.action == ObjectChange.Action.UPDATE else []))
    # Related records named in the diffs that the reader may not see show as hidden (as on the
    # History panel): one query per related model, whatever the page.
    visible = {model: _visible_related(user, fields[model], pairs) for model, pairs in diffs.items() if pairs}
    entries = []
    for model, pairs in diffs.items():
        for row, changed in pairs:
            details = []
            for name, old, new in changed:
                field = fields[model].get(name)
                if field is None and name == "team":
                    details.append({"text": _team_change(old, new)})
                    continue
                details.append({"label": formatting.field_label(field or name),
                                "old": _label(field, old, visible.get(model, set())),
                                "new": _label(field, new, visible.get(model, set()))})
            entries.append(Entry(
                time=row.time, id=row.pk, icon=ACTION_ICONS.get(row.action, "clock-history"),
                title=gettext("%(action)s %(type)s: %(name)s") % {
                    "action": row.get_action_display(), "type": model._meta.verbose_name,
                    "name": row.object_repr},
                url="" if model is Customer else _contact_url(row.object_id),
                actor=row.user_name, details=details[:12],
            ))
    return entries


def _contact_url(pk):
    from django.urls import reverse

    return reverse("customers:contact_detail", args=[pk])


def contact_entries(user, customer, cursor, limit):
    """Contacts added to the customer, by creation time."""
    if not has_perm(user, Contact, "view"):
        return []
    rows = (Contact.objects.filter(before_q(cursor, CONTACTS, time_field="created_at"), customer=customer)
            .select_related("created_by").order_by("-created_at", "-pk")[:limit])
    return [Entry(time=c.created_at, id=c.pk, icon="person-plus",
                  title=gettext("Contact added: %(name)s") % {"name": c.name},
                  body=" · ".join(str(part) for part in (c.title, c.get_decision_role_display()) if part),
                  url=c.get_absolute_url(), actor=str(c.created_by or "")) for c in rows]


def register():
    register_timeline_source(Customer, CHANGES, _("Changes"), change_entries, order=10)
    register_timeline_source(Customer, CONTACTS, _("Contacts added"), contact_entries, order=20)
