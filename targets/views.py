"""Target plan pages: the generic object pages, and the plan's figures — plan against actual for a
node's children, drill-down by unit to each person's deals, and (draft plans, with the right to
change them) the decomposition, figures by hand, rebalance and lock."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exports import spreadsheet_response
from core.registry import get_target_measure
from core.replica import replica_reads
from core.views.generic import object_views

from . import filtersets, forms, services, tables
from .models import TargetPlan
from .selectors import period_choices, plan_vs_actual, reach, visible
from .split import YEAR
from .tree import build_tree

plan = object_views(
    TargetPlan, queryset=TargetPlan.objects.select_related("product_line", "org_unit", "updated_by"),
    filterset=filtersets.TargetPlanFilterSet, table=tables.TargetPlanTable, form=forms.TargetPlanForm,
    detail_fields=("fiscal_year", "measure_label", "product_line", "org_unit", "total", "grain", "status", "notes"),
    highlights=("fiscal_year", "total", "status"), save_service=services.targetplan_save,
    views=("list", "detail", "edit", "delete", "bulk_delete"))


def parse_node(text):
    """("u", id) or ("p", id) from "u-12" / "p-7"; None for anything else."""
    kind, _sep, pk = str(text or "")[:24].partition("-")
    return (kind, int(pk)) if kind in ("u", "p") and pk.isdigit() else None


def node_param(node):
    return f"{node.key[0]}-{node.key[1]}"


def figures_url(plan_obj, node=None, period=YEAR):
    query = {"period": period}
    if node is not None:
        query["node"] = node_param(node)
    return f"{reverse('targets:targetplan_figures', args=[plan_obj.pk])}?{urlencode(query)}"


def _plan(request, action="view"):
    if not request.user.is_authenticated:
        raise PermissionDenied
    return get_object_or_404(TargetPlan.objects.visible_to(request.user, action)
                             .select_related("org_unit", "product_line"), pk=request.resolver_match.kwargs["pk"])


def _trail(plan_obj, node, user):
    """The path from the plan's unit down to `node`, each link only where the user may look."""
    if node is None:
        return []
    tree = build_tree(plan_obj.org_unit)
    units = reach(user)
    path, current = [], tree

    def search(item, trail):
        if item.key == node.key:
            return trail + [item]
        for child in item.children:
            found = search(child, trail + [item])
            if found:
                return found
        return None

    for item in search(current, []) or []:
        path.append({"label": item.label, "url": figures_url(plan_obj, item) if visible(item, units, user) else ""})
    return path


@replica_reads
def plan_figures(request, pk):
    plan_obj = _plan(request)
    choice = request.GET.get("period") or YEAR
    errors = {}
    node_key = parse_node(request.GET.get("node")) if request.GET.get("node") else None
    if request.GET.get("node") and node_key is None:
        errors["node"] = _("Unknown unit or person.")
    try:
        node, own, rows, keys, first, last = plan_vs_actual(request.user, plan_obj, node_key=node_key, choice=choice)
    except ValueError:
        errors["period"] = _("Choose a period of the plan's year.")
        choice = YEAR
        node, own, rows, keys, first, last = plan_vs_actual(request.user, plan_obj, node_key=node_key, choice=choice)
    measure = get_target_measure(plan_obj.measure)
    export_format = request.GET.get("export")
    if export_format in ("xlsx", "csv") and not errors:
        money = bool(measure and measure.kind == "money")
        headers = [_("Unit or person"), _("Plan"), _("Actual"), _("Completion %"), _("Gap"), _("Rank")]
        lines = ([own] if own is not None else []) + list(rows)
        return spreadsheet_response(
            export_format, f"{plan_obj.name}-{node.label if node else ''}-{choice}", headers,
            ([line.node.label, line.plan, line.actual, line.completion, line.gap, line.rank or ""] for line in lines),
            money_columns=(1, 2, 4) if money else (), sheet_title=plan_obj.name)
    may_change = TargetPlan.objects.visible_to(request.user, "change").filter(pk=plan_obj.pk).exists()
    can_change = may_change and not plan_obj.locked
    for row in rows:
        item = row.node
        if item.children:
            row.url = figures_url(plan_obj, item, choice)
        elif measure and measure.link:
            row.url = measure.link(item.employee, item.unit, first, last, plan_obj.product_line_id)
        else:
            row.url = ""
        row.param = node_param(item)
    own_url = ""
    if node is not None and node.employee is not None and measure and measure.link:
        own_url = measure.link(node.employee, node.unit, first, last, plan_obj.product_line_id)
    months = []
    if can_change and node is not None and node.employee is None and node.unit.pk == plan_obj.org_unit_id:
        own_months = services.node_cells(plan_obj).get(node.key, {})
        months = [(key, own_months.get(key)) for key, _label in period_choices(plan_obj)
                  if key != YEAR and "-Q" not in key]
    months_left = plan_obj.total - sum((value or 0 for _key, value in months), 0) if months else None
    stale = own is not None and node is not None and node.unit.pk == plan_obj.org_unit_id and node.employee is None \
        and own.plan != plan_obj.total and choice == YEAR
    remainder = None
    if own is not None and choice == YEAR:
        remainder = own.plan - sum((row.plan for row in rows), 0)
    context = {
        "plan": plan_obj, "node": node, "own": own, "rows": rows, "choice": choice, "periods": period_choices(plan_obj),
        "first": first, "last": last, "errors": errors, "measure": measure, "money": measure and measure.kind == "money",
        "can_change": can_change, "may_change": may_change, "editable": can_change and choice == YEAR and node is not None,
        "remainder": remainder, "own_url": own_url, "stale": stale, "months": months, "months_left": months_left, "trail": _trail(plan_obj, node, request.user),
        "decompose_form": forms.DecomposeForm(), "decomposed": own is not None and bool(own.plan or plan_obj.total == 0),
        "node_param": node_param(node) if node is not None else "",
    }
    return render(request, "targets/figures.html", context, status=400 if errors else 200)


@require_POST
def plan_figures_change(request, pk):
    """The draft plan's changes from its figures page: decompose, set one figure, rebalance, lock."""
    plan_obj = _plan(request, "change")
    what = request.POST.get("action")
    back = request.POST.get("next") or figures_url(plan_obj)
    if not back.startswith(reverse("targets:targetplan_figures", args=[plan_obj.pk])):
        back = figures_url(plan_obj)
    try:
        if what == "decompose":
            form = forms.DecomposeForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Choose how to decompose."))
            services.plan_decompose(plan=plan_obj, actor=request.user, **form.cleaned_data)
            messages.success(request, _("The plan is decomposed down to each person."))
        elif what == "set":
            key = parse_node(request.POST.get("node"))
            if key is None:
                raise ValidationError(_("Unknown unit or person."))
            units = reach(request.user)
            tree = build_tree(plan_obj.org_unit)
            from .selectors import find

            node = find(tree, key)
            if node is None or not visible(node, units, request.user):
                raise Http404
            services.plan_set_figure(plan=plan_obj, actor=request.user, unit=node.unit, employee=node.employee,
                                     value=request.POST.get("value", ""))
            messages.success(request, _("%(name)s: figure set by hand.") % {"name": node.label})
        elif what == "months":
            keys = [key for key, _label in period_choices(plan_obj) if key != YEAR and "-Q" not in key]
            changed = services.plan_set_months(plan=plan_obj, actor=request.user,
                                               values={key: request.POST.get(f"m_{key}", "") for key in keys
                                                       if f"m_{key}" in request.POST})
            messages.success(request, _("%(count)s periods set by hand.") % {"count": changed})
        elif what == "rebalance":
            services.plan_rebalance(plan=plan_obj, actor=request.user)
            messages.success(request, _("Every level adds up again; the figures set by hand were kept."))
        elif what in ("lock", "unlock"):
            services.plan_lock(plan=plan_obj, actor=request.user, locked=what == "lock")
            messages.success(request, _("The plan is locked.") if what == "lock" else _("The plan is open again."))
        else:
            raise ValidationError(_("Unknown action."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return HttpResponseRedirect(back)

