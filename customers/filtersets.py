import django_filters
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.filtersets import KedaoFilterSet
from core.widgets import AutocompleteSelect
from org.models import Employee, OrgUnit

from .models import Contact, Customer, DecisionRole, Industry, Level, Source
from .models.classification import industry_condition


def industry_choices():
    """Sections, each followed by its divisions (indented), as (code, label); evaluated per form."""
    # Plain rows, not model instances, labelled as Industry.__str__ does: every customer list
    # page builds these 117 choices.
    english = not (get_language() or "").startswith("zh")
    rows = Industry.objects.filter(is_active=True).order_by("code").values_list("pk", "parent_id", "code", "name", "name_en")
    divisions = {}
    for pk, parent_id, code, name, name_en in rows:
        divisions.setdefault(parent_id, []).append((pk, f"{code} {name_en if english and name_en else name}", code))
    choices = []
    for pk, label, code in divisions.get(None, []):
        choices.append((code, label))
        choices.extend((division_code, f"\u2003{division_label}") for _pk, division_label, division_code in divisions.get(pk, []))
    return choices


def region_prefix(code):
    """440000 → "44", 440300 → "4403", 440305 → "440305": what the codes below it start with."""
    code = "".join(ch for ch in str(code) if ch.isdigit())[:6]
    if len(code) == 6:
        code = code[:2] if code.endswith("0000") else code[:4] if code.endswith("00") else code
    return code or "-"


class CustomerFilterSet(KedaoFilterSet):
    # search_key: name and short name as written, in pinyin and as initials, credit code, phone
    # (core.search; Customer.search_text_fields).
    search_fields = ("search_key",)
    ordering_fields = ("name", "short_name", "credit_code", "updated_at", "created_at", "level", "industry",
                       "province", "city", "phone", ("owner__username", "owner"), "last_contacted_at")

    level = django_filters.ChoiceFilter(choices=Level.choices, label=_("Level"))
    # By code (C, 36): a section includes its divisions. A choice, not a picker scoped by grants:
    # the classification is reference data everyone may filter by.
    industry = django_filters.ChoiceFilter(choices=industry_choices, label=_("Industry"), method="in_industry")
    source = django_filters.ChoiceFilter(choices=Source.choices, label=_("Source"))
    province = django_filters.CharFilter(lookup_expr="exact", label=_("Province"))
    city = django_filters.CharFilter(lookup_expr="exact", label=_("City"))
    # GB/T 2260 code of a province, city or district: 440000 → all of 广东省, 440300 → 深圳市.
    region = django_filters.CharFilter(label=_("Region code"), method="in_region", max_length=6)
    owner = django_filters.ModelChoiceFilter(queryset=Employee.objects.filter(is_active=True), label=_("Owner"),
                                             widget=AutocompleteSelect("org.employee"))
    # Autocomplete, not a <select> of every unit: a large company has thousands.
    org_unit = django_filters.ModelChoiceFilter(queryset=OrgUnit.objects.all(), label=_("Org unit"),
                                                method="in_unit_subtree", widget=AutocompleteSelect("org.orgunit"))
    tag = django_filters.CharFilter(field_name="tags__name", lookup_expr="iexact", label=_("Tag"),
                                    distinct=True)
    updated_after = django_filters.DateFilter(field_name="updated_at", lookup_expr="date__gte",
                                              label=_("Updated since"))
    # Not contacted for N days: the last contact (or, never contacted, the creation) is older.
    not_contacted_days = django_filters.NumberFilter(
        method="not_contacted_for", label=_("Not contacted for (days)"),
        validators=[MinValueValidator(1), MaxValueValidator(3650)])
    in_pool = django_filters.BooleanFilter(method="in_pool_filter", label=_("In the public pool"))

    class Meta:
        model = Customer
        fields = ["level", "industry", "source", "province", "city", "region", "owner", "org_unit", "tag"]

    def in_unit_subtree(self, queryset, name, value):
        return queryset.filter(org_unit__in=value.subtree().values("pk"))

    def in_pool_filter(self, queryset, name, value):
        return queryset.filter(owner__isnull=value)

    def not_contacted_for(self, queryset, name, value):
        from .selectors import not_contacted

        return not_contacted(queryset, int(value))

    def in_industry(self, queryset, name, value):
        industry = Industry.objects.filter(code=value).first()
        return queryset.filter(industry_condition(industry)) if industry else queryset.none()

    def in_region(self, queryset, name, value):
        return queryset.filter(region_code__startswith=region_prefix(value))


class ContactFilterSet(KedaoFilterSet):
    search_fields = ("search_key", "mobile", "phone", "email", "customer__search_key")
    ordering_fields = ("name", "updated_at", "created_at", ("customer__name", "customer"), "title",
                       "department", "mobile", "email", "decision_role")

    # A name typed into a picker, not a customer id (a number box answered 400 to a name).
    customer = django_filters.ModelChoiceFilter(queryset=Customer.objects.all(), label=_("Customer"),
                                                widget=AutocompleteSelect("customers.customer"))
    decision_role = django_filters.ChoiceFilter(choices=DecisionRole.choices, label=_("Role in the decision"))

    class Meta:
        model = Contact
        fields = ["customer", "decision_role"]
