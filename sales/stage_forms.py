"""The "Move stage" form of the opportunity page and the kanban (its rules are in the service)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import bound_input, dash_empty_choices, style_fields

from .models import Competitor, Stage, WinLossReason


class DataSelect(forms.Select):
    """A select whose options carry `data-kind` (the stage's or the reason's outcome), so that the
    page shows the reason and the competitor only for won / lost (static/kedao/stages.js)."""

    def __init__(self, *args, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = kinds or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        kind = self.kinds.get(str(getattr(value, "value", value)))
        if kind:
            option["attrs"]["data-kind"] = kind
        return option


class MoveStageForm(forms.Form):
    stage = forms.ModelChoiceField(queryset=Stage.objects.none(), label=_("Move to stage"), empty_label=None)
    reason = forms.ModelChoiceField(queryset=WinLossReason.objects.filter(is_active=True), required=False,
                                    label=_("Reason"), help_text=_("Why the deal was won or lost."))
    won_by = forms.ModelChoiceField(queryset=Competitor.objects.filter(is_active=True), required=False,
                                    label=_("Lost to"), help_text=_("The competitor that won the deal."))
    note = forms.CharField(required=False, label=_("Note"), max_length=500,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Why the move; required when a closed deal is reopened."))

    def __init__(self, *args, opportunity, **kwargs):
        super().__init__(*args, **kwargs)
        self.opportunity = opportunity
        stages = Stage.objects.filter(pipeline_id=opportunity.pipeline_id).order_by("order", "pk")
        self.fields["stage"].queryset = stages
        self.fields["stage"].widget = DataSelect(kinds={str(s.pk): s.kind for s in stages})
        self.fields["stage"].widget.choices = self.fields["stage"].choices
        reasons = self.fields["reason"].queryset.order_by("kind", "order", "name")
        self.fields["reason"].queryset = reasons
        self.fields["reason"].widget = DataSelect(kinds={str(r.pk): r.kind for r in reasons})
        self.fields["reason"].widget.choices = self.fields["reason"].choices
        self.fields["won_by"].widget.attrs["data-kind-field"] = "lost"
        self.fields["reason"].widget.attrs["data-kind-field"] = "won lost"
        self.fields["stage"].widget.attrs["data-stage-select"] = ""
        if opportunity.stage.kind != "open":
            self.fields["note"].required = True
            self.fields["note"].label = _("Why is it reopened?")
        dash_empty_choices(self)
        bound_input(self)
        style_fields(self)
