from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core import limits, related
from core.text import clean_text


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
        # Not a model field's choices: reading them runs the query (a many-to-many field of
        # contacts read every contact one may see, 9.6 s at 3 million, to look at the first).
        elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField) \
                and field.choices and field.choices[0] == ("", "---------"):
            field.choices = [("", "—"), *field.choices[1:]]


class BoundedModelChoiceField(forms.ModelChoiceField):
    """A related row named by a plain id within its column's range: "99999999999999999999" (an
    OverflowError on SQLite), "12.5" or "１２" are an invalid choice, not a 500 or row 12."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not self.to_field_name and limits.bad_id(_raw(value), self.queryset.model._meta.pk):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Related rows named by plain ids, at most `max_items` of them (KEDAO["MAX_RELATED_ITEMS"]):
    every id is looked up, so 20,000 of them held the database for a minute."""

    max_items = None

    def clean(self, value):
        limit = self.max_items or limits.max_related_items()
        if isinstance(value, list | tuple) and len(value) > limit:
            raise ValidationError(too_many_message(limit), code="too_many")
        return super().clean(value)

    def _check_values(self, value):
        if not self.to_field_name:
            for raw in value:
                if limits.bad_id(_raw(raw), self.queryset.model._meta.pk):
                    raise ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                          params={"pk": str(raw)[:30]})
        return super()._check_values(value)


def _raw(value):
    # A model instance (an initial value) names itself by its primary key.
    return value.pk if hasattr(value, "_meta") else value


def too_many_message(limit):
    return ngettext_lazy("Choose at most %(limit)d item.", "Choose at most %(limit)d items.", limit) % {
        "limit": limit}


def bound_input(form):
    """Every related field of `form` takes only plain ids within range, and at most the list limit;
    every text field is cleaned of invisible characters (core.text) before it is validated.
    Called by each Kedao form, so a new object type inherits it."""
    for field in form.fields.values():
        if type(field) is forms.ModelChoiceField:
            field.__class__ = BoundedModelChoiceField
        elif type(field) is forms.ModelMultipleChoiceField:
            field.__class__ = BoundedModelMultipleChoiceField
    if not form.is_bound:
        return
    data = form.data.copy()
    for name, field in form.fields.items():
        if not isinstance(field, forms.CharField) or isinstance(field.widget, forms.PasswordInput):
            continue
        key = form.add_prefix(name)
        if key in data:
            multiline = isinstance(field.widget, forms.Textarea)
            if hasattr(data, "setlist"):
                data.setlist(key, [clean_text(value, multiline) for value in data.getlist(key)])
            else:
                data[key] = clean_text(data[key], multiline)
    form.data = data


def check_list_sizes(form):
    """A cleaned list (tags) longer than the limit is an error on its field."""
    limit = limits.max_related_items()
    for name, value in list(form.cleaned_data.items()):
        if name != "pk" and isinstance(value, list) and len(value) > limit:
            form.add_error(name, too_many_message(limit))


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
        bound_input(self)
        style_fields(self)

    def clean(self):
        cleaned = super().clean()
        check_list_sizes(self)
        return cleaned


class BulkEditForm(related.RestrictedFormMixin, forms.Form):
    """Fields left empty are not changed; subclasses declare the editable fields, all optional.
    `pk` lists the records to edit, restricted by the caller to what the user may change."""

    unrestricted_fields = ("pk",)
    pk = BoundedModelMultipleChoiceField(queryset=None, widget=forms.MultipleHiddenInput)

    def __init__(self, *args, queryset=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["pk"].queryset = queryset
        self.fields["pk"].max_items = limits.max_bulk_items()
        for name, field in self.fields.items():
            if name != "pk":
                field.required = False
        dash_empty_choices(self)
        bound_input(self)
        style_fields(self)

    def clean(self):
        cleaned = super().clean()
        check_list_sizes(self)
        return cleaned

    def changed_values(self):
        return {name: value for name, value in self.cleaned_data.items()
                if name != "pk" and value not in (None, "", [])}


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(label=_("Yes, I am sure"), required=True)


class LoginForm(AuthenticationForm):
    """Django's login form sets the username's max_length after the field is built, so the length
    is never checked: a 100,000-character username reached django-axes, whose failed-login row
    (varchar 255) was a 500 on PostgreSQL. Too long is now a field error, before any lookup."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))
        bound_input(self)
