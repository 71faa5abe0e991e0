"""Pages that move an opportunity between stages: the "Move stage" / "Reopen" page of a record
(also served as a fragment for the kanban's won / lost dialog), the kanban and its move endpoint.
Every move goes through sales.services.opportunity_move_stage (gates, won/lost rules, approvals)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from core import limits
from core.formatting import format_money, hidden_record_label
from core.permissions import has_perm
from customers.models import Customer
from org.models import ProductLine

from . import kanban
from .filtersets import OpportunityFilterSet
from .gates import get_requirement
from .models import Opportunity, StageChange
from .models.pipelines import StageKind
from .services.stages import opportunity_move_stage, pipeline_stages, stages_entered
from .stage_approvals import pending_stage_approval
from .stage_forms import MoveStageForm

# Filters the kanban offers; the pipeline is its own picker and the stage is the column.
KANBAN_FILTERS = ("q", "owner", "org_unit", "product_line", "customer", "source", "registration_status",
                  "close_after", "close_before", "amount_min")
PARTIAL_HEADER = "X-Kedao-Partial"


def _opportunity(request, pk, action="change"):
    """404 outside the user's view scope; 403 when visible but not theirs to `action`."""
    if not has_perm(request.user, Opportunity, "view"):
        raise PermissionDenied
    pk = limits.parse_id(pk)
    opportunity = Opportunity.objects.visible_to(request.user, "view").select_related(
        "stage", "pipeline", "customer", "owner").filter(pk=pk).first() if pk is not None else None
    if opportunity is None:
        raise Http404
    if not has_perm(request.user, Opportunity, action) or not Opportunity.objects.visible_to(
            request.user, action).filter(pk=opportunity.pk).exists():
        raise PermissionDenied
    return opportunity


def _next_url(request, default):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


def _errors_to_form(form, error):
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _move(request, opportunity, form):
    """Run the move of a valid form; returns (kind, message) with kind "moved" or "approval"."""
    data = form.cleaned_data
    result = opportunity_move_stage(opportunity=opportunity, stage=data["stage"], actor=request.user,
                                    reason=data.get("reason"), won_by=data.get("won_by"), note=data.get("note", ""))
    if isinstance(result, Opportunity):
        return "moved", _("%(name)s moved to %(stage)s.") % {"name": result, "stage": result.stage}, result
    return "approval", _("The move to %(stage)s needs approval: sent to %(approver)s.") % {
        "stage": data["stage"], "approver": result.approver}, result


def _reopen_stage(opportunity):
    """For a closed deal: the open stage it was in before it closed (the form's first choice)."""
    change = StageChange.objects.filter(opportunity=opportunity, to_stage=opportunity.stage).select_related(
        "from_stage").order_by("-changed_at", "-pk").first()
    if change and change.from_stage and change.from_stage.kind == StageKind.OPEN:
        return change.from_stage
    return None


def _gate_lists(opportunity, stages):
    """For each stage the deal could move to: what the stages it would enter require, met or not
    (shown under the form; static/kedao/stages.js shows the list of the stage chosen)."""
    checked, lists = {}, []
    for target in stages:
        if target.pk == opportunity.stage_id:
            continue
        rows = []
        for stage in stages_entered(opportunity.stage, target, stages):
            for key in stage.requirements or ():
                requirement = get_requirement(key)
                if requirement is None:
                    continue
                if key not in checked:
                    checked[key] = requirement.check(opportunity)
                rows.append({"stage": stage, "label": requirement.label, "met": checked[key]})
        lists.append({"stage": target, "rows": rows})
    return lists


@login_required
def opportunity_move(request, pk):
    """The "Move stage" page (and "Reopen" for a closed deal); with the X-Kedao-Partial header the
    form alone, for the kanban's dialog, answering JSON when the move is done."""
    opportunity = _opportunity(request, pk)
    partial = request.headers.get(PARTIAL_HEADER) == "1"
    default_next = opportunity.get_absolute_url()
    initial = {}
    stage_id = limits.parse_id(request.GET.get("stage", ""))
    if stage_id is not None:
        initial["stage"] = stage_id
    elif opportunity.stage.kind != StageKind.OPEN:
        initial["stage"] = getattr(_reopen_stage(opportunity), "pk", None)
    else:
        following = [s for s in pipeline_stages(opportunity.pipeline_id) if s.kind == StageKind.OPEN
                     and (s.order, s.pk) > (opportunity.stage.order, opportunity.stage.pk)]
        initial["stage"] = following[0].pk if following else None
    form = MoveStageForm(request.POST or None, opportunity=opportunity, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                kind, message, _result = _move(request, opportunity, form)
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                (messages.success if kind == "moved" else messages.info)(request, message)
                target = _next_url(request, default_next)
                if partial:
                    return JsonResponse({"status": kind, "message": message, "redirect": target})
                return redirect(target)
        status = 400
    target = form["stage"].value() if form.is_bound else initial.get("stage")
    stages = pipeline_stages(opportunity.pipeline_id)
    context = {
        "opportunity": opportunity, "form": form, "reopen": opportunity.stage.kind != StageKind.OPEN,
        "pending": pending_stage_approval(opportunity), "gates": _gate_lists(opportunity, stages),
        "chosen": str(target or ""),
        "amount": format_money(opportunity.amount, opportunity.currency) if opportunity.amount is not None else "",
        "next": _next_url(request, ""), "cancel_url": _next_url(request, default_next),
        "move_url": request.get_full_path(),
    }
    template = "sales/partials/move_stage_form.html" if partial else "sales/move_stage.html"
    return render(request, template, context, status=status)


def _kanban_filterset(request, rows):
    data = request.GET.copy()
    for name in list(data):
        if name.removesuffix("__search") not in KANBAN_FILTERS:
            data.pop(name)
    return OpportunityFilterSet(data or None, queryset=rows, request=request)


def _pipeline_for(request):
    line = None
    line_id = limits.parse_id(request.GET.get("product_line", ""))
    if line_id is not None:
        line = ProductLine.objects.filter(pk=line_id).first()
    return kanban.pick_pipeline(limits.parse_id(request.GET.get("pipeline", "")), line)


@login_required
def opportunity_kanban(request):
    """One pipeline's open opportunities by stage, filtered like the list; cards the user may
    change can be dragged (or moved with their "move to" select) to another stage."""
    if not has_perm(request.user, Opportunity, "view"):
        raise PermissionDenied
    pipeline = _pipeline_for(request)
    stages = pipeline_stages(pipeline.pk) if pipeline else []
    rows = kanban.kanban_rows(request.user, pipeline) if pipeline else Opportunity.objects.none()
    filterset = _kanban_filterset(request, rows)
    valid = filterset.is_valid() if filterset.is_bound else True
    columns = kanban.kanban_columns(filterset.qs if valid else rows.none(), stages)
    cards = [card for column in columns for card in column.cards]
    ids = [card.pk for card in cards]
    # A deal shared with the user may be with a customer they may not see: say so, not its name.
    seen = set(Customer.objects.visible_to(request.user, "view").filter(
        pk__in={card.customer_id for card in cards}).values_list("pk", flat=True)) if cards else set()
    for card in cards:
        card.customer_label = str(card.customer) if card.customer_id in seen else hidden_record_label()
    movable = set(Opportunity.objects.visible_to(request.user, "change").filter(pk__in=ids)
                  .values_list("pk", flat=True)) if ids and has_perm(request.user, Opportunity, "change") else set()
    query = filterset.data.urlencode() if filterset.is_bound else ""
    list_query = f"{query}&" if query else ""
    context = {
        "pipeline": pipeline, "pipelines": kanban.kanban_pipelines(), "columns": columns, "stages": stages,
        "filterset": filterset, "filter_fields": [filterset.form[name] for name in KANBAN_FILTERS
                                                  if name in filterset.form.fields],
        "filter_valid": valid, "movable": movable, "per_column": kanban.CARDS_PER_COLUMN,
        "closed_days": kanban.CLOSED_DAYS, "here": request.get_full_path(),
        "list_url": reverse("sales:opportunity_list") + (f"?{list_query}pipeline={pipeline.pk}" if pipeline else ""),
        "list_query": list_query,
    }
    return render(request, "sales/kanban.html", context, status=200 if valid else 400)


def _column_json(filterset, stages):
    totals = kanban.column_totals(filterset.qs, stages)
    return {str(stage.pk): {"count": totals.get(stage.pk, (0, 0))[0],
                            "amount": format_money(totals.get(stage.pk, (0, 0))[1] or 0)}
            for stage in stages}


@login_required
def opportunity_kanban_move(request, pk):
    """A card dropped on another column: POST stage (reason, won_by, note), the kanban's filters in
    the query string. JSON: 200 moved (with the new column totals), 202 sent for approval, 400
    refused with the reasons; 403 / 404 as everywhere."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    opportunity = _opportunity(request, pk)
    form = MoveStageForm(request.POST, opportunity=opportunity)
    if not form.is_valid():
        return _refused(form.errors.get_json_data(), form)
    try:
        kind, message, result = _move(request, opportunity, form)
    except ValidationError as error:
        _errors_to_form(form, error)
        return _refused(form.errors.get_json_data(), form)
    stages = pipeline_stages(opportunity.pipeline_id)
    filterset = _kanban_filterset(request, kanban.kanban_rows(request.user, opportunity.pipeline))
    columns = _column_json(filterset, stages) if (not filterset.is_bound or filterset.is_valid()) else {}
    if kind == "moved":
        return JsonResponse({"status": "moved", "message": message, "stage": result.stage_id, "columns": columns})
    return JsonResponse({"status": "approval", "message": message, "approval": result.pk,
                         "stage": opportunity.stage_id}, status=202)


def _refused(errors, form):
    flat = {name: [e["message"] for e in found] for name, found in errors.items()}
    labels = {name: form.fields[name].label for name in flat if name in form.fields}
    text = " ".join(" ".join(found) for found in flat.values())
    return JsonResponse({"status": "refused", "message": text, "errors": flat,
                         "fields": {name: str(label) for name, label in labels.items()}}, status=400)


def _move_url(opportunity):
    return reverse("sales:opportunity_move", args=[opportunity.pk])


def register():
    """Called from SalesConfig.ready(): the record page's buttons, the kanban's menu entry and the
    big-deal approval kind."""
    from django.utils.translation import gettext_lazy

    from core.registry import register_action, register_menu_item

    from . import stage_approvals

    register_action(Opportunity, "move-stage", gettext_lazy("Move stage"),
                    lambda o: _move_url(o) if o.status == "open" else None, icon="arrow-right-circle", order=10)
    register_action(Opportunity, "reopen", gettext_lazy("Reopen"),
                    lambda o: _move_url(o) if o.status != "open" else None, icon="arrow-counterclockwise", order=11)
    register_menu_item(gettext_lazy("Sales"), gettext_lazy("Opportunity kanban"), "sales:opportunity_kanban",
                       Opportunity, order=11)
    stage_approvals.register()
