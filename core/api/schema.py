"""The OpenAPI schema of every Kedao endpoint, generated from its filterset and serializer.

Nothing here is written per object type: what `q` searches and what `ordering` accepts come from
the filterset (`search_fields`, `ordering_fields`), request examples from the serializer's
writable fields, and the error answers (400 / 403 / 404 / 412 / 428) from the base viewset's
conventions (docs/api.md). A new object type is documented by registering its viewset.
"""

import datetime

from django.utils import translation
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import OpenApiExample
from rest_framework import serializers

WRITE_ACTIONS = ("create", "update", "partial_update")
IF_MATCH_ACTIONS = ("update", "partial_update", "destroy")
DETAIL_ACTIONS = ("retrieve", "update", "partial_update", "destroy")

FIELD_ERRORS = {
    "type": "object",
    "description": "Field name -> messages; `non_field_errors` for errors of the whole record.",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
    "example": {"name": ["This field is required."], "owner": ["Select a valid choice."]},
}
DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}


class KedaoAutoSchema(AutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        action = getattr(self.view, "action", None)
        self._describe_filters(operation)
        if action in IF_MATCH_ACTIONS:
            operation.setdefault("parameters", []).append({
                "in": "header", "name": "If-Match", "schema": {"type": "string"}, "required": False,
                "description": 'The ETag from a GET (`"<id>-<version>"`). Stale: 412 and nothing is written; '
                               "missing: 428 where the server requires it (KEDAO_REQUIRE_IF_MATCH).",
            })
        self._add_error_responses(operation, action)
        return operation

    # -- filters ----------------------------------------------------------------------------------

    def _filterset(self):
        return getattr(self.view, "filterset_class", None)

    def _describe_filters(self, operation):
        filterset = self._filterset()
        if filterset is None:
            return
        for parameter in operation.get("parameters", ()):
            if parameter.get("in") != "query":
                continue
            if parameter["name"] == "q" and filterset.search_fields:
                parameter["description"] = (
                    "Case-insensitive substring search; a row matches when any of these contains the text: "
                    + ", ".join(f"`{f}`" for f in filterset.search_fields) + "."
                )
            elif parameter["name"] == "ordering":
                allowed = sorted(filterset.ordering_params())
                parameter["schema"] = {"type": "array", "items": {"type": "string", "enum": sorted(
                    [*allowed, *(f"-{name}" for name in allowed)])}}
                parameter["description"] = (
                    "Sort by one or more of the allowed fields, comma-separated (`?ordering=city,-updated_at`); "
                    "`-` sorts descending. Any other value is a 400 naming `ordering`. The id is added as the "
                    "last tie-breaker, so pages never skip or repeat rows. Allowed: "
                    + ", ".join(f"`{name}`" for name in allowed) + "."
                )

    # -- examples ---------------------------------------------------------------------------------

    def get_examples(self):
        examples = super().get_examples()
        action = getattr(self.view, "action", None)
        if examples or action not in WRITE_ACTIONS:
            return examples
        serializer = self.get_request_serializer()
        if not isinstance(serializer, serializers.Serializer):
            return examples
        body = example_body(serializer, partial=action == "partial_update")
        if not body:
            return examples
        model = self.view.queryset.model
        with translation.override("en"):
            name = str(model._meta.verbose_name)
        summary = {"create": f"Create a {name}", "update": f"Replace a {name} (send If-Match)",
                   "partial_update": f"Change some fields of a {name} (send If-Match)"}[action]
        return [OpenApiExample(action, value=body, summary=summary, request_only=True)]

    # -- errors -----------------------------------------------------------------------------------

    def _component(self, name, schema):
        component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema)
        self.registry.register_on_missing(component)
        return component.ref

    def _add_error_responses(self, operation, action):
        if action is None or not hasattr(self.view, "queryset"):
            return
        responses = operation.setdefault("responses", {})

        def answer(status, description, schema):
            responses.setdefault(str(status), {
                "description": description, "content": {"application/json": {"schema": schema}},
            })

        detail = self._component("ErrorDetail", DETAIL)
        if action in WRITE_ACTIONS or action == "list":
            answer(400, "Invalid data, filter value or `ordering`: the messages by field; nothing is written.",
                   self._component("FieldErrors", FIELD_ERRORS))
        answer(403, "No role grants this action on this object type, or the record is visible but outside "
                    "the scope of the action.", detail)
        if action in DETAIL_ACTIONS:
            answer(404, "No such record, in the recycle bin, or outside what you may view.", detail)
        if action in IF_MATCH_ACTIONS:
            serializer = self.get_response_serializers()
            current = self.resolve_serializer(serializer, "response").ref \
                if isinstance(serializer, serializers.Serializer) else {"type": "object"}
            answer(412, "Stale If-Match: someone changed the record. `current` is what is stored now (its "
                        "ETag in the header); apply your change to it and retry.",
                   self._component(f"{self.view.queryset.model.__name__}VersionConflict", {
                       "type": "object", "properties": {"detail": {"type": "string"}, "current": current},
                       "required": ["detail", "current"],
                   }))
            answer(428, "If-Match missing where the server requires it (KEDAO_REQUIRE_IF_MATCH).", detail)


def example_value(field):
    """A plausible value for one serializer field, from its type alone."""
    if isinstance(field, serializers.ManyRelatedField):
        return [1]
    if isinstance(field, serializers.RelatedField):
        return 1
    if isinstance(field, serializers.MultipleChoiceField):
        return list(field.choices)[:1]
    if isinstance(field, serializers.ChoiceField):
        return next(iter(field.choices), None)
    if isinstance(field, serializers.ListField):
        child = example_value(field.child) if field.child is not None else None
        return [child or str(field.label or field.field_name)]
    if isinstance(field, serializers.BooleanField):
        return True
    if isinstance(field, serializers.IntegerField):
        return 1
    if isinstance(field, serializers.DecimalField):
        return "0.00"
    if isinstance(field, serializers.DateTimeField):
        return "2026-01-05T09:30:00+08:00"
    if isinstance(field, serializers.DateField):
        return datetime.date(2026, 1, 5).isoformat()
    if isinstance(field, serializers.EmailField):
        return "name@example.cn"
    if isinstance(field, serializers.URLField):
        return "https://www.example.cn"
    if isinstance(field, serializers.CharField):
        return str(field.label or field.field_name)[: field.max_length or None] or None
    return None


def example_body(serializer, partial=False):
    """Create/replace: every required writable field and every choice. Partial: one choice (or the
    first writable field), the smallest useful PATCH."""
    writable = [f for f in serializer.fields.values() if not f.read_only]
    if partial:
        chosen = next((f for f in writable if isinstance(f, serializers.ChoiceField) and not f.required),
                      writable[0] if writable else None)
        return {chosen.field_name: example_value(chosen)} if chosen else {}
    body = {}
    for field in writable:
        if field.required or isinstance(field, serializers.ChoiceField | serializers.ListField):
            value = example_value(field)
            if value is not None:
                body[field.field_name] = value
    return body
