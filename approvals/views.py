"""Pages of approvals: the "my approvals" inbox, a request's page with its log, and deciding
(HTMX: the request's card and the top bar's badge are swapped in place)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core import limits
from notifications.context_processors import Badge

from . import services
from .context_processors import waiting_count
from .models import ApprovalEvent, ApprovalRequest, Status

PER_PAGE = 30
BOXES = {
    "waiting": gettext_lazy("Waiting for me"),
    "requested": gettext_lazy("I requested"),
    "decided": gettext_lazy("Decided"),
    "all": gettext_lazy("All requests"),  # superusers only
}


def _page_number(request):
    try:
        return min(max(int(request.GET.get("page", "1")), 1), 10_000)
    except ValueError:
        return 1


def box_rows(user, box):
    """The requests of one inbox tab, in the order the tab shows them."""
    visible = ApprovalRequest.objects.visible_to(user, "view")
    if box == "waiting":
        return ApprovalRequest.objects.waiting_for(user).order_by("created_at", "pk")  # oldest first
    if box == "requested":
        return visible.filter(requested_by_id=user.pk).order_by("-created_at", "-pk")
    if box == "decided":
        took_part = ApprovalEvent.objects.filter(request_id=OuterRef("pk"), approver_id=user.pk)
        return visible.exclude(status=Status.PENDING).filter(Q(decided_by_id=user.pk) | Exists(took_part)) \
            .exclude(requested_by_id=user.pk).order_by("-decided_at", "-pk")
    return visible.order_by("-created_at", "-pk")


@login_required
def inbox(request):
    boxes = [key for key in BOXES if key != "all" or request.user.is_superuser]
    box = request.GET.get("box") if request.GET.get("box") in boxes else "waiting"
    page = _page_number(request)
    start = (page - 1) * PER_PAGE
    rows = list(box_rows(request.user, box).select_related("requested_by", "approver", "decided_by")
                .prefetch_related("target")[start:start + PER_PAGE + 1])
    return render(request, "approvals/inbox.html", {
        "box": box, "tabs": [(key, BOXES[key]) for key in boxes], "rows": rows[:PER_PAGE],
        "page": page, "has_next": len(rows) > PER_PAGE, "may_decide_inline": box == "waiting",
    })


def _visible_request(request, pk):
    pk = limits.parse_id(pk, ApprovalRequest._meta.pk)
    row = ApprovalRequest.objects.visible_to(request.user, "view").select_related(
        "requested_by", "approver", "decided_by", "org_unit", "product_line").filter(pk=pk).first() \
        if pk is not None else None
    if row is None:
        raise Http404
    return row


def detail_context(request, row, **extra):
    from core.registry import get_approval_kind

    definition = get_approval_kind(row.kind)
    target = row.target
    target_url = None
    if target is not None and hasattr(target, "get_absolute_url"):
        rows = type(target)._base_manager.all()
        # A link only when the user may open the record (else the name, no 404 behind a link).
        if not hasattr(rows, "visible_to") or rows.visible_to(request.user, "view").filter(pk=target.pk).exists():
            target_url = target.get_absolute_url()
    user = request.user
    may_decide = row.is_pending and row.requested_by_id != user.pk and \
        (row.approver_id == user.pk or user.is_superuser)
    may_cancel = row.is_pending and (row.requested_by_id == user.pk or user.is_superuser)
    return {
        "row": row, "target": target, "target_url": target_url,
        "description": definition.describe(row) if definition and definition.describe else "",
        "events": list(row.events.select_related("actor", "approver")),
        "may_decide": may_decide, "may_cancel": may_cancel, **extra,
    }


@login_required
def request_detail(request, pk):
    row = _visible_request(request, pk)
    return render(request, "approvals/request_detail.html", detail_context(request, row))


def _answer(request, row, *, error="", status=200, note=""):
    """HTMX: the request's card again (with the error beside the comment) and the badge, out of
    band; a plain form post: back to the page with a message."""
    if request.htmx:
        context = detail_context(request, row, error=error, oob=True, note=note,
                                 approvals_waiting=Badge(waiting_count(request.user)))
        inbox = request.POST.get("view") == "inbox"
        context["may_decide_inline"] = inbox and context["may_decide"]
        template = "approvals/partials/inbox_row.html" if inbox else "approvals/partials/request_card.html"
        return render(request, template, context, status=status)
    if error:
        messages.error(request, error)
    elif note:
        messages.success(request, note)
    return HttpResponseRedirect(row.get_absolute_url())


@login_required
@require_POST
def request_decide(request, pk):
    row = _visible_request(request, pk)
    decision = request.POST.get("decision")
    if decision not in ("approve", "reject"):
        return _answer(request, row, error=_("Choose approve or reject."), status=400)
    try:
        row = services.approval_decide(request=row, actor=request.user, approve=decision == "approve",
                                       comment=request.POST.get("comment", ""))
    except services.ApprovalClosed as closed:
        return _answer(request, _visible_request(request, pk), error=" ".join(closed.messages), status=409)
    except ValidationError as refused:
        return _answer(request, _visible_request(request, pk), error=" ".join(refused.messages), status=400)
    except PermissionDenied as denied:
        if request.htmx:
            return _answer(request, row, error=str(denied) or _("You may not decide this request."), status=403)
        raise
    note = _("Approved.") if row.status == Status.APPROVED else _("Rejected.")
    return _answer(request, _visible_request(request, pk), note=note)


@login_required
@require_POST
def request_cancel(request, pk):
    row = _visible_request(request, pk)
    try:
        row = services.approval_cancel(request=row, actor=request.user, comment=request.POST.get("comment", ""))
    except ValidationError as refused:
        return _answer(request, _visible_request(request, pk), error=" ".join(refused.messages),
                       status=409 if isinstance(refused, services.ApprovalClosed) else 400)
    return _answer(request, _visible_request(request, pk), note=_("The request is withdrawn."))
