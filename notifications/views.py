"""The notification centre (`/notifications/`), marking read (HTMX), and each user's preferences."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import limits

from . import services
from .context_processors import Badge
from .models import Notification

PER_PAGE = 30


def _page_number(request):
    try:
        return min(max(int(request.GET.get("page", "1")), 1), 10_000)
    except ValueError:
        return 1


@login_required
def centre(request):
    """The user's notifications, newest first, unread ones marked; `?unread=1` shows only those.
    Paginated without counting: one row more than a page says whether there is a next one."""
    unread_only = request.GET.get("unread") == "1"
    rows = Notification.objects.visible_to(request.user).select_related("actor")
    if unread_only:
        rows = rows.unread()
    page = _page_number(request)
    start = (page - 1) * PER_PAGE
    found = list(rows.order_by("-created_at", "-id")[start:start + PER_PAGE + 1])
    return render(request, "notifications/centre.html", {
        "rows": found[:PER_PAGE], "page": page, "has_next": len(found) > PER_PAGE, "unread_only": unread_only,
    })


def _badge_response(request, template, context):
    """An HTMX answer: the changed part plus the top bar's badge, swapped out of band."""
    context = {**context, "notifications_unread": Badge(services.unread_count(request.user)), "oob": True}
    return render(request, template, context)


def _own(request, pk):
    """One of the user's own notifications (404 for anyone else's: no existence leak)."""
    pk = limits.parse_id(pk, Notification._meta.pk)
    row = Notification.objects.visible_to(request.user).filter(pk=pk).first() if pk is not None else None
    if row is None:
        raise Http404
    return row


@login_required
@require_POST
def mark_read(request, pk):
    row = _own(request, pk)
    services.notifications_mark_read(user=request.user, ids=[row.pk])
    if request.htmx:
        row.refresh_from_db()
        return _badge_response(request, "notifications/partials/row.html", {"row": row})
    return HttpResponseRedirect(reverse("notifications:centre"))


@login_required
@require_POST
def mark_all_read(request):
    count = services.notifications_mark_read(user=request.user)
    messages.success(request, _("%(count)d notifications marked read.") % {"count": count})
    return HttpResponseRedirect(reverse("notifications:centre"))


@login_required
def open_notification(request, pk):
    """Follow a notification's link, marking it read on the way."""
    row = _own(request, pk)
    services.notifications_mark_read(user=request.user, ids=[row.pk])
    return HttpResponseRedirect(services.internal_path(row.url) or reverse("notifications:centre"))


@login_required
def preferences(request):
    """Which events reach the user, and how: in the centre, by e-mail, both or neither."""
    current = services.preferences_for(request.user)
    if request.method == "POST":
        choices = {definition.key: (f"in_app:{definition.key}" in request.POST, f"email:{definition.key}" in request.POST)
                   for definition, _in_app, _email in current}
        services.preferences_save(user=request.user, choices=choices)
        messages.success(request, _("Your notification settings are saved."))
        return HttpResponseRedirect(reverse("notifications:preferences"))
    return render(request, "notifications/preferences.html", {
        "rows": [{"event": definition, "in_app": in_app, "email": email} for definition, in_app, email in current],
        "has_email": bool(request.user.email),
    })
