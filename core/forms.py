from django import forms
from django.utils.translation import gettext_lazy as _

from core import related


def style_fields(form, small=False):
    """Give every widget its Bootstrap class, so templates can render fields generically."""
    size = "-sm" if small else ""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select" + (f" form-select{size}" if size else "")
        else:
            css = "form-control" + (f" form-control{size}" if size else "")
        widget.attrs.setdefault("class", css)


def dash_empty_choices(form):
    """"—" rather than Django's "---------" for "not chosen", on every select of a form."""
    for field in form.fields.values():
        if getattr(field, "empty_label", None) is not None:
            field.empty_label = "—"
            if hasattr(field.widget, "choices"):
                field.widget.choices = field.choices  # the widget still reads the class's label
        elif isinstance(field, forms.ChoiceField) and field.choices and field.choices[0] == ("", "---------"):
            field.choices = [("", "—"), *field.choices[1:]]


class KedaoModelForm(related.RestrictedFormMixin, forms.ModelForm):
    """A ModelForm that carries the version it was loaded at (optimistic locking) and offers and
    accepts in its related fields only what the user may see (core.related)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version
        dash_empty_choices(self)
        style_fields(self)


class BulkEditForm(related.RestrictedFormMixin, forms.Form):
    """Fields left empty are not changed; subclasses declare the editable fields, all optional.
    `pk` lists the records to edit, restricted by the caller to what the user may change."""

    unrestricted_fields = ("pk",)
    pk = forms.ModelMultipleChoiceField(queryset=None, widget=forms.MultipleHiddenInput)

    def __init__(self, *args, queryset=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["pk"].queryset = queryset
        for name, field in self.fields.items():
            if name != "pk":
                field.required = False
        dash_empty_choices(self)
        style_fields(self)

    def changed_values(self):
        return {name: value for name, value in self.cleaned_data.items()
                if name != "pk" and value not in (None, "", [])}


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(label=_("Yes, I am sure"), required=True)
