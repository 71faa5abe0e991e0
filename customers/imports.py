"""Customer and contact importers (core.imports does the reading, mapping, checks and writes).

- Customers: upsert matched by credit code (default) or name; possible duplicates from
  customers.duplicates.find_candidates_bulk (stored match keys, and within the file).
- Contacts: the customer column names the customer by its name or credit code, among the
  customers the importer may change (their scope); upsert matched by mobile or e-mail.
"""

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.registry import register_importer

from .models import Contact, Customer, Industry

CUSTOMER_FIELDS = ("name", "short_name", "kind", "credit_code", "industry", "province", "city", "district",
                   "address", "phone", "email", "website", "level", "source", "notes")
MATCHED = {"credit_code": gettext_lazy("credit code"), "name": gettext_lazy("name"), "phone": gettext_lazy("phone"),
           "email": gettext_lazy("e-mail")}
CUSTOMER_SYNONYMS = {
    "name": ("客户名称", "客户", "公司名称", "公司", "单位名称", "单位", "企业名称", "企业", "名称", "company",
             "customer name", "company name", "account"),
    "short_name": ("简称", "客户简称", "公司简称", "short name", "abbreviation"),
    "kind": ("客户类型", "类型", "类别", "type"),
    "credit_code": ("统一社会信用代码", "信用代码", "社会信用代码", "税号", "纳税人识别号", "credit code", "uscc",
                    "tax id"),
    "industry": ("行业", "所属行业", "sector"),
    "province": ("省", "省份", "state"),
    "city": ("市", "城市", "所在城市"),
    "district": ("区", "区县", "县区", "county"),
    "address": ("地址", "详细地址", "公司地址", "注册地址", "street"),
    "phone": ("电话", "联系电话", "公司电话", "座机", "总机", "手机", "telephone", "tel"),
    "email": ("邮箱", "电子邮箱", "公司邮箱", "邮件", "e-mail", "email address", "mail"),
    "website": ("网站", "网址", "官网", "主页", "url", "web"),
    "level": ("客户级别", "级别", "等级", "客户等级", "rating"),
    "source": ("来源", "客户来源", "lead source"),
    "notes": ("备注", "说明", "note", "remarks", "comment", "comments"),
    "owner": ("负责人", "归属销售", "销售", "业务员", "客户经理", "所有人", "owner", "sales rep", "account owner"),
}
CONTACT_FIELDS = ("customer", "name", "title", "department", "mobile", "phone", "email", "wechat",
                  "decision_role", "birthday", "notes")
CONTACT_SYNONYMS = {
    "customer": ("客户", "客户名称", "公司", "公司名称", "单位", "单位名称", "所属客户", "统一社会信用代码",
                 "信用代码", "company", "account"),
    "name": ("姓名", "联系人", "联系人姓名", "名字", "full name", "contact"),
    "title": ("职位", "职务", "头衔", "job title", "position"),
    "department": ("部门", "所在部门", "dept"),
    "mobile": ("手机", "手机号", "手机号码", "移动电话", "cell", "cell phone", "mobile phone"),
    "phone": ("电话", "座机", "办公电话", "固定电话", "telephone", "tel", "office phone"),
    "email": ("邮箱", "电子邮箱", "邮件", "e-mail", "email address", "mail"),
    "wechat": ("微信", "微信号", "weixin"),
    "decision_role": ("角色", "决策角色", "role"),
    "birthday": ("生日", "出生日期", "date of birth", "dob"),
    "notes": ("备注", "说明", "note", "remarks", "comments"),
}


def duplicate_hits(rows, *, actor):
    """{row index: [label, …]} possible duplicates of the rows among stored customers and within the
    file (customers.duplicates.find_candidates_bulk). A stored customer the importer may not see is
    named only by its owner and unit, as the duplicates API does: they learn it is taken, not its data."""
    from customers.duplicates import find_candidates_bulk

    found = find_candidates_bulk([{"name": r.get("name", ""), "credit_code": r.get("credit_code", ""),
                                   "phone": r.get("phone", ""), "email": r.get("email", ""),
                                   "id": r.get("_id")} for r in rows])
    stored = {c.customer.pk for candidates in found.values() for c in candidates if c.customer is not None}
    visible = set(Customer.objects.visible_to(actor, "view").filter(pk__in=stored).values_list("pk", flat=True)) \
        if stored else set()
    hits = {}
    for index, candidates in found.items():
        labels = []
        for candidate in candidates:
            keys = ", ".join(str(MATCHED.get(key, key)) for key in candidate.matched)
            customer = candidate.customer
            if customer is not None and customer.pk in visible:
                labels.append(_("%(name)s (%(score)s%%, %(keys)s)") % {
                    "name": customer, "score": round(candidate.score), "keys": keys})
            elif customer is not None:
                labels.append(_("a customer you cannot see, held by %(owner)s (%(unit)s) (%(keys)s)") % {
                    "owner": customer.owner if customer.owner_id else _("the public pool"),
                    "unit": customer.org_unit, "keys": keys})
            elif candidate.row is not None:
                labels.append(_("row %(row)s of this file") % {"row": rows[candidate.row].get("_row", "?")})
        if labels:
            hits[index] = labels
    return hits


def resolve_customers(rows, *, actor):
    """Per batch: the industry by its GB/T 4754 code or name (Chinese or English), and province /
    city / district read from the address when the file has none of them (customers.regions)."""
    from .regions import parse_address

    texts = {row.get("industry", "").strip() for row in rows} - {""}
    by_text = {}
    if texts:
        lowered = {text.lower() for text in texts}
        for industry in Industry.objects.filter(Q(code__in=texts | {t.upper() for t in texts}) | Q(name__in=texts)
                                                | Q(name_en__in=texts)):
            for key in (industry.code.lower(), industry.name.lower(), industry.name_en.lower()):
                if key in lowered:
                    by_text[key] = industry
    for row in rows:
        text = row.get("industry", "").strip()
        if text:
            industry = by_text.get(text.lower())
            if industry is None:
                row["_errors"]["industry"] = _("Unknown industry “%(text)s”: use a GB/T 4754 code (C, 36) or "
                                               "its name.") % {"text": text[:100]}
            else:
                row["_values"]["industry"] = industry
        if row.get("address", "").strip() and not any(row.get(n, "").strip() for n in ("province", "city", "district")):
            parsed = parse_address(row["address"])
            if parsed.province:
                row["_values"].update(province=parsed.province, city=parsed.city, district=parsed.district)


def resolve_contacts(rows, *, actor):
    """The customer of each contact row, by credit code or exact name, among the customers the
    actor may change."""
    texts = {row.get("customer", "").strip() for row in rows} - {""}
    if not texts:
        for row in rows:
            row["_errors"]["customer"] = _("This field cannot be blank.")
        return
    codes = {text.upper() for text in texts}
    by_code, by_name = {}, {}
    visible = Customer.objects.visible_to(actor, "change").filter(Q(credit_code__in=codes) | Q(name__in=texts))
    for customer in visible.only("pk", "name", "credit_code"):
        if customer.credit_code:
            by_code[customer.credit_code] = customer
        by_name.setdefault(customer.name, []).append(customer)
    for row in rows:
        text = row.get("customer", "").strip()
        if not text:
            row["_errors"]["customer"] = _("This field cannot be blank.")
            continue
        customer = by_code.get(text.upper())
        if customer is None:
            named = by_name.get(" ".join(text.split()), [])
            if len(named) > 1:
                row["_errors"]["customer"] = _("Several customers are called “%(name)s”: use the credit code.") % {
                    "name": text[:100]}
                continue
            customer = named[0] if named else None
        if customer is None:
            row["_errors"]["customer"] = _("No customer you may change is called “%(name)s”.") % {"name": text[:100]}
        else:
            row["_values"]["customer"] = customer


def register():
    register_importer(Customer, CUSTOMER_FIELDS, synonyms=CUSTOMER_SYNONYMS, match_keys=("credit_code", "name"),
                      duplicates=duplicate_hits, resolve=resolve_customers, list_url="customers:customer_list")
    register_importer(Contact, CONTACT_FIELDS, synonyms=CONTACT_SYNONYMS, match_keys=("mobile", "email"),
                      resolve=resolve_contacts, list_url="customers:contact_list")
