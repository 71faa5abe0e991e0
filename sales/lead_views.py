"""Lead pages: the generic ones (with the save service that assigns by rules) and the workflow pages
— assign (one lead or the list's selection), assign by rules, disqualify, convert."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import limits
from core.permissions import has_perm
from core.views.generic import ObjectEditView, object_views
from customers.duplicates import candidate_rows, find_candidates

from . import filtersets as f
from . import forms, tables
from .lead_forms import LeadAssignForm, LeadConvertForm, LeadDisqualifyForm
from .models import Lead, LeadStatus
from .services import DuplicateCustomers, lead_assign, lead_convert, lead_disqualify, lead_save, leads_assign

BULK_ACTIONS = (
    (gettext_lazy("Assign"), "sales:lead_bulk_assign", "person-check", "change"),
    (gettext_lazy("Assign by rules"), "sales:lead_bulk_assign_rules", "shuffle", "change"),
)

lead = object_views(
    Lead, queryset=Lead.objects.select_related("owner", "org_unit", "source", "product_line", "industry",
                                               "converted_customer", "converted_contact"),
    filterset=f.LeadFilterSet, table=tables.LeadTable, form=forms.LeadForm, bulk_edit_form=forms.LeadBulkEditForm,
    detail_fields=("name", "company", "title", "phone", "email", "province", "city", "industry", "product_line",
                   "source", "status", "disqualify_reason", "description", "converted_customer", "converted_contact",
                   "converted_at"),
    highlights=("owner", "status", "source", "company"), save_service=lead_save,
    list={"bulk_actions": BULK_ACTIONS})


def _visible(user, lead_):
    return Lead.objects.visible_to(user, "view").filter(pk=lead_.pk).exists()


class LeadView(lead["detail"]):
    def base_context(self, **extra):
        context = super().base_context(**extra)
        obj = extra.get("object")
        if obj is not None and obj.status == LeadStatus.CONVERTED:
            context["can_change"] = False  # read-only once converted (sales.services.leads.converted_guard)
        return context


class _ConvertedLead(Exception):
    pass


class LeadEditView(lead["edit"]):
    saved = None

    def get_instance(self):
        instance = super().get_instance()
        if instance.pk and instance.status == LeadStatus.CONVERTED:
            raise _ConvertedLead(instance)
        return instance

    def save_service(self, **kwargs):
        self.saved = lead_save(**kwargs)
        return self.saved

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except _ConvertedLead as converted:
            messages.info(request, _("A converted lead is read-only."))
            return HttpResponseRedirect(converted.args[0].get_absolute_url())

    def post(self, request, pk=None):
        response = super().post(request, pk)
        saved = self.saved
        if saved is None or response.status_code != 302 or pk:
            return response
        if saved.owner_id is None:
            messages.info(request, _("No assignment rule matches it: it waits unassigned in the queue of %(unit)s.")
                          % {"unit": saved.org_unit})
        elif saved.owner_id != request.user.pk:
            messages.info(request, _("The assignment rules gave it to %(owner)s.") % {"owner": saved.owner})
            if not _visible(request.user, saved):
                return HttpResponseRedirect(reverse("sales:lead_list"))
        return response


lead.update(detail=LeadView, edit=LeadEditView)


def _lead_for(request, pk, action="change"):
    """The lead as `request.user` may `action` it: 404 outside the view scope, 403 beyond."""
    if not has_perm(request.user, Lead, "view"):
        raise PermissionDenied
    found = Lead.objects.visible_to(request.user, "view").select_related("owner", "org_unit", "source",
                                                                           "product_line").filter(pk=pk).first()
    if found is None:
        raise Http404
    if not Lead.objects.visible_to(request.user, action).filter(pk=pk).exists():
        raise PermissionDenied
    return found


def _add_errors(form, error):
    ObjectEditView.add_errors(form, error)


def _after(request, lead_):
    """Back to the lead when the user still sees it, else to the list."""
    return HttpResponseRedirect(lead_.get_absolute_url() if _visible(request.user, lead_)
                                else reverse("sales:lead_list"))


def _converted_redirect(request, lead_):
    messages.info(request, _("A converted lead is read-only."))
    return HttpResponseRedirect(lead_.get_absolute_url())


@login_required
def lead_assign_page(request, pk):
    lead_ = _lead_for(request, pk)
    if lead_.status == LeadStatus.CONVERTED:
        return _converted_redirect(request, lead_)
    form = LeadAssignForm(request.POST or None, user=request.user, initial={"owner": lead_.owner_id})
    if request.method == "POST" and form.is_valid():
        try:
            saved = lead_assign(lead=lead_, actor=request.user, owner=form.cleaned_data["owner"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("%(name)s assigned to %(owner)s.") % {"name": saved, "owner": saved.owner})
            return _after(request, saved)
    return render(request, "sales/lead_assign.html", {"lead": lead_, "form": form, "bulk": False},
                  status=400 if form.errors else 200)


def _selected(request):
    ids = limits.parse_ids(request.POST.getlist("pk")[:limits.max_bulk_items() + 1], Lead._meta.pk)
    if len(ids) > limits.max_bulk_items():
        return None
    return list(Lead.objects.visible_to(request.user, "change").select_related("owner").filter(pk__in=ids)
                .exclude(status=LeadStatus.CONVERTED).order_by("pk"))


def _bulk(request, by_rules):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not has_perm(request.user, Lead, "change"):
        raise PermissionDenied
    leads = _selected(request)
    if leads is None:
        messages.error(request, _("Select at most %(limit)d records at a time.") % {"limit": limits.max_bulk_items()})
        return HttpResponseRedirect(reverse("sales:lead_list"))
    if not leads:
        messages.warning(request, _("Select at least one lead you may change that is not converted."))
        return HttpResponseRedirect(reverse("sales:lead_list"))
    form = LeadAssignForm(request.POST if "_apply" in request.POST else None, user=request.user)
    if "_apply" in request.POST and (by_rules or form.is_valid()):
        owner = None if by_rules else form.cleaned_data["owner"]
        try:
            assigned, unmatched = leads_assign(leads=leads, actor=request.user, owner=owner)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if assigned:
                messages.success(request, _("%(count)d leads assigned.") % {"count": len(assigned)})
            if unmatched:
                messages.warning(request, _("%(count)d leads match no assignment rule and stay as they were.")
                                 % {"count": len(unmatched)})
            return HttpResponseRedirect(reverse("sales:lead_list"))
    return render(request, "sales/lead_assign.html", {"leads": leads, "form": form, "bulk": True,
                                                      "by_rules": by_rules}, status=400 if form.errors else 200)


@login_required
def lead_bulk_assign(request):
    return _bulk(request, by_rules=False)


@login_required
def lead_bulk_assign_rules(request):
    return _bulk(request, by_rules=True)


@login_required
def lead_disqualify_page(request, pk):
    lead_ = _lead_for(request, pk)
    if lead_.status == LeadStatus.CONVERTED:
        return _converted_redirect(request, lead_)
    form = LeadDisqualifyForm(request.POST or None, user=request.user,
                              initial={"disqualify_reason": lead_.disqualify_reason})
    if request.method == "POST" and form.is_valid():
        try:
            saved = lead_disqualify(lead=lead_, actor=request.user, reason=form.cleaned_data["disqualify_reason"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("%(name)s disqualified.") % {"name": saved})
            return HttpResponseRedirect(saved.get_absolute_url())
    return render(request, "sales/lead_disqualify.html", {"lead": lead_, "form": form},
                  status=400 if form.errors else 200)


def _candidates(user, name, phone, email):
    return candidate_rows(find_candidates(name=name or "", phone=phone or "", email=email or "", limit=5), user)


@login_required
def lead_convert_page(request, pk):
    lead_ = _lead_for(request, pk)
    if lead_.status == LeadStatus.CONVERTED:
        return _converted_redirect(request, lead_)
    initial = LeadConvertForm.initial_for(lead_)
    form = LeadConvertForm(request.POST or None, user=request.user, initial=initial)
    candidates = None
    if request.method == "POST" and form.is_valid():
        try:
            done = lead_convert(lead=lead_, actor=request.user, **form.service_arguments())
        except DuplicateCustomers as duplicates:
            candidates = candidate_rows(duplicates.candidates, request.user)
            form.add_error(None, _("This customer probably exists already (see below): use it, or tick “This is a "
                                   "different company” and convert again."))
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("%(lead)s converted.") % {"lead": done.lead})
            target = done.opportunity or done.customer
            return HttpResponseRedirect(target.get_absolute_url())
    if candidates is None:
        source = form.data if form.is_bound else initial
        if not (form.is_bound and (source.get("customer") or source.get("use_customer"))):
            candidates = _candidates(request.user, source.get("customer_name"), source.get("phone"),
                                     source.get("email"))
    changeable = set()
    if candidates:
        from customers.models import Customer

        ids = [row["id"] for row in candidates if row["id"]]
        changeable = set(Customer.objects.visible_to(request.user, "change").filter(pk__in=ids)
                         .values_list("pk", flat=True))
    return render(request, "sales/lead_convert.html", {
        "lead": lead_, "form": form, "candidates": candidates or [], "changeable": changeable,
        "customer_fields": form.section(form.CUSTOMER[1:]), "contact_fields": form.section(form.CONTACT),
        "opportunity_fields": form.section(form.OPPORTUNITY[1:]),
    }, status=400 if form.errors else 200)
