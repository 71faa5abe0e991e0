"""Panels on the customer page: the account team (add / remove with HTMX) and the strategies."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core import limits
from core.registry import register_history_child, register_panel
from org.models import Employee, ProductLine
from org.permissions import has_perm

from .models import AccountTeamMember, Customer, CustomerStrategy, TeamRole
from .team_services import account_team_member_add, account_team_member_remove


def account_team_panel(request, customer, error=""):
    if not has_perm(request.user, AccountTeamMember, "view"):
        return None
    members = (AccountTeamMember.objects.visible_to(request.user, "view").filter(customer=customer)
               .select_related("employee", "product_line").order_by("product_line__name", "role", "pk")[:100])
    can_change = has_perm(request.user, AccountTeamMember, "add") and \
        Customer.objects.visible_to(request.user, "change").filter(pk=customer.pk).exists()
    return render_to_string("customers/panels/account_team.html", {
        "members": members, "customer": customer, "can_change": can_change, "error": error,
        "product_lines": ProductLine.objects.filter(is_active=True).order_by("name") if can_change else [],
        "roles": TeamRole.choices,
    }, request=request)


def strategies_panel(request, customer):
    if not has_perm(request.user, CustomerStrategy, "view"):
        return None
    strategies = (CustomerStrategy.objects.visible_to(request.user, "view").filter(customer=customer)
                  .select_related("product_line").order_by("product_line__name")[:50])
    return render_to_string("customers/panels/strategies.html", {
        "strategies": strategies, "customer": customer,
        "can_add": has_perm(request.user, CustomerStrategy, "add"),
    }, request=request)


@login_required
@require_POST
def account_team_manage(request, pk):
    """Add (employee, product_line, role) or remove (`remove` = membership id) a member of the
    customer's account team. HTMX gets the panel back; a plain form post is redirected."""
    customer = get_object_or_404(Customer.objects.visible_to(request.user, "view"), pk=pk)
    error = ""
    try:
        if "remove" in request.POST:
            if not has_perm(request.user, AccountTeamMember, "delete"):
                raise PermissionDenied
            member_id = limits.parse_id(request.POST.get("remove"), AccountTeamMember._meta.pk)
            member = AccountTeamMember.objects.visible_to(request.user, "view").filter(
                pk=member_id, customer=customer).first()
            if member is None:
                raise Http404
            account_team_member_remove(member=member, actor=request.user)
            note = _("%(name)s removed from the account team.") % {"name": member}
        else:
            employee_id = limits.parse_id(request.POST.get("employee"), Employee._meta.pk)
            line_id = limits.parse_id(request.POST.get("product_line"), ProductLine._meta.pk)
            employee = Employee.objects.filter(pk=employee_id, is_active=True).first() if employee_id else None
            line = ProductLine.objects.filter(pk=line_id, is_active=True).first() if line_id else None
            role = request.POST.get("role") or TeamRole.ACCOUNT_MANAGER
            if employee is None:
                raise ValidationError({"employee": _("Choose a person.")})
            if line is None:
                raise ValidationError({"product_line": _("Choose a product line.")})
            if role not in TeamRole.values:
                raise ValidationError({"role": _("Choose a role from the list.")})
            member = account_team_member_add(customer=customer, employee=employee, product_line=line, role=role,
                                             actor=request.user)
            note = _("%(name)s added to the account team.") % {"name": member}
    except ValidationError as refused:
        error = " ".join(refused.messages)
    if request.headers.get("HX-Request"):
        html = account_team_panel(request, customer, error=error)
        response = HttpResponse(html or "", status=400 if error else 200)
        return response
    if error:
        messages.error(request, error)
    else:
        messages.success(request, note)
    return HttpResponseRedirect(customer.get_absolute_url())


def register():
    register_panel(Customer, gettext_lazy("Account team"), account_team_panel, order=15, key="account-team")
    register_panel(Customer, gettext_lazy("Customer strategy"), strategies_panel, order=20, key="strategies")
    register_history_child(Customer, AccountTeamMember, "customer")
    register_history_child(Customer, CustomerStrategy, "customer")
