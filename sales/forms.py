from django import forms
from django.utils.translation import gettext_lazy as _

from core import limits
from core.forms import BulkEditForm, KedaoModelForm
from core.widgets import AutocompleteSelect
from customers.models import Customer

from .gates import requirement_choices
from .models import (
    Competitor,
    Lead,
    LeadAssignmentRule,
    LeadSource,
    LeadStatus,
    Opportunity,
    OpportunityCompetitor,
    OpportunityLine,
    OpportunityTeamMember,
    Pipeline,
    PriceList,
    PriceListItem,
    Product,
    Stage,
    WinLossReason,
)
from .models.pipelines import StageKind

DATE = {"type": "date"}


def _date():
    return forms.DateInput(attrs=DATE, format="%Y-%m-%d")


class ProductForm(KedaoModelForm):
    class Meta:
        model = Product
        fields = ("product_line", "code", "name", "unit", "list_price", "tax_rate", "is_active", "description")
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class PriceListForm(KedaoModelForm):
    class Meta:
        model = PriceList
        fields = ("name", "product_line", "currency", "valid_from", "valid_to", "is_active", "notes")
        widgets = {"valid_from": _date(), "valid_to": _date()}


class PriceListItemForm(KedaoModelForm):
    class Meta:
        model = PriceListItem
        fields = ("price_list", "product", "price", "notes")
        widgets = {"product": AutocompleteSelect("sales.product")}
        related_actions = {"price_list": "change"}


class LeadSourceForm(KedaoModelForm):
    class Meta:
        model = LeadSource
        fields = ("name", "code", "order", "is_active")


class LeadForm(KedaoModelForm):
    class Meta:
        model = Lead
        fields = ("name", "company", "title", "phone", "email", "province", "city", "industry", "product_line",
                  "source", "status", "disqualify_reason", "owner", "description")
        widgets = {"owner": AutocompleteSelect("org.employee"), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = self.fields["owner"].queryset.filter(is_active=True)
        self.fields["owner"].required = False
        if self.instance.pk is None:
            self.fields["owner"].help_text = _("Empty: the lead assignment rules choose; when none matches, the "
                                               "lead waits unassigned in your unit's queue.")
        elif self.instance.owner_id is None:
            self.fields["owner"].help_text = _("Empty: it stays unassigned.")
        else:
            self.fields["owner"].help_text = _("Empty: you.")
        # Converting is its own action (it creates the customer, contact and opportunity).
        self.fields["status"].choices = [c for c in self.fields["status"].choices if c[0] != LeadStatus.CONVERTED]
        self.fields["source"].queryset = self.fields["source"].queryset.filter(is_active=True)


class LeadBulkEditForm(BulkEditForm):
    status = forms.ChoiceField(choices=[("", "—"), *[c for c in LeadStatus.choices
                                                     if c[0] not in (LeadStatus.CONVERTED, LeadStatus.DISQUALIFIED)]],
                               label=_("Status"))


class LeadAssignmentRuleForm(KedaoModelForm):
    class Meta:
        model = LeadAssignmentRule
        fields = ("name", "order", "province", "industry", "product_line", "source", "assignees", "is_active")


class PipelineForm(KedaoModelForm):
    class Meta:
        model = Pipeline
        fields = ("name", "product_line", "stall_days", "is_active", "description")


class StageForm(KedaoModelForm):
    requirements = forms.MultipleChoiceField(label=_("Requirements to enter"), required=False,
                                             widget=forms.CheckboxSelectMultiple, choices=requirement_choices)

    class Meta:
        model = Stage
        fields = ("pipeline", "name", "order", "probability", "forecast_category", "kind", "requirements",
                  "approval_threshold", "description")


class WinLossReasonForm(KedaoModelForm):
    class Meta:
        model = WinLossReason
        fields = ("kind", "name", "order", "is_active", "description")


class CompetitorForm(KedaoModelForm):
    class Meta:
        model = Competitor
        fields = ("name", "website", "strengths", "weaknesses", "is_active")
        widgets = {"strengths": forms.Textarea(attrs={"rows": 3}), "weaknesses": forms.Textarea(attrs={"rows": 3})}


class OpportunityForm(KedaoModelForm):
    class Meta:
        model = Opportunity
        fields = ("name", "customer", "product_line", "pipeline", "stage", "amount", "probability",
                  "expected_close_date", "source", "next_step", "decision_makers", "owner", "description")
        widgets = {"customer": AutocompleteSelect("customers.customer"), "owner": AutocompleteSelect("org.employee"),
                   "expected_close_date": _date(), "description": forms.Textarea(attrs={"rows": 3}),
                   "decision_makers": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = self.fields["owner"].queryset.filter(is_active=True)
        self.fields["owner"].required = False
        self.fields["owner"].help_text = _("Empty: you.")
        self.fields["pipeline"].required = False
        self.fields["pipeline"].help_text = _("Empty: the product line's pipeline.")
        self.fields["stage"].required = False
        self.fields["stage"].help_text = _("Empty: the pipeline's first stage.")
        self.fields["pipeline"].queryset = self.fields["pipeline"].queryset.filter(is_active=True)
        self.fields["stage"].queryset = self.fields["stage"].queryset.select_related("pipeline")
        self.fields["stage"].label_from_instance = lambda stage: f"{stage.pipeline} · {stage.name}"
        self.fields["product_line"].queryset = self.fields["product_line"].queryset.filter(is_active=True)
        if self.instance.pk:
            # The stage of a saved opportunity moves on its own page ("Move stage") and the kanban,
            # where the reason, the competitor, the note and an approval request have their place.
            self.fields["pipeline"].disabled = True
            self.fields["stage"].disabled = True
            self.fields["stage"].help_text = _("Use “Move stage” on the opportunity's page or the kanban.")
        # Decision makers are contacts of this customer: a short list, not every contact one may see.
        customer_id = self.instance.customer_id if self.instance.pk else limits.parse_id(
            self.data.get("customer") if self.is_bound else self.initial.get("customer"), Customer._meta.pk)
        makers = self.fields["decision_makers"]
        makers.queryset = makers.queryset.filter(customer_id=customer_id).order_by("name") \
            if customer_id else makers.queryset.none()
        if not customer_id:
            makers.help_text = _("Choose the customer first; after saving, pick its decision makers here.")

    def clean(self):
        from .selectors import default_pipeline, first_stage

        cleaned = super().clean()
        line = cleaned.get("product_line")
        if not cleaned.get("pipeline") and line and not self.instance.pk:
            cleaned["pipeline"] = default_pipeline(line)
            if cleaned["pipeline"] is None:
                self.add_error("pipeline", _("No active pipeline for this product line; ask an administrator."))
            self.instance.pipeline = cleaned["pipeline"]
        if not cleaned.get("stage") and cleaned.get("pipeline"):
            cleaned["stage"] = self.instance.stage if self.instance.pk else first_stage(cleaned["pipeline"])
            if cleaned["stage"] is None:
                self.add_error("stage", _("The pipeline has no open stage."))
        if cleaned.get("stage") and not self.instance.pk and cleaned["stage"].kind != StageKind.OPEN:
            self.add_error("stage", _("A new opportunity starts in an open stage."))
        customer = cleaned.get("customer")
        if customer and any(contact.customer_id != customer.pk for contact in cleaned.get("decision_makers") or ()):
            self.add_error("decision_makers", _("Decision makers must be contacts of the customer."))
        return cleaned


class OpportunityBulkEditForm(BulkEditForm):
    expected_close_date = forms.DateField(label=_("Expected close date"), widget=_date())
    next_step = forms.CharField(label=_("Next step"), max_length=200)


class OpportunityLineForm(KedaoModelForm):
    class Meta:
        model = OpportunityLine
        fields = ("opportunity", "product", "description", "quantity", "unit_price", "discount")
        widgets = {"opportunity": AutocompleteSelect("sales.opportunity"), "product": AutocompleteSelect("sales.product")}
        related_actions = {"opportunity": "change"}


class OpportunityCompetitorForm(KedaoModelForm):
    class Meta:
        model = OpportunityCompetitor
        fields = ("opportunity", "competitor", "product", "price", "strengths", "weaknesses")
        widgets = {"opportunity": AutocompleteSelect("sales.opportunity"),
                   "strengths": forms.Textarea(attrs={"rows": 2}), "weaknesses": forms.Textarea(attrs={"rows": 2})}
        related_actions = {"opportunity": "change"}


class OpportunityTeamMemberForm(KedaoModelForm):
    class Meta:
        model = OpportunityTeamMember
        fields = ("opportunity", "employee", "role", "notes")
        widgets = {"opportunity": AutocompleteSelect("sales.opportunity"), "employee": AutocompleteSelect("org.employee")}
        related_actions = {"opportunity": "change"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = self.fields["employee"].queryset.filter(is_active=True)
