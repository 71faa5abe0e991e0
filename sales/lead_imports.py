"""Leads from a spreadsheet (core.imports): source, product line and industry found by name or
code; rows that name no owner are assigned by the lead assignment rules after the write
(sales.services.leads.leads_place_imported), like a lead created on the page without an owner."""

from django.db.models import Q
from django.utils.translation import gettext as _

from core.registry import register_importer
from customers.models import Industry
from org.models import ProductLine

from .models import Lead, LeadSource

LEAD_FIELDS = ("name", "company", "title", "phone", "email", "province", "city", "industry", "product_line",
               "source", "description")
LEAD_SYNONYMS = {
    "name": ("姓名", "联系人", "联系人姓名", "线索名称", "contact", "contact name", "full name"),
    "company": ("公司", "公司名称", "单位", "单位名称", "企业", "客户名称", "company name", "organization"),
    "title": ("职务", "职位", "头衔", "position", "job title"),
    "phone": ("电话", "手机", "手机号", "联系电话", "mobile", "telephone", "tel"),
    "email": ("邮箱", "电子邮箱", "邮件", "e-mail", "mail"),
    "province": ("省", "省份", "state"),
    "city": ("市", "城市"),
    "industry": ("行业", "所属行业", "sector"),
    "product_line": ("产品线", "意向产品线", "product line"),
    "source": ("来源", "线索来源", "渠道", "lead source", "channel"),
    "description": ("备注", "说明", "需求", "描述", "notes", "remarks", "comment"),
    "owner": ("负责人", "销售", "业务员", "所有人", "owner", "sales rep"),
}


def _lookup(rows, field, model, condition, keys, label):
    texts = {row.get(field, "").strip() for row in rows} - {""}
    found = {}
    if texts:
        for record in model.objects.filter(condition(texts)):
            for key in keys(record):
                if key:
                    found[key.lower()] = record
    for row in rows:
        text = row.get(field, "").strip()
        if not text:
            continue
        record = found.get(text.lower())
        if record is None:
            row["_errors"][field] = label % {"text": text[:100]}
        else:
            row["_values"][field] = record


def resolve_leads(rows, *, actor):
    """Per batch: the source by name or code, the product line by name or code, the industry by its
    GB/T 4754 code or name."""
    _lookup(rows, "source", LeadSource, lambda t: Q(name__in=t) | Q(code__in=t), lambda r: (r.name, r.code),
            _("Unknown lead source “%(text)s”."))
    _lookup(rows, "product_line", ProductLine, lambda t: Q(name__in=t) | Q(code__in=t), lambda r: (r.name, r.code),
            _("Unknown product line “%(text)s”."))
    _lookup(rows, "industry", Industry, lambda t: Q(code__in=t | {x.upper() for x in t}) | Q(name__in=t),
            lambda r: (r.code, r.name), _("Unknown industry “%(text)s”: use a GB/T 4754 code (C, 36) or its name."))


def register():
    from .services.leads import leads_place_imported

    register_importer(Lead, LEAD_FIELDS, synonyms=LEAD_SYNONYMS, resolve=resolve_leads,
                      created_without_owner=leads_place_imported, list_url="sales:lead_list")
