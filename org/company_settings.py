"""The company settings page (administrators): today one switch, "managers see what their people
work on" (docs/permissions.md). Saved with an audit row; read once per request by org.permissions."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.forms import style_fields
from core.models import ObjectChange
from core.services import log_change, serialize_object

from .models import CompanySettings, Role
from .permissions import clear_cache, has_perm


class CompanySettingsForm(forms.ModelForm):
    class Meta:
        model = CompanySettings
        fields = ("hierarchy_visibility",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


def may_edit_settings(user):
    """Administrators: whoever may change roles (they can grant anything anyway)."""
    return has_perm(user, Role, "change")


@transaction.atomic
def company_settings_save(*, values, actor):
    """Write the company settings as `actor` (an administrator), with an audit row."""
    if not may_edit_settings(actor):
        raise PermissionDenied
    current, _created = CompanySettings.objects.select_for_update().get_or_create(pk=1)
    before = serialize_object(current)
    for name, value in values.items():
        setattr(current, name, value)
    current.version += 1
    current.save()
    after = serialize_object(current)
    if after != before:
        log_change(instance=current, action=ObjectChange.Action.UPDATE, actor=actor, prechange=before,
                   postchange=after)
    clear_cache(actor)
    return current


@login_required
def company_settings(request):
    if not may_edit_settings(request.user):
        raise PermissionDenied
    current = CompanySettings.current()
    form = CompanySettingsForm(request.POST if request.method == "POST" else None, instance=current)
    if request.method == "POST" and form.is_valid():
        company_settings_save(values=form.cleaned_data, actor=request.user)
        messages.success(request, _("Company settings saved."))
        return HttpResponseRedirect(reverse("org:company_settings"))
    return render(request, "org/company_settings.html", {"form": form, "title": _("Company settings")},
                  status=400 if form.errors else 200)
