"""Pages of duplicate prevention: the candidates listed while a customer is typed in, and the merge
page (customers/duplicates.py, customers/merge.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import limits
from core.permissions import has_perm
from core.services import VersionConflict

from .duplicates import candidate_rows, find_candidates
from .merge import MAX_MERGED, customers_merge, merge_fields, moved_counts
from .models import Customer
from .views import CustomerEditView

# What the typed values may be at most (longer is cut, never an error while typing).
TYPED_LENGTHS = {"name": 200, "credit_code": 30, "phone": 30, "email": 254}


class CustomerCreateView(CustomerEditView):
    """The customer form, with the probable duplicates listed as the user types."""

    template_name = "customers/customer_edit.html"


@login_required
def customer_duplicates(request):
    """HTMX partial: the probable duplicates of what is typed on the create form."""
    if not has_perm(request.user, Customer, "view"):
        raise PermissionDenied
    typed = {key: str(request.GET.get(key, ""))[:length] for key, length in TYPED_LENGTHS.items()}
    candidates = find_candidates(**typed, limit=5) if any(value.strip() for value in typed.values()) else []
    return render(request, "customers/partials/duplicate_candidates.html",
                  {"candidates": candidate_rows(candidates, request.user), "confirm": False})


def _selected_ids(values):
    ids = []
    for value in values:
        pk = limits.parse_id(value, Customer._meta.pk)
        if pk is None:
            raise Http404
        if pk not in ids:
            ids.append(pk)
    return ids


@login_required
def customer_merge(request):
    """GET ?ids=1&ids=2: one column per customer, one radio per differing field, what moves.
    POST from the list's bulk action (`pk`): back to GET. POST with `survivor`: merge."""
    if not has_perm(request.user, Customer, "change"):
        raise PermissionDenied
    source = request.POST if request.method == "POST" else request.GET
    ids = _selected_ids(source.getlist("ids") or source.getlist("pk"))
    if request.method == "POST" and "survivor" not in request.POST:
        return HttpResponseRedirect(f"{reverse('customers:customer_merge')}?{urlencode([('ids', i) for i in ids])}")
    if len(ids) < 2 or len(ids) > MAX_MERGED:
        messages.error(request, _("Select from 2 to %(count)d customers to merge.") % {"count": MAX_MERGED})
        return HttpResponseRedirect(reverse("customers:customer_list"))
    customers = list(Customer.objects.visible_to(request.user, "view").select_related("owner", "org_unit")
                     .prefetch_related("tags").filter(pk__in=ids))
    if len(customers) != len(ids):
        raise Http404
    customers.sort(key=lambda c: ids.index(c.pk))
    changeable = set(Customer.objects.visible_to(request.user, "change").filter(pk__in=ids)
                     .values_list("pk", flat=True))
    if changeable != set(ids):
        raise PermissionDenied(_("You may not change every one of these customers."))
    errors = []
    if request.method == "POST":
        by_id = {c.pk: c for c in customers}
        survivor_id = limits.parse_id(request.POST.get("survivor"), Customer._meta.pk)
        if survivor_id not in by_id:
            errors.append(_("Choose the customer that stays."))
        else:
            values = {}
            for field in merge_fields():
                chosen = request.POST.get(f"value_{field.name}")
                if chosen:
                    values[field.name] = chosen
            versions = {c.pk: request.POST.get(f"version_{c.pk}") for c in customers}
            versions = {pk: v for pk, v in versions.items() if v and str(v).isdigit()}
            try:
                survivor = customers_merge(survivor=by_id[survivor_id],
                                           merged=[c for c in customers if c.pk != survivor_id],
                                           values=values, versions=versions, actor=request.user)
            except VersionConflict as error:
                errors.append(_("%(name)s was changed while you were choosing; check the values again.")
                              % {"name": error.current})
                customers = [Customer.objects.get(pk=c.pk) for c in customers]
            except ValidationError as error:
                errors.extend(error.messages)
            else:
                messages.success(request, ngettext(
                    "%(count)d customer merged into %(name)s.", "%(count)d customers merged into %(name)s.",
                    len(customers) - 1) % {"count": len(customers) - 1, "name": survivor})
                return HttpResponseRedirect(survivor.get_absolute_url())
    return render(request, "customers/customer_merge.html", _merge_context(request, customers, errors),
                  status=400 if errors else 200)


def _display(customer, field):
    if field.name == "tags":
        return ", ".join(customer.tags.names())
    if field.choices:
        return getattr(customer, f"get_{field.name}_display")()
    value = getattr(customer, field.name)
    return "" if value is None else str(value)


def _merge_context(request, customers, errors):
    posted = request.POST if request.method == "POST" else {}
    survivor_id = str(posted.get("survivor") or customers[0].pk)
    rows = []
    for field in merge_fields():
        shown = [_display(c, field) for c in customers]
        if len(set(shown)) <= 1:
            continue
        default = next((c.pk for c, value in zip(customers, shown, strict=True) if value), customers[0].pk)
        chosen = str(posted.get(f"value_{field.name}") or default)
        rows.append({"name": field.name, "label": field.verbose_name,
                     "cells": [{"id": c.pk, "value": value, "checked": str(c.pk) == chosen}
                               for c, value in zip(customers, shown, strict=True)]})
    moved = moved_counts([c.pk for c in customers])
    columns = [{"customer": c, "survivor": str(c.pk) == survivor_id, "moved": moved.get(c.pk, {}),
                "tags": ", ".join(c.tags.names())} for c in customers]
    return {"columns": columns, "rows": rows, "errors": errors, "ids": [c.pk for c in customers],
            "list_url": reverse("customers:customer_list")}
