"""Panels the framework adds to every object's detail page: team (shares) and change history."""

from django.contrib.contenttypes.models import ContentType
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from core.models import Share
from core.registry import get_object_type, register_panel
from core.views.generic import changelog_rows


def history_panel(request, obj):
    rows = changelog_rows(obj)
    fields = {f.name: f for f in obj._meta.get_fields()}
    entries = []
    for change in rows:
        diff = []
        for name, old, new in change.diff():
            field = fields.get(name)
            diff.append({"label": getattr(field, "verbose_name", name), "old": _label(field, old),
                         "new": _label(field, new)})
        entries.append({"change": change, "diff": diff})
    return render_to_string("core/panels/history.html", {"entries": entries}, request=request)


def _label(field, value):
    if isinstance(value, dict):
        return value.get("label")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    choices = getattr(field, "choices", None)
    if choices and value is not None:
        return dict(choices).get(value, value)
    return value


def team_panel(request, obj):
    if getattr(obj, "scope_kind", None) != "scoped":
        return None
    from org.models import Team

    shares = Share.objects.filter(content_type=ContentType.objects.get_for_model(obj.__class__),
                                  object_id=obj.pk).select_related("employee", "team")
    object_type = get_object_type(obj.__class__)
    can_change = obj.__class__.objects.visible_to(request.user, "change").filter(pk=obj.pk).exists()
    return render_to_string("core/panels/team.html", {
        "shares": shares, "object": obj, "object_type": object_type, "can_change": can_change,
        "teams": Team.objects.visible_to(request.user, "view").order_by("name")[:200] if can_change else [],
    }, request=request)


def register():
    register_panel((), _("Team"), team_panel, order=800)
    register_panel((), _("History"), history_panel, order=900)
