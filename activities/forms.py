from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BulkEditForm, KedaoModelForm
from core.widgets import AutocompleteSelect

from .models import Activity, ActivityStatus, Priority

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ActivityForm(KedaoModelForm):
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


class ActivityBulkEditForm(BulkEditForm):
    status = forms.ChoiceField(choices=[("", "—"), *ActivityStatus.choices], label=_("Status"))
    priority = forms.ChoiceField(choices=[("", "—"), *Priority.choices], label=_("Priority"))
