"""The "Approvals" panel on the record page of every type some kind of approval is about (an
opportunity, a quote…): the requests about this record that the user takes part in."""

from django.contrib.contenttypes.models import ContentType
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from core.registry import approval_kinds, register_panel

from .models import ApprovalRequest

LIMIT = 20


def approvals_panel(request, obj):
    content_type = ContentType.objects.get_for_model(type(obj))
    rows = list(ApprovalRequest.objects.visible_to(request.user, "view")
                .filter(target_type=content_type, target_id=obj.pk)
                .select_related("requested_by", "approver").order_by("-created_at", "-pk")[:LIMIT])
    return render_to_string("approvals/panels/requests.html", {"rows": rows}, request=request)


def has_approval_kind(model):
    return any(kind.model is model for kind in approval_kinds())


def register():
    # Lazy: a record page pays nothing for it until the panel scrolls into view.
    register_panel((), _("Approvals"), approvals_panel, order=700, key="approvals", lazy=True,
                   when=has_approval_kind)
