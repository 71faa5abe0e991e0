import contextlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import limits, related
from core.filtersets import list_count_limit, search_condition
from core.limits import TooSlow, search_budget_ms, time_budget
from core.models import Share
from core.permissions import has_perm
from core.registry import dashboards, get_object_type, get_panel, home_slots, menu_items, object_types
from core.replica import reads_from_replica
from core.services import object_restore, share_add, share_remove
from core.text import clean_text
from core.widgets import option_details, option_label, picker_queryset

SEARCH_LIMIT = 10


@login_required
def home(request):
    """Each user's start page: what needs their attention today (slots other apps register),
    quick create, and per object type a bounded count and the latest rows they may see."""
    limit = list_count_limit()
    cards, quick_create, seen = [], [], set()
    for item in menu_items():
        model = item.model
        if model is None or model in seen or not has_perm(request.user, model, "view"):
            continue
        seen.add(model)
        object_type = get_object_type(model)
        rows = model.objects.visible_to(request.user, "view")
        count = rows.order_by()[: limit + 1].count()
        recent = list(rows.order_by("-updated_at" if hasattr(model, "updated_at") else "-pk")[:5]) \
            if getattr(model, "scope_kind", "global") != "global" else []
        add_url = object_type.url("add") if has_perm(request.user, model, "add") else None
        if add_url and getattr(model, "scope_kind", "global") != "global":
            quick_create.append({"label": model._meta.verbose_name, "url": add_url})
        cards.append({
            "group": item.group, "label": item.label, "url": object_type.url("list"),
            "count": min(count, limit), "capped": count > limit, "recent": recent, "add_url": add_url,
        })
    attention = []
    for slot in home_slots():
        rows = list(slot.rows(request.user) or [])[: slot.limit + 1]
        if rows:
            attention.append({"slot": slot, "rows": rows[: slot.limit], "more": len(rows) > slot.limit,
                              "more_url": slot.more_url(request.user) if slot.more_url else None})
    with reads_from_replica(request.user):  # the heavy part of the page; it may lag (core/replica.py)
        boards = [html for html in (board.render(request) for board in dashboards()) if html]
    return render(request, "core/home.html", {"cards": cards, "attention": attention,
                                              "quick_create": quick_create, "dashboards": boards})


@login_required
def panel(request, object_type, pk, key):
    """One panel of a record page, loaded by HTMX when it scrolls into view.

    The same decision as the record page: the user must be granted "view" on the type and the
    record must be in `visible_to(user, "view")` (404 otherwise, as on the page itself).
    """
    object_type = get_object_type(object_type)
    if object_type is None:
        raise Http404
    if not has_perm(request.user, object_type.model, "view"):
        raise PermissionDenied
    obj = object_type.model.objects.visible_to(request.user, "view").filter(pk=pk).first()
    panel = get_panel(object_type.model, key) if obj is not None else None
    if panel is None:
        raise Http404
    html = panel.render(request, obj)
    return HttpResponse(html or render_to_string("core/partials/panel_empty.html", request=request))


@login_required
def search(request):
    """Global search over every searchable object type, each scoped by visible_to()."""
    query = clean_text(request.GET.get("q", "")).strip()[:100]
    groups = []
    if query:
        for object_type in object_types():
            if not object_type.search_fields or not has_perm(request.user, object_type.model, "view"):
                continue
            found = (picker_queryset(object_type.model.objects.visible_to(request.user, "view"))
                     .filter(search_condition(object_type.search_fields, query)).order_by("-pk")[: SEARCH_LIMIT + 1])
            try:
                # Each type within a time budget (core.limits.time_budget): one type no index can
                # answer (two characters over 10,000,000 activities) took the page 30 s. A third of
                # a list's: the page asks every type, and the list is there for the long search.
                with time_budget(object_type.model, search_budget_ms() // 3):
                    rows = list(found)
            except TooSlow:
                groups.append({"object_type": object_type, "rows": [], "too_broad": True,
                               "list_url": object_type.url("list")})
                continue
            if rows:
                # With the details a picker shows, so that two 王伟 can be told apart here too.
                rows = [{"object": row, "details": option_details(row)} for row in rows[:SEARCH_LIMIT]]
                groups.append({"object_type": object_type, "rows": rows,
                               "more": len(rows) > SEARCH_LIMIT,
                               "list_url": object_type.url("list")})
    return render(request, "core/search.html", {"query": query, "groups": groups})


@login_required
def autocomplete(request, object_type):
    """<option> elements for an autocomplete select; rows come through visible_to()."""
    object_type = get_object_type(object_type)
    if object_type is None:
        raise Http404
    # The rows the form field will accept: a contact's customer must be one the user may change
    # (AutocompleteSelect(..., action="change")), not merely one they see.
    action = request.GET.get("action", "view")
    if action not in object_type.actions:
        action = "view"
    model = object_type.model
    # Reference data (products, stages, lead sources…) is offered to anyone signed in, as the form
    # field accepts it (core.related): a seller picks a product without the right to its admin pages.
    picking_reference = getattr(model, "reference_data", False) and action == "view"
    if not picking_reference and (not has_perm(request.user, model, "view") or not has_perm(request.user, model, action)):
        raise PermissionDenied
    query = request.GET.get("q") or next((v for k, v in request.GET.items() if k.endswith("__search")), "")
    query = clean_text(query).strip()[:100]
    rows = related.related_queryset(model.objects.all(), request.user, action)
    # The filterset's search fields, also for types not listed in global search (roles, product
    # lines): every foreign-key filter and field is a picker one can type into.
    search_fields = tuple(object_type.filterset.search_fields) if object_type.filterset else ()
    if query and search_fields:
        rows = rows.filter(search_condition(search_fields, query))
    empty = (request.GET.get("empty") or "—")[:20]
    try:
        # As the global search: a text no index answers stops within the budget (core.limits).
        with time_budget(model, search_budget_ms() // 3) if query else contextlib.nullcontext():
            options = [(row.pk, option_label(row)) for row in picker_queryset(rows).order_by("-pk")[:20]]
    except TooSlow:
        options, empty = [], _("Type more of the name")
    return render(request, "core/partials/options.html", {"options": options, "empty": empty})


@login_required
def recycle_bin(request):
    """Deleted records the user could delete, per object type, newest first."""
    groups = []
    for object_type in object_types():
        model = object_type.model
        if not has_perm(request.user, model, "delete") or not hasattr(model, "deleted_at"):
            continue
        rows = list(model.all_objects.visible_to(request.user, "delete", deleted_parents=True)
                    .filter(deleted_at__isnull=False)
                    .select_related("deleted_by").order_by("-deleted_at")[:100])
        if rows:
            groups.append({"object_type": object_type, "rows": rows})
    return render(request, "core/recycle_bin.html", {"groups": groups})


@login_required
@require_POST
def restore(request, object_type, pk):
    object_type = get_object_type(object_type)
    if object_type is None:
        raise Http404
    if not has_perm(request.user, object_type.model, "delete"):
        raise PermissionDenied
    instance = object_type.model.all_objects.visible_to(request.user, "delete", deleted_parents=True).filter(
        pk=pk, deleted_at__isnull=False).first()
    if instance is None:
        raise Http404
    try:
        object_restore(instance=instance, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s restored.") % {"name": instance})
    return HttpResponseRedirect(reverse("core:recycle_bin"))


@login_required
@require_POST
def share_manage(request, object_type, pk):
    """Add or remove a member of a record's team (account team)."""
    # The grantee models as the Share row declares them (core names no app).
    Employee, Team = (Share._meta.get_field(name).related_model for name in ("employee", "team"))

    object_type = get_object_type(object_type)
    if object_type is None:
        raise Http404
    instance = object_type.model.objects.visible_to(request.user, "view").filter(pk=pk).first()
    if instance is None:
        raise Http404
    try:
        if "remove" in request.POST:
            share = Share.objects.filter(
                pk=limits.parse_id(request.POST.get("remove"), Share._meta.pk),
                content_type=ContentType.objects.get_for_model(object_type.model), object_id=pk,
            ).first()
            if share is None:
                raise Http404
            share_remove(share=share, actor=request.user)
            messages.success(request, _("%(name)s removed from the team.") % {"name": share.employee or share.team})
        else:
            employee_id, team_id = request.POST.get("employee"), request.POST.get("team")
            employee_id = limits.parse_id(employee_id, Employee._meta.pk)
            team_id = limits.parse_id(team_id, Team._meta.pk)
            employee = Employee.objects.visible_to(request.user, "view").filter(pk=employee_id, is_active=True).first() \
                if employee_id is not None else None
            team = Team.objects.visible_to(request.user, "view").filter(pk=team_id).first() \
                if team_id is not None else None
            share_add(instance=instance, actor=request.user, employee=employee, team=team,
                      role=clean_text(request.POST.get("role", "")).strip()[:50], can_change=bool(request.POST.get("can_change")))
            messages.success(request, _("%(name)s added to the team.") % {"name": employee or team})
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return HttpResponseRedirect(object_type.url("detail", instance))


def favicon(request):
    """Browsers ask for /favicon.ico on their own, whatever the page says: the icon's static URL
    (looked up per request: the static files' manifest exists only after collectstatic)."""
    return HttpResponsePermanentRedirect(static("kedao/favicon.svg"))
