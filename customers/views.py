from django.utils.translation import gettext_lazy as _

from core.tagging import prefetch_tags
from core.views import generic

from . import filtersets, forms, tables
from .customer_page import CustomerPageMixin
from .models import Contact, Customer


class CustomerListView(generic.ObjectListView):
    queryset = Customer.objects.select_related("owner", "org_unit", "industry").prefetch_related(prefetch_tags())
    filterset_class = filtersets.CustomerFilterSet
    table_class = tables.CustomerTable
    bulk_actions = ((_("Merge"), "customers:customer_merge", "union", "change"),)


class CustomerView(CustomerPageMixin, generic.ObjectView):
    queryset = Customer.objects.select_related("owner", "org_unit", "updated_by", "industry")
    highlights = ("owner", "level", "kind", "city", "phone")
    detail_fields = ("name", "short_name", "kind", "credit_code", "level", "industry", "source", "province",
                     "city", "district", "region_code", "address", "phone", "email", "website", "tags", "notes")


class CustomerEditView(generic.ObjectEditView):
    queryset = Customer.objects.all()
    form_class = forms.CustomerForm


class CustomerDeleteView(generic.ObjectDeleteView):
    queryset = Customer.objects.all()


class CustomerBulkEditView(generic.BulkEditView):
    queryset = Customer.objects.all()
    form_class = forms.CustomerBulkEditForm


class CustomerBulkDeleteView(generic.BulkDeleteView):
    queryset = Customer.objects.all()


class ContactListView(generic.ObjectListView):
    queryset = Contact.objects.select_related("customer")
    filterset_class = filtersets.ContactFilterSet
    table_class = tables.ContactTable
    bulk_edit = False


class ContactView(generic.ObjectView):
    queryset = Contact.objects.select_related("customer", "updated_by")
    highlights = ("customer", "title", "mobile", "email")
    detail_fields = ("customer", "name", "title", "department", "mobile", "phone", "email", "wechat",
                     "decision_role", "birthday", "notes")


class ContactEditView(generic.ObjectEditView):
    queryset = Contact.objects.all()
    form_class = forms.ContactForm


class ContactDeleteView(generic.ObjectDeleteView):
    queryset = Contact.objects.all()


class ContactBulkDeleteView(generic.BulkDeleteView):
    queryset = Contact.objects.all()
