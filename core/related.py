"""Related fields scoped by the framework: every foreign key and many-to-many that a form or a
serializer offers and accepts goes through `related_queryset()`, so a user can neither pick nor
submit a record they may not see (NetBox's `restrict_form_fields`).

Forms and serializers declare a different action for a field with
`Meta.related_actions = {"customer": "change"}` (a contact may only be attached to a customer the
user may change); every other related field needs "view".

Other modules call it as `related.related_queryset(...)` (the module attribute, looked up at call
time), so that the seeded-fault tests can replace it and prove the generated tests notice.
"""

import functools

from django import forms

DEFAULT_ACTION = "view"


def related_queryset(queryset, user, action=DEFAULT_ACTION):
    """The rows of `queryset` that `user` may pick for a related field.

    Reference data (`reference_data = True` on the model: pipelines, stages, products, lead
    sources…) may be picked by anyone signed in, as a seller picks a stage without the right to see
    the pipelines' admin pages; only their own list and detail pages need a grant."""
    if getattr(queryset.model, "reference_data", False):
        return queryset
    if hasattr(queryset, "visible_to"):
        return queryset.visible_to(user, action)
    return queryset


def related_actions(meta):
    return dict(getattr(meta, "related_actions", None) or {})


def restrict_form_fields(form, user):
    """Restrict the querysets of every model-choice field of `form` (choices and validation alike)."""
    actions = related_actions(getattr(form, "Meta", None))
    for name, field in form.fields.items():
        if name in getattr(form, "unrestricted_fields", ()):
            continue
        if isinstance(field, forms.ModelChoiceField) and field.queryset is not None:
            if getattr(field, "_kedao_restricted", None) is field.queryset:
                continue  # already restricted (the base and a subclass __init__ both ran)
            field.queryset = related_queryset(field.queryset, user, actions.get(name, DEFAULT_ACTION))
            field._kedao_restricted = field.queryset
            widget = field.widget
            # The autocomplete behind the field offers what the field accepts (same action).
            if hasattr(widget, "action"):
                widget.action = actions.get(name, DEFAULT_ACTION)


class RestrictedFormMixin:
    """Restricts the related fields once every `__init__` of the form class has run, so a subclass
    that sets a field's queryset in its own `__init__` is restricted too (it cannot forget to)."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        init = cls.__dict__.get("__init__")
        if init is None or getattr(init, "_kedao_restricts", False):
            return

        @functools.wraps(init)
        def __init__(self, *args, **kw):
            init(self, *args, **kw)
            restrict_form_fields(self, getattr(self, "user", None))

        __init__._kedao_restricts = True
        cls.__init__ = __init__
