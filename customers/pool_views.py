"""Pages of the public pool (公海) and of last contacts: the pool list with claim and assign, release
and "log a contact" on the customer page, and "not contacted for N days" by unit and owner."""

from html import escape

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.permissions import has_perm
from core.replica import replica_reads
from core.reports import list_url as core_list_url
from core.widgets import AutocompleteSelect
from org.models import Employee, OrgUnit

from . import selectors, services
from .models import Customer

PER_PAGE = 50


def _visible_customer(request, pk, action="view"):
    if not has_perm(request.user, Customer, "view"):
        raise PermissionDenied
    customer = Customer.objects.visible_to(request.user, "view").select_related("owner", "org_unit") \
        .filter(pk=pk).first()
    if customer is None:
        raise Http404
    return customer


def _back(request, default):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    return redirect(default)


def _error_text(error):
    return " ".join(error.messages)


@login_required
def pool_list(request):
    """The pool customers the user sees, by pool (unit), with claim buttons and the user's caps."""
    if not has_perm(request.user, Customer, "view"):
        raise PermissionDenied
    rows = Customer.objects.visible_to(request.user, "view").filter(owner__isnull=True)
    pools = OrgUnit.all_objects.filter(pk__in=rows.order_by().values("org_unit_id").distinct()).order_by("path")
    unit = None
    if request.GET.get("unit"):
        try:
            unit = pools.get(pk=int(request.GET["unit"]))
        except (ValueError, OrgUnit.DoesNotExist):
            raise Http404 from None
        rows = rows.filter(org_unit=unit)
    query = (request.GET.get("q") or "").strip()[:100]
    if query:
        rows = rows.filter(search_key__icontains=query.lower().replace(" ", ""))
    page = Paginator(rows.select_related("org_unit").order_by("-updated_at", "-pk"), PER_PAGE) \
        .get_page(request.GET.get("page"))
    assignable = set(Customer.objects.visible_to(request.user, "change")
                     .filter(pk__in=[c.pk for c in page]).values_list("pk", flat=True))
    may_claim = has_perm(request.user, Customer, "change")
    return render(request, "customers/pool.html", {
        "page": page, "pools": pools, "unit": unit, "query": query, "assignable": assignable,
        "may_claim": may_claim, "standing": services.seller_standing(request.user) if may_claim else None,
        "rules": services.rules_for(unit) if unit else None,
        "here": request.get_full_path(),
    })


def _post_only(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return None


@login_required
def customer_claim(request, pk):
    refused = _post_only(request)
    if refused:
        return refused
    customer = _visible_customer(request, pk)
    try:
        services.customer_claim(customer=customer, actor=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return _back(request, reverse("customers:pool"))
    messages.success(request, _("%(name)s is now yours.") % {"name": customer})
    return _back(request, customer.get_absolute_url())


@login_required
def customer_release(request, pk):
    refused = _post_only(request)
    if refused:
        return refused
    customer = _visible_customer(request, pk)
    try:
        services.customer_release(customer=customer, actor=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect(customer.get_absolute_url())
    messages.success(request, _("%(name)s is back in the public pool.") % {"name": customer})
    # The user may no longer see it (a seller sees only the pools above them): go to the pool.
    if Customer.objects.visible_to(request.user, "view").filter(pk=customer.pk).exists():
        return redirect(customer.get_absolute_url())
    return redirect("customers:pool")


@login_required
def customer_touch(request, pk):
    refused = _post_only(request)
    if refused:
        return refused
    customer = _visible_customer(request, pk)
    try:
        services.customer_touch(customer=customer, actor=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Contact with %(name)s logged.") % {"name": customer})
    return redirect(customer.get_absolute_url())


class AssignForm(forms.Form):
    to_user = forms.ModelChoiceField(queryset=Employee.objects.filter(is_active=True), label=gettext_lazy("Assign to"),
                                     widget=AutocompleteSelect("org.employee"))
    reason = forms.CharField(label=gettext_lazy("Reason"), required=False, max_length=200)


@login_required
def customer_assign(request, pk):
    customer = _visible_customer(request, pk)
    if not Customer.objects.visible_to(request.user, "change").filter(pk=customer.pk).exists():
        raise PermissionDenied
    form = AssignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.customer_assign(customer=customer, to_user=form.cleaned_data["to_user"], actor=request.user,
                                     reason=form.cleaned_data["reason"])
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s assigned to %(person)s.")
                             % {"name": customer, "person": form.cleaned_data["to_user"]})
            return redirect("customers:pool")
    status = 400 if request.method == "POST" else 200
    return render(request, "customers/assign.html", {"customer": customer, "form": form}, status=status)


def _not_contacted_rows(rows, unit_column):
    """The rows of the not-contacted page's two tables as HTML, written here rather than by the
    template language: a manager's page has hundreds of owners and units, whose template loops
    were half of the page's time (as the report tables, core.views.reports). Escaped as the
    template would escape them."""
    parts = []
    for row in rows:
        link = f'<td class="text-end kedao-num"><a href="{escape(row["url"])}">{row["count"]}</a></td></tr>\n'
        if unit_column:
            parts.append(f'<tr><td class="ps-{min(row["depth"], 5)}">{escape(row["unit"])}</td>{link}')
        else:
            parts.append(f'<tr><td>{escape(row["owner"])}</td><td>{escape(row["unit"])}</td>{link}')
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


@login_required
@replica_reads
def not_contacted_page(request):
    """Customers not contacted for N days, counted per owner and per unit (with its sub-units)."""
    if not has_perm(request.user, Customer, "view"):
        raise PermissionDenied
    raw = request.GET.get("days") or "30"
    try:
        days = int(raw)
        if not 1 <= days <= 3650:
            raise ValueError
    except ValueError:
        return render(request, "customers/not_contacted.html", {
            "days": raw, "error": _("Enter a whole number of days between 1 and 3650.")}, status=400)
    counts = selectors.not_contacted_by_owner(request.user, days)
    # Names only (a row per owner: a manager's page lists hundreds), not whole model instances.
    owner_names = {pk: str(Employee(pk=pk, username=username, first_name=first, last_name=last))
                   for pk, username, first, last in Employee.objects.filter(
                       pk__in={owner for _unit, owner, _count in counts}).values_list(
                       "pk", "username", "first_name", "last_name")}
    units = {pk: (name, path) for pk, name, path in OrgUnit.all_objects.filter(
        pk__in={u for u, _o, _c in counts}).values_list("pk", "name", "path")}
    list_url = reverse("customers:customer_list")
    by_owner = sorted(
        ({"unit": units.get(unit_id, ("", ""))[0], "owner": owner_names.get(owner_id, ""), "count": count,
          "path": units.get(unit_id, ("", ""))[1],
          "url": core_list_url(list_url, not_contacted_days=days, owner=owner_id)}
         for unit_id, owner_id, count in counts),
        key=lambda row: (row["path"], -row["count"]))
    # A unit counts its own and its sub-units' customers, as the list's unit filter does.
    unit_totals = {}
    for unit_id, _owner, count in counts:
        for segment in units.get(unit_id, ("", ""))[1].split("."):
            if segment:
                ancestor = int(segment)
                unit_totals[ancestor] = unit_totals.get(ancestor, 0) + count
    visible_units = OrgUnit.all_objects.filter(pk__in=set(unit_totals)).values_list("pk", "name", "path", "depth")
    by_unit = [{"unit": name, "count": unit_totals[pk], "depth": depth,
                "url": core_list_url(list_url, not_contacted_days=days, org_unit=pk)}
               for pk, name, path, depth in sorted(visible_units, key=lambda unit: unit[2])]
    return render(request, "customers/not_contacted.html", {
        "days": days, "by_owner": by_owner, "by_unit": by_unit,
        "by_owner_rows": _not_contacted_rows(by_owner, unit_column=False),
        "by_unit_rows": _not_contacted_rows(by_unit, unit_column=True),
        "total": sum(count for _u, _o, count in counts),
        "all_url": f"{list_url}?{urlencode({'not_contacted_days': days})}",
    })
