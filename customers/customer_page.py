"""The 360° customer page: summary with key figures, tabs (Overview, Timeline, Relationships,
History), the timeline paged by keyset and the relationship map, both loaded by HTMX on demand.

Key figures and timeline sources come from core.registry, so later apps add theirs without this
module knowing them.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.charts import figure_html
from core.registry import key_figures, register_key_figure
from core.timeline import BadCursor, Cursor, timeline_page
from org.permissions import has_perm

from . import relation_map
from .models import Contact, ContactEmployeeRelation, ContactRelation, Customer, DecisionRole


def visible_customer(request, pk, action="view"):
    """The customer if the user may see it: 403 without the grant, 404 outside the scope."""
    if not has_perm(request.user, Customer, action):
        raise PermissionDenied
    customer = Customer.objects.visible_to(request.user, action).filter(pk=pk).first()
    if customer is None:
        raise Http404
    return customer


class CustomerPageMixin:
    """Mixed into CustomerView: key figures, and panels split between the Overview and History tabs."""

    template_name = "customers/customer_detail.html"

    def panel_context(self, request, obj):
        context = super().panel_context(request, obj)
        history = [p for p in context["panels"] if p["key"] == "history"]
        context["panels"] = [p for p in context["panels"] if p["key"] != "history"]
        context["history_panels"] = history
        context["key_figures"] = figures_for(request.user, obj)
        context["timeline_url"] = reverse("customers:customer_timeline", args=[obj.pk])
        context["relationships_url"] = reverse("customers:customer_relationships", args=[obj.pk])
        return context


def figures_for(user, obj):
    rows = []
    for figure in key_figures(obj.__class__):
        value = figure.value(user, obj)
        if value is None:
            continue
        rows.append({"key": figure.key, "label": figure.label, "value": value, "icon": figure.icon,
                     "url": figure.url(obj) if figure.url else ""})
    return rows


def customer_timeline(request, pk):
    """One page of the timeline (HTMX partial); "load more" asks for the next with ?before=."""
    customer = visible_customer(request, pk)
    try:
        cursor = Cursor.decode(request.GET.get("before", ""))
    except BadCursor as error:
        return HttpResponseBadRequest(escape(str(error)))
    page = timeline_page(request.user, customer, cursor)
    return render(request, "customers/partials/timeline.html", {
        "customer": customer, "page": page, "first": cursor is None,
        "more_url": f"{reverse('customers:customer_timeline', args=[pk])}?before={page.next_cursor}"
        if page.next_cursor else "",
    })


def customer_relationships(request, pk):
    """The relationship map (HTMX partial): the graph and the editable lists under it."""
    customer = visible_customer(request, pk)
    graph = relation_map.graph_data(request.user, customer)
    chart = ""
    if graph["edges"]:
        fig, height = relation_map.figure(graph)
        chart = figure_html(fig, height=height, label=_("Relationship map of %(name)s") % {"name": customer.name})
    can_change = Customer.objects.visible_to(request.user, "change").filter(pk=pk).exists()
    contact_relations = ContactRelation.objects.filter(from_contact__customer=customer) \
        .select_related("from_contact", "to_contact").order_by("from_contact__name", "pk")[:200] \
        if has_perm(request.user, ContactRelation, "view") else []
    employee_relations = ContactEmployeeRelation.objects.filter(contact__customer=customer) \
        .select_related("contact", "employee").order_by("-strength", "pk")[:200] \
        if has_perm(request.user, ContactEmployeeRelation, "view") else []
    return render(request, "customers/partials/relationships.html", {
        "customer": customer, "chart": chart, "graph": graph, "contact_relations": contact_relations,
        "employee_relations": employee_relations,
        "can_add_relation": can_change and has_perm(request.user, ContactRelation, "add"),
        "can_add_employee_relation": can_change and has_perm(request.user, ContactEmployeeRelation, "add"),
        "return_url": reverse("customers:customer_detail", args=[pk]) + "#tab-relationships",
    })


# --- key figures of customers -----------------------------------------------------------------------


def contacts_figure(user, customer):
    if not has_perm(user, Contact, "view"):
        return None
    return Contact.objects.filter(customer=customer).count()


def decision_makers_figure(user, customer):
    if not has_perm(user, Contact, "view"):
        return None
    return Contact.objects.filter(customer=customer, decision_role=DecisionRole.DECISION_MAKER).count()


def last_contact_figure(user, customer):
    """Days since the last contact, once customers carry `last_contacted_at` (set by activities)."""
    if not hasattr(customer, "last_contacted_at"):
        return None
    when = customer.last_contacted_at
    if when is None:
        return _("never")
    days = (timezone.now() - when).days
    return ngettext("%(days)d day", "%(days)d days", days) % {"days": days}


def customer_since_figure(user, customer):
    days = (timezone.now() - customer.created_at).days
    return ngettext("%(days)d day", "%(days)d days", days) % {"days": days}


def register():
    register_key_figure(Customer, "customers.contacts", _("Contacts"), contacts_figure, order=10, icon="people")
    register_key_figure(Customer, "customers.decision_makers", _("Decision makers"), decision_makers_figure,
                        order=20, icon="person-check")
    register_key_figure(Customer, "customers.last_contact", _("Since last contact"), last_contact_figure,
                        order=30, icon="telephone")
    register_key_figure(Customer, "customers.since", _("Customer for"), customer_since_figure, order=90,
                        icon="calendar3")
