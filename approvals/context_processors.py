from notifications.context_processors import Badge


def waiting_count(user):
    """Requests waiting for `user`'s decision, counted up to the badge's cap (one indexed COUNT)."""
    from .models import ApprovalRequest

    return ApprovalRequest.objects.waiting_for(user).order_by()[: Badge.cap + 1].count()


def approvals_waiting(request):
    """The top bar's "my approvals" badge, computed only if the page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"approvals_waiting": Badge(lambda: waiting_count(user))}
