"""Panels the framework adds to every object's detail page: team (shares) and change history."""

from django.contrib.contenttypes.models import ContentType
from django.template.loader import render_to_string
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import formatting
from core.models import Share
from core.registry import get_object_type, register_panel
from core.selectors import changelog_rows


def history_panel(request, obj):
    rows = list(changelog_rows(obj))
    own_type = ContentType.objects.get_for_model(obj.__class__)
    fields = {f.name: f for f in obj._meta.get_fields()}
    # Changes of the record's parts (core.registry.register_history_child) read with their own fields.
    part_fields = {}
    for change in rows:
        if change.content_type_id != own_type.pk and change.content_type_id not in part_fields:
            model = ContentType.objects.get_for_id(change.content_type_id).model_class()
            part_fields[change.content_type_id] = (model, {f.name: f for f in model._meta.get_fields()})
    diffs = [(change, change.diff()) for change in rows]
    visible = _visible_related(request.user, fields, [d for d in diffs if d[0].content_type_id == own_type.pk])
    for type_id, (_model, model_fields) in part_fields.items():
        visible |= _visible_related(request.user, model_fields,
                                    [d for d in diffs if d[0].content_type_id == type_id])
    entries = []
    for change, changed in diffs:
        part = part_fields.get(change.content_type_id)
        fields = part[1] if part else {f.name: f for f in obj._meta.get_fields()}
        diff = []
        for name, old, new in changed:
            field = fields.get(name)
            if field is None and name == "team":
                diff.append({"text": _team_change(old, new)})
                continue
            diff.append({"label": formatting.field_label(field or name), "old": _label(field, old, visible),
                         "new": _label(field, new, visible)})
        entries.append({"change": change, "diff": diff,
                         "part": f"{part[0]._meta.verbose_name}: {change.object_repr}" if part else ""})
    return render_to_string("core/panels/history.html", {"entries": entries}, request=request)


def _visible_related(user, fields, diffs):
    """{(model, id)} of the related records named in the history that `user` may see: the audit
    row keeps a label of the record as it was, which must not reveal a record outside the scope
    (a contact moved from a hidden customer). One query per related model."""
    wanted = {}
    for _change, changed in diffs:
        for name, old, new in changed:
            field = fields.get(name)
            if field is None or not getattr(field, "many_to_one", False):
                continue
            for value in (old, new):
                if isinstance(value, dict) and value.get("id") is not None:
                    wanted.setdefault(field.related_model, set()).add(value["id"])
    visible = set()
    for model, ids in wanted.items():
        rows = model._base_manager.filter(pk__in=ids)
        if hasattr(rows, "visible_to") and not getattr(model, "reference_data", False):
            rows = rows.visible_to(user, "view")
        visible |= {(model, pk) for pk in rows.values_list("pk", flat=True)}
    return visible


def _label(field, value, visible=frozenset()):
    """An audited value as every page shows it (core.formatting); "—" when empty."""
    if isinstance(value, dict) and field is not None and getattr(field, "many_to_one", False) \
            and (field.related_model, value.get("id")) not in visible:
        return formatting.hidden_record_label()
    return formatting.format_stored(field, value)


def _team_change(old, new):
    """core.services.share_add/share_remove log the team as "+ name" / "- name"."""
    added = new is not None
    label = str(new if added else old or "")
    if label[:2] in ("+ ", "- "):
        label = label[2:]
    if added:
        return gettext("Team member added: %(name)s") % {"name": label}
    return gettext("Team member removed: %(name)s") % {"name": label}


def team_panel(request, obj):
    if getattr(obj, "scope_kind", None) != "scoped":
        return None
    team_model = Share._meta.get_field("team").related_model  # core names no app

    shares = Share.objects.filter(content_type=ContentType.objects.get_for_model(obj.__class__),
                                  object_id=obj.pk).select_related("employee", "team")
    object_type = get_object_type(obj.__class__)
    can_change = obj.__class__.objects.visible_to(request.user, "change").filter(pk=obj.pk).exists()
    return render_to_string("core/panels/team.html", {
        "shares": shares, "object": obj, "object_type": object_type, "can_change": can_change,
        "teams": team_model.objects.visible_to(request.user, "view").order_by("name")[:200] if can_change else [],
    }, request=request)


def register():
    register_panel((), _("Team"), team_panel, order=800,
                   when=lambda model: getattr(model, "scope_kind", None) == "scoped")
    register_panel((), _("History"), history_panel, order=900)
