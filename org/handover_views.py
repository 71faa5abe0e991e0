"""The handover page: from an employee's page "Hand over…" → form → preview → confirm."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.permissions import has_perm
from core.registry import register_action
from core.widgets import AutocompleteSelect

from .handover import handover_preview, handover_types, records_handover
from .models import Employee


class HandoverForm(forms.Form):
    to_user = forms.ModelChoiceField(queryset=Employee.objects.filter(is_active=True),
                                     label=gettext_lazy("Hand over to"), widget=AutocompleteSelect("org.employee"))
    object_types = forms.MultipleChoiceField(label=gettext_lazy("Records"), widget=forms.CheckboxSelectMultiple,
                                             required=False, help_text=gettext_lazy("None ticked: all of them."))
    ids = forms.CharField(label=gettext_lazy("Only these records"), required=False, max_length=20000,
                          help_text=gettext_lazy("Ids separated by commas or spaces, of the one type ticked above. "
                                                 "Empty: all their records."))
    reason = forms.CharField(label=gettext_lazy("Reason"), required=False, max_length=200)
    deactivate = forms.BooleanField(label=gettext_lazy("Deactivate their account afterwards"), required=False,
                                    help_text=gettext_lazy("They can no longer log in; every record stays."))

    def __init__(self, *args, from_user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = Employee.objects.filter(is_active=True).exclude(pk=from_user.pk)
        self.fields["object_types"].choices = [(t.key, str(t.verbose_name_plural).capitalize())
                                               for t in handover_types()]

    def clean_ids(self):
        raw = (self.cleaned_data.get("ids") or "").replace("，", ",").replace(",", " ").split()
        if not raw:
            return None
        try:
            return sorted({int(value) for value in raw})
        except ValueError:
            raise ValidationError(_("Record ids must be whole numbers.")) from None

    def arguments(self):
        data = self.cleaned_data
        return {"to_user": data["to_user"], "object_types": data["object_types"] or None, "ids": data["ids"]}


def _apply_errors(form, error):
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
def employee_handover(request, pk):
    from_user = get_object_or_404(Employee.objects.visible_to(request.user, "view"), pk=pk)
    if not has_perm(request.user, Employee, "change"):
        raise PermissionDenied
    form = HandoverForm(request.POST or None, from_user=from_user)
    preview = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                if "confirm" in request.POST:
                    done = records_handover(from_user=from_user, actor=request.user,
                                            deactivate=form.cleaned_data["deactivate"],
                                            reason=form.cleaned_data["reason"], **form.arguments())
                    summary = ", ".join(f"{line.label}: {line.count}" for line in done.lines if line.count)
                    messages.success(request, _("Handed over to %(name)s: %(summary)s.")
                                     % {"name": done.to_user, "summary": summary or _("nothing to move")})
                    return redirect(reverse("org:employee_detail", args=[from_user.pk]))
                preview = handover_preview(from_user=from_user, actor=request.user, **form.arguments())
            except ValidationError as error:
                _apply_errors(form, error)
                status = 400
        else:
            status = 400
    return render(request, "org/handover.html", {
        "from_user": from_user, "form": form, "preview": preview,
        "deactivate": request.POST.get("deactivate") == "on",
    }, status=status)


def register():
    register_action(Employee, "handover", gettext_lazy("Hand over…"),
                    lambda obj: reverse("org:employee_handover", args=[obj.pk]), icon="arrow-left-right",
                    permission="change", order=50)
