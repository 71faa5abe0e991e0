from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BulkEditForm, KedaoModelForm
from core.widgets import AutocompleteSelect

from .models import Project, Stage


class ProjectForm(KedaoModelForm):
    class Meta:
        model = Project
        fields = ("name", "customer", "stage", "budget", "due_date", "sponsor", "owner", "tags", "notes")
        widgets = {"customer": AutocompleteSelect("customers.customer"),
                   "sponsor": AutocompleteSelect("org.employee"),
                   "owner": AutocompleteSelect("org.employee"),
                   "due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Related fields are restricted to what the user may see by KedaoModelForm (core.related);
        # a form narrows further, never widens.
        for name in ("owner", "sponsor"):
            self.fields[name].queryset = self.fields[name].queryset.filter(is_active=True)
        self.fields["owner"].required = False
        self.fields["owner"].help_text = _("Empty: you.")


class ProjectBulkEditForm(BulkEditForm):
    stage = forms.ChoiceField(choices=[("", "—"), *Stage.choices], label=_("Stage"))
