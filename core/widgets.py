from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse


class AutocompleteSelect(forms.Select):
    """A select that only renders its current choice; typing in the search box above it loads
    matching options from /autocomplete/<object type>/ (scoped by visible_to). Works for tables of
    millions of rows, where a full <select> would not."""

    template_name = "core/widgets/autocomplete_select.html"

    def __init__(self, object_type, attrs=None):
        super().__init__(attrs)
        self.object_type = object_type

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["autocomplete_url"] = reverse("core:autocomplete", args=[self.object_type])
        return context

    def optgroups(self, name, value, attrs=None):
        # Render only the selected option, not the whole queryset.
        selected = [str(v) for v in value if v not in (None, "")]
        groups = []
        if selected and hasattr(self.choices, "queryset"):
            # A re-rendered invalid form may carry anything the browser sent ("abc"): skip it.
            pk_field = self.choices.queryset.model._meta.pk
            valid = []
            for raw in selected:
                try:
                    valid.append(pk_field.to_python(raw))
                except ValidationError:
                    pass
            for index, obj in enumerate(self.choices.queryset.filter(pk__in=valid)):
                groups.append((None, [self.create_option(name, obj.pk, str(obj), True, index)], index))
        groups.insert(0, (None, [self.create_option(name, "", "—", not selected, 0)], 0))
        return groups
