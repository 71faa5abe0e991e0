from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import KedaoModelForm
from core.widgets import AutocompleteSelect

from .models import TargetPlan


def measure_choices():
    from core.registry import target_measures

    return [(m.key, m.label) for m in target_measures()]


class TargetPlanForm(KedaoModelForm):
    measure = forms.ChoiceField(label=_("Measure"), choices=measure_choices)

    class Meta:
        model = TargetPlan
        fields = ("name", "fiscal_year", "measure", "product_line", "org_unit", "total", "grain", "notes")
        widgets = {"org_unit": AutocompleteSelect("org.orgunit"), "notes": forms.Textarea(attrs={"rows": 3})}


class DecomposeForm(forms.Form):
    method = forms.ChoiceField(label=_("Down the tree"), choices=[("equal", _("Equal parts")),
                                                                  ("last_year", _("Last year's actual shares"))],
                               widget=forms.Select(attrs={"class": "form-select"}))
    time_method = forms.ChoiceField(label=_("Over the year"), choices=[("equal", _("Equal parts")),
                                                                       ("last_year", _("Last year's seasonality")),
                                                                       ("manual", _("The months set by hand"))],
                                    widget=forms.Select(attrs={"class": "form-select"}))
