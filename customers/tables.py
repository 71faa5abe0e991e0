import django_tables2 as tables

from core.tables import DateTimeColumn, KedaoTable, TagsColumn

from .models import Contact, Customer


class CustomerTable(KedaoTable):
    name = tables.Column(linkify=True)
    owner = tables.Column(order_by=("owner__username",))
    org_unit = tables.Column(orderable=False)
    tags = TagsColumn(orderable=False)
    updated_at = DateTimeColumn(format="Y-m-d H:i")
    last_contacted_at = DateTimeColumn(format="Y-m-d")

    class Meta(KedaoTable.Meta):
        model = Customer
        fields = ("pk", "name", "short_name", "credit_code", "level", "industry", "province", "city", "phone",
                  "owner", "org_unit", "tags", "last_contacted_at", "updated_at")

    default_hidden = ("short_name", "credit_code", "province", "last_contacted_at")


class ContactTable(KedaoTable):
    name = tables.Column(linkify=True)
    customer = tables.Column(linkify=True, order_by=("customer__name",))
    updated_at = DateTimeColumn(format="Y-m-d H:i")

    class Meta(KedaoTable.Meta):
        model = Contact
        fields = ("pk", "name", "customer", "title", "department", "mobile", "phone", "email", "wechat",
                  "decision_role", "updated_at")

    default_hidden = ("department", "phone", "wechat")
