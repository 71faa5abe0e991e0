"""The credit code field: normalised (spaces out, upper case, full-width to ASCII) before any
validation, so "9131 0115 MA1K 3YJ5 2L" is the 18-character code the docs promise it is, not
"too long" (issue 5, item 9). One model field gives the same behaviour to forms, the API and
`full_clean()`."""

from django import forms
from django.db import models
from rest_framework import serializers

from .validators import normalize_credit_code


class CreditCodeFormField(forms.CharField):
    def to_python(self, value):
        return normalize_credit_code(super().to_python(value))

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)  # the browser must let people type the code with its spaces
        return attrs


class CreditCodeSerializerField(serializers.CharField):
    def to_internal_value(self, data):
        return normalize_credit_code(super().to_internal_value(data))


class CreditCodeField(models.CharField):
    def to_python(self, value):
        return normalize_credit_code(super().to_python(value))

    def formfield(self, **kwargs):
        kwargs.setdefault("form_class", CreditCodeFormField)
        return super().formfield(**kwargs)

    def deconstruct(self):
        # Stored as a plain CharField: the normalising is behaviour, not schema (no migration).
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs
