from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BulkEditForm, KedaoModelForm
from core.widgets import AutocompleteSelect

from .links import link_to, related_key, resolve_related
from .models import Activity, ActivityStatus, Plan, Priority

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ActivityForm(KedaoModelForm):
    # A record of a later type ("sales.lead:12"): set from that record's page, kept on edit.
    related = forms.CharField(required=False, widget=forms.HiddenInput, max_length=120)

    class Meta:
        model = Activity
        fields = ("kind", "subject", "status", "starts_at", "ends_at", "all_day", "due_at", "priority", "customer",
                  "contact", "opportunity", "participants", "location", "description", "checkin_at",
                  "checkin_place", "checkin_lat", "checkin_lng", "email_from", "email_to",
                  "remind_minutes_before", "owner")
        widgets = {"customer": AutocompleteSelect("customers.customer"),
                   "contact": AutocompleteSelect("customers.contact"),
                   "opportunity": AutocompleteSelect("sales.opportunity"),
                   "participants": forms.SelectMultiple(attrs={"size": 6}),
                   "owner": AutocompleteSelect("org.employee"),
                   "starts_at": DATETIME, "ends_at": DATETIME, "due_at": DATETIME, "checkin_at": DATETIME,
                   "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("starts_at", "ends_at", "due_at", "checkin_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
        for name in ("owner", "participants"):
            self.fields[name].queryset = self.fields[name].queryset.filter(is_active=True)
        self.fields["owner"].required = False
        self.fields["owner"].help_text = _("Empty: you.")
        self.related_record = self.instance.related if self.instance.related_type_id else None
        self.fields["related"].initial = related_key(self.related_record)

    def clean_related(self):
        value = self.cleaned_data.get("related")
        if value == related_key(self.related_record):
            return self.related_record  # unchanged: kept even if it left the user's view since
        self.related_record = resolve_related(value, self.user)
        return self.related_record

    def clean(self):
        cleaned = super().clean()
        if "related" in cleaned:
            link_to(self.instance, cleaned["related"])
        return cleaned


class ActivityBulkEditForm(BulkEditForm):
    status = forms.ChoiceField(choices=[("", "—"), *ActivityStatus.choices], label=_("Status"))
    priority = forms.ChoiceField(choices=[("", "—"), *Priority.choices], label=_("Priority"))


class PlanForm(KedaoModelForm):
    class Meta:
        model = Plan
        fields = ("period", "starts_on", "target_visits", "target_calls", "target_opportunities", "target_amount",
                  "notes", "review", "owner")
        widgets = {"starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "owner": AutocompleteSelect("org.employee"),
                   "notes": forms.Textarea(attrs={"rows": 3}), "review": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = self.fields["owner"].queryset.filter(is_active=True)
        self.fields["owner"].required = False
        self.fields["owner"].help_text = _("Empty: you.")


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
