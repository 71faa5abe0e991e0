"""Pages of the collision log (撞单记录): the list with its filters and export, both deals side by side
(on the review's approval page), and the registration panel on an opportunity.

What a reader sees of each deal comes from `Collision.objects.visible_to()` (its `*_shown` and
`*_open` flags): details for their own deals and the ones they review, only the owner and the
owner's unit for the others.
"""

import django_filters
import django_tables2 as tables
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import exports, formatting, limits
from core.filtersets import SEARCH_MAX_LENGTH, KedaoFilterSet
from core.tables import DateTimeColumn, KedaoTable
from core.views.generic import ObjectListView
from core.widgets import AutocompleteSelect
from org.models import OrgUnit, ProductLine

from .models import Collision, CollisionStatus, Opportunity, OpportunityLine, RegistrationStatus
from .models.collisions import APPROVAL_KIND

SELECTED = ("opportunity", "opportunity__owner", "opportunity__customer", "opportunity__stage", "existing",
            "existing__owner", "existing__customer", "existing__stage", "product_line", "org_unit",
            "existing_org_unit", "decided_by")


def owner_label(opportunity, unit):
    """"王伟 · 北京销售一部": all a reader learns of a deal outside their scope."""
    owner = opportunity.owner if opportunity.owner_id else None
    if owner is None:
        return "—"
    return f"{owner} · {unit}" if unit else str(owner)


def deal_text(record, side):
    """The deal's name (when the reader may see it), else whose it is."""
    opportunity = getattr(record, side)
    unit = record.org_unit if side == "opportunity" else record.existing_org_unit
    if getattr(record, f"{side}_shown", False):
        return f"{opportunity.name} — {owner_label(opportunity, unit)}"
    return _("An opportunity of %(owner)s") % {"owner": owner_label(opportunity, unit)}


def deal_html(record, side):
    opportunity = getattr(record, side)
    unit = record.org_unit if side == "opportunity" else record.existing_org_unit
    if not getattr(record, f"{side}_shown", False):
        return format_html('<span class="text-secondary">{}</span>', deal_text(record, side))
    if getattr(record, f"{side}_open", False) and opportunity.deleted_at is None:
        name = format_html('<a href="{}">{}</a>', opportunity.get_absolute_url(), opportunity.name)
    else:
        name = opportunity.name
    return format_html('{}<div class="small text-secondary">{} · {}</div>', name, opportunity.customer,
                       owner_label(opportunity, unit))


class CollisionFilterSet(KedaoFilterSet):
    ordering_fields = ("created_at", "decided_at", "status", ("product_line__name", "product_line"))

    status = django_filters.ChoiceFilter(choices=CollisionStatus.choices, label=gettext_lazy("Status"))
    product_line = django_filters.ModelChoiceFilter(queryset=ProductLine.objects.all(),
                                                    label=gettext_lazy("Product line"))
    org_unit = django_filters.ModelChoiceFilter(queryset=OrgUnit.objects.all(), label=gettext_lazy("Org unit"),
                                                method="in_unit_subtree", widget=AutocompleteSelect("org.orgunit"))
    found_from = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte",
                                           label=gettext_lazy("Found from"))
    found_until = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte",
                                            label=gettext_lazy("Found until"))

    class Meta:
        model = Collision
        fields = ["status", "product_line", "org_unit", "found_from", "found_until"]

    def in_unit_subtree(self, queryset, name, value):
        """Either seller's unit (as at the collision) in the unit's subtree."""
        units = value.subtree().values("pk")
        return queryset.filter(Q(org_unit__in=units) | Q(existing_org_unit__in=units))

    def search(self, queryset, name, value):
        # The deals' names, only where the reader may see them: a search must not tell whether a
        # hidden deal is called so.
        value = value.strip()[:SEARCH_MAX_LENGTH]
        if not value:
            return queryset
        return queryset.filter(Q(opportunity_shown=True, opportunity__search_key__icontains=value)
                               | Q(existing_shown=True, existing__search_key__icontains=value))


class CollisionTable(KedaoTable):
    created_at = DateTimeColumn(format="Y-m-d H:i", verbose_name=gettext_lazy("found at"))
    registered = tables.Column(accessor="pk", verbose_name=gettext_lazy("registered opportunity"), orderable=False)
    earlier = tables.Column(accessor="pk", verbose_name=gettext_lazy("earlier opportunity"),
                            orderable=False)
    product_line = tables.Column()
    match = tables.Column(accessor="reasons", verbose_name=gettext_lazy("match"), orderable=False)
    status = tables.Column()
    decided_by = tables.Column(orderable=False)
    decided_at = DateTimeColumn(format="Y-m-d H:i")
    comment = tables.Column(orderable=False)

    class Meta(KedaoTable.Meta):
        model = Collision
        fields = ("created_at", "registered", "earlier", "product_line", "match", "status", "decided_by",
                  "decided_at", "comment")
        exclude = ("pk",)
        row_attrs = {"data-status": lambda record: record.status}

    fixed_columns = ("created_at", "registered", "earlier")
    default_hidden = ("comment",)

    def render_registered(self, record):
        return deal_html(record, "opportunity")

    def value_registered(self, record):
        return deal_text(record, "opportunity")

    def render_earlier(self, record):
        return deal_html(record, "existing")

    def value_earlier(self, record):
        return deal_text(record, "existing")

    def render_match(self, record):
        return match_text(record)

    def value_match(self, record):
        return match_text(record)

    def render_status(self, record):
        return format_html('<span class="badge text-bg-{}">{}</span>', record.status_style,
                           record.get_status_display())

    def value_status(self, record):
        return record.get_status_display()


def match_text(record):
    labels = [str(label) for label in record.reason_labels()]
    if record.customer_score < 100 and labels:
        labels[0] = f"{labels[0]} ({record.customer_score:g})"
    return ", ".join(labels)


class CollisionListView(ObjectListView):
    """The collision log: every collision the reader may see (Collision.objects.visible_to), never
    more than the owner and unit of a deal outside their scope. Anyone logged in may open it: what
    it lists follows the deals they may see and the reviews they take part in."""

    queryset = Collision.objects.select_related(*SELECTED)
    filterset_class = CollisionFilterSet
    table_class = CollisionTable
    template_name = "sales/collisions/list.html"
    bulk_edit = False

    def require_perm(self, action):
        return None  # login is required (ObjectMixin); the rows follow visible_to

    def object_type(self):
        return None

    def url(self, action, obj=None):
        return reverse("sales:collision_list") if action == "list" else None

    def base_context(self, **extra):
        return {
            "model": Collision, "object_type": None, "verbose_name": Collision._meta.verbose_name,
            "verbose_name_plural": Collision._meta.verbose_name_plural,
            "perms_for": {"view": True, "export": True, "add": False, "change": False, "delete": False},
            "list_url": self.url("list"), "add_url": None, "bulk_delete_url": None,
            "report_url": reverse("sales:collision_report"), **extra,
        }

    def get(self, request):
        export_format = request.GET.get("export")
        if export_format in exports.FORMATS:
            # Always in the request: a collision log is small, and the background export looks the
            # list up by object type, which a collision is not.
            rows = self.export_rows(request)
            if rows is not None:
                return exports.export_response(request, rows, self.table_class, export_format,
                                               Collision._meta.verbose_name_plural)
        return super().get(request)


def _deal_card(opportunity, shown, open_, unit):
    lines = []
    if shown:
        lines = list(OpportunityLine.objects.filter(opportunity=opportunity).select_related("product")[:20])
    amount = formatting.format_money(opportunity.amount, opportunity.currency) if opportunity.amount is not None \
        else None
    return {"opportunity": opportunity, "shown": shown, "open": open_ and opportunity.deleted_at is None,
            "owner": owner_label(opportunity, unit), "lines": lines, "amount": amount}


@login_required
def compare(request, pk):
    """Both deals side by side for the reader: the registered opportunity and each earlier one it
    collides with (the fragment of the review's approval page; a page of its own without HTMX)."""
    pk = limits.parse_id(pk, Opportunity._meta.pk)
    rows = list(Collision.objects.visible_to(request.user, "view").filter(opportunity_id=pk)
                .select_related(*SELECTED).order_by("existing__created_at", "pk")) if pk is not None else []
    if not rows:
        raise Http404
    first = rows[0]
    context = {
        "new": _deal_card(first.opportunity, first.opportunity_shown, first.opportunity_open, first.org_unit),
        "pairs": [{"collision": row, "match": match_text(row),
                   "deal": _deal_card(row.existing, row.existing_shown, row.existing_open, row.existing_org_unit)}
                  for row in rows],
        "pending": any(row.is_pending for row in rows)
    }
    template = "sales/collisions/compare.html" if request.htmx else "sales/collisions/compare_page.html"
    return render(request, template, context)


def _review(opportunity, user):
    """The collision review (approval request) of `opportunity` that `user` may open, newest first."""
    from django.apps import apps

    try:
        model = apps.get_model("approvals", "ApprovalRequest")
    except LookupError:
        return None
    return model.objects.visible_to(user, "view").filter(
        kind=APPROVAL_KIND, target_type=ContentType.objects.get_for_model(Opportunity),
        target_id=opportunity.pk).select_related("approver").order_by("-created_at", "-pk").first()


def registration_panel(request, opportunity):
    """On an opportunity: the banner of a pending or rejected registration, and the collisions it
    is part of (either side). Nothing when it is registered and never collided."""
    rows = list(Collision.objects.visible_to(request.user, "view")
                .filter(Q(opportunity=opportunity) | Q(existing=opportunity)).select_related(*SELECTED)[:50])
    status = opportunity.registration_status
    if not rows and status == RegistrationStatus.REGISTERED:
        return None
    return render_to_string("sales/collisions/panel.html", {
        "rows": rows, "opportunity": opportunity, "pending": status == RegistrationStatus.PENDING,
        "rejected": status == RegistrationStatus.REJECTED, "review": _review(opportunity, request.user),
        "compare_url": reverse("sales:collision_compare", args=[opportunity.pk])
        if any(row.opportunity_id == opportunity.pk for row in rows) else None,
        "decision": next((row for row in rows if row.opportunity_id == opportunity.pk and not row.is_pending), None),
    }, request=request)


def register():
    from core.registry import register_menu_item, register_panel

    register_panel(Opportunity, gettext_lazy("Registration"), registration_panel, order=1, key="registration",
                   lazy=False)
    register_menu_item(gettext_lazy("Sales"), gettext_lazy("Collisions"), "sales:collision_list", Opportunity,
                       order=40)
    register_menu_item(gettext_lazy("Sales"), gettext_lazy("Collision report"), "sales:collision_report",
                       Opportunity, order=41)

