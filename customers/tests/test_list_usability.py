"""What a first-day user hits on list pages, forms and pickers (issue 7, items 3, 5, 11, 13)."""

import re

import django_filters
import pytest
from django import forms
from taggit.models import Tag

from core.registry import object_types
from core.widgets import AutocompleteSelect
from customers.models import Contact, Customer
from customers.tests.factories import ContactFactory, CustomerFactory
from org.tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

HTMX_LIST = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "object-list"}


@pytest.fixture
def rows(world):
    mine = CustomerFactory(owner=world.seller1, name="重庆华信科技有限公司", phone="023-6789 1234 转 801",
                           website="https://huaxin.example.cn")
    contact = ContactFactory(customer=mine, name="杨建华", mobile="138 0013 8000", email="yang@huaxin.example.cn")
    ContactFactory(customer=CustomerFactory(owner=world.seller1, name="北京远景数据有限公司"), name="王伟")
    hidden = CustomerFactory(owner=world.south_seller, name="广州南方贸易有限公司")
    ContactFactory(customer=hidden, name="陈南")
    return {"mine": mine, "contact": contact, "hidden": hidden}


@pytest.fixture
def seller(client, world):
    client.force_login(world.seller1)
    return client


@pytest.fixture
def admin(client, world):
    client.force_login(EmployeeFactory(username="admin", is_superuser=True, unit=world.units["hq"]))
    return client


# --- item 3: every foreign-key filter is an autocomplete -----------------------------------------

def test_contacts_filter_by_customer_with_a_picker_not_a_number_box(seller, rows):
    page = seller.get("/contacts/").content.decode()
    assert 'hx-get="/autocomplete/customers.customer/"' in page
    assert not re.search(r'<input[^>]+type="number"[^>]+name="customer"', page)
    filtered = seller.get("/contacts/", {"customer": rows["mine"].pk})
    assert filtered.status_code == 200
    body = filtered.content.decode()
    assert "杨建华" in body and "王伟" not in body
    # The chosen customer is shown by name in the picker.
    assert re.search(rf'<option value="{rows["mine"].pk}" selected>重庆华信科技有限公司', body)
    api = seller.get("/api/customers/contacts/", {"customer": rows["mine"].pk}).json()
    assert [row["id"] for row in api["results"]] == [rows["contact"].pk]


def test_a_customer_outside_ones_scope_is_not_a_choice(seller, rows):
    page = seller.get("/contacts/", {"customer": rows["hidden"].pk})
    assert page.status_code == 400
    assert 'data-field-error="customer"' in page.content.decode()
    assert "广州南方贸易" not in page.content.decode()
    api = seller.get("/api/customers/contacts/", {"customer": rows["hidden"].pk})
    assert api.status_code == 400 and "customer" in api.json()


def test_every_foreign_key_filter_of_every_object_type_is_a_picker(rf, world):
    request = rf.get("/")
    request.user = EmployeeFactory(is_superuser=True)
    checked = set()
    for object_type in object_types():
        if object_type.filterset is None:
            continue
        model = object_type.model
        filterset = object_type.filterset(queryset=model.objects.all(), request=request)
        for name, filter_ in filterset.filters.items():
            path = (filter_.field_name or "").split("__")[0]
            fields = {f.name: f for f in model._meta.get_fields()} | {
                f.attname: f for f in model._meta.concrete_fields}
            related = fields.get(path) is not None and fields[path].is_relation and path != "tags"
            # A short, fixed reference list (the GB/T 4754 classification: 117 entries, sections
            # above their divisions) reads better as a select than as a type-ahead.
            if related and getattr(fields[path].related_model, "filter_as_select", False) \
                    and not isinstance(filter_, django_filters.ModelChoiceFilter):
                checked.add(f"{object_type.key}.{name}")
                continue
            if isinstance(filterset.form.fields[name].widget, forms.HiddenInput):
                continue  # set only by report drill-down links (the list shows it as a chip)
            if related or isinstance(filter_, django_filters.ModelChoiceFilter):
                assert isinstance(filterset.form.fields[name].widget, AutocompleteSelect), \
                    f"{object_type.key}: filter {name} is not a picker"
                checked.add(f"{object_type.key}.{name}")
    assert {"customers.contact.customer", "customers.customer.owner", "org.employee.unit", "org.employee.role",
            "org.orgunit.parent", "org.team.product_line", "customers.customer.industry"} <= checked


def test_pickers_search_types_outside_global_search(admin, world):
    # Roles are not in global search, but the employees list filters by role with a picker.
    page = admin.get("/autocomplete/org.role/", {"q": "seller"}).content.decode()
    assert f'value="{world.roles["seller"].pk}"' in page
    assert f'value="{world.roles["executive"].pk}"' not in page


# --- item 11: person pickers tell namesakes apart --------------------------------------------------

def test_person_picker_shows_unit_and_title(admin, world):
    one = EmployeeFactory(last_name="王", first_name="伟", title="客户经理", unit=world.units["nd1"])
    two = EmployeeFactory(last_name="王", first_name="伟", title="售前工程师", unit=world.units["south"])
    options = admin.get("/autocomplete/org.employee/", {"q": "王伟"}).content.decode()
    assert f'<option value="{one.pk}">王伟 — 北京销售一部 · 客户经理</option>' in options
    assert f'<option value="{two.pk}">王伟 — 南区 · 售前工程师</option>' in options
    # The chosen person reads the same in a filter.
    page = admin.get("/customers/", {"owner": one.pk}).content.decode()
    assert f'<option value="{one.pk}" selected>王伟 — 北京销售一部 · 客户经理</option>' in page


def test_pickers_are_as_tall_as_the_fields_beside_them(seller, rows):
    form = seller.get("/customers/add/").content.decode()
    picker = form[form.index('class="input-group'):]
    assert picker.startswith('class="input-group kedao-autocomplete"')  # not input-group-sm in a form
    assert 'style="' not in picker[:picker.index("</div>")]  # no inline style (CSP)
    filters = seller.get("/customers/").content.decode()
    assert 'class="input-group input-group-sm kedao-autocomplete"' in filters  # small like the filters


# --- item 5: tags typed with Chinese separators -----------------------------------------------------

def test_form_tags_split_at_chinese_separators(seller, world):
    data = {"name": "上海标签测试有限公司", "level": "prospect", "kind": "company",
            "tags": "大客户，重点、华北；制造"}
    response = seller.post("/customers/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    customer = Customer.objects.get(name="上海标签测试有限公司")
    assert sorted(customer.tags.names()) == sorted(["大客户", "重点", "华北", "制造"])


def test_bulk_edit_and_api_tags_split_at_chinese_separators(seller, rows):
    customer = rows["mine"]
    response = seller.post("/customers/bulk-edit/", {"pk": [customer.pk], "tags": "战略、续约", "_apply": "1"})
    assert response.status_code == 302
    assert {"战略", "续约"} <= set(customer.tags.names())
    assert not Tag.objects.filter(name="战略、续约").exists()
    api = seller.patch(f"/api/customers/customers/{customer.pk}/", {"tags": ["老客户，华东"]},
                       content_type="application/json", HTTP_IF_MATCH=Customer.objects.get(pk=customer.pk).etag)
    assert api.status_code == 200, api.content
    assert sorted(api.json()["tags"]) == ["华东", "老客户"]


# --- item 13: filter form behaviours ----------------------------------------------------------------

def test_filters_say_all_never_dashes_and_yes_no_filters_are_all_yes_no(admin, rows):
    for url in ("/customers/", "/contacts/", "/org/employees/", "/org/units/", "/org/teams/"):
        page = admin.get(url).content.decode()
        assert "---------" not in page, url
    for url in ("/customers/add/", "/contacts/add/", "/org/employees/add/", "/org/teams/add/"):
        form = admin.get(url).content.decode()
        assert "---------" not in form and "<option value=\"\" selected>—</option>" in form, url
    page = admin.get("/org/employees/").content.decode()
    select = re.search(r'<select name="is_active".*?</select>', page, re.S).group(0)
    assert re.findall(r"<option[^>]*>([^<]*)</option>", select) == ["全部", "是", "否"]
    inactive = EmployeeFactory(username="gone", is_active=False, last_name="离", first_name="职")
    only_inactive = admin.get("/org/employees/", {"is_active": "false"}).content.decode()
    assert f"/org/employees/{inactive.pk}/" in only_inactive
    assert f"/org/employees/{inactive.pk}/" not in admin.get("/org/employees/", {"is_active": "true"}).content.decode()


def test_date_filters_use_the_date_picker(seller, rows):
    page = seller.get("/customers/").content.decode()
    assert re.search(r'<input type="date" name="updated_after"', page)


def test_a_changed_select_or_date_applies_the_filter_without_inline_script(seller, rows):
    page = seller.get("/customers/").content.decode()
    form = re.search(r'<form id="list-filters"[^>]*>', page).group(0)
    assert "change from:(#list-filters select, #list-filters input[type=date])" in form
    # Nothing a Content-Security-Policy without 'unsafe-inline' would block.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert not re.search(r"\son[a-z]+=", page)


def test_filtered_addresses_keep_only_the_filters_in_use(seller, rows):
    response = seller.get("/customers/", {"q": "", "level": "customer", "owner": "", "owner__search": "王",
                                          "updated_after": "", "ordering": ""}, **HTMX_LIST)
    assert response["HX-Push-Url"] == "/customers/?level=customer"
    response = seller.get("/customers/", {"q": "", "level": ""}, **HTMX_LIST)
    assert response["HX-Push-Url"] == "/customers/"


def test_top_bar_search_is_not_filled_with_the_lists_query(seller, rows):
    page = seller.get("/customers/", {"q": "华信"}).content.decode()
    top = re.search(r'<form[^>]*role="search".*?</form>', page, re.S).group(0)
    assert 'value=""' in top and "华信" not in top
    results = seller.get("/search/", {"q": "华信"}).content.decode()
    assert 'value="华信"' in re.search(r'<form[^>]*role="search".*?</form>', results, re.S).group(0)


def test_phone_email_and_website_are_links_and_the_contacts_customer_too(seller, rows):
    contacts = seller.get("/contacts/").content.decode()
    assert '<a href="tel:13800138000">138 0013 8000</a>' in contacts
    assert '<a href="mailto:yang@huaxin.example.cn">yang@huaxin.example.cn</a>' in contacts
    customers = seller.get("/customers/").content.decode()
    assert '<a href="tel:02367891234;ext=801">023-6789 1234 转 801</a>' in customers
    detail = seller.get(f"/contacts/{rows['contact'].pk}/").content.decode()
    assert '<a href="tel:13800138000">138 0013 8000</a>' in detail
    assert 'href="mailto:yang@huaxin.example.cn"' in detail
    assert f'<a href="/customers/{rows["mine"].pk}/">重庆华信科技有限公司</a>' in detail
    customer = seller.get(f"/customers/{rows['mine'].pk}/").content.decode()
    assert '<a href="https://huaxin.example.cn" target="_blank" rel="noopener noreferrer">' in customer
    assert 'href="tel:02367891234;ext=801"' in customer


@pytest.mark.parametrize("number", ["010-12345678", "+86 (10) 1234-5678", "138 0013 8000", "021-1234 5678 转 801",
                                    "0755-1234567 ext. 12", "95588"])
def test_real_phone_numbers_are_accepted(seller, rows, number):
    response = seller.post("/customers/add/", {"name": f"电话测试{number}", "level": "prospect", "kind": "company",
                                                "phone": number})
    assert response.status_code == 302, re.findall(r'invalid-feedback[^>]*>([^<]*)', response.content.decode())
    assert Customer.objects.filter(phone=number).exists()


def test_phone_fields_are_phone_inputs(seller, rows):
    page = seller.get("/contacts/add/").content.decode()
    assert re.search(r'<input type="tel" name="mobile"', page) and re.search(r'<input type="tel" name="phone"', page)


def test_phone_letters_are_refused_by_the_field(seller, rows):
    response = seller.post(f"/contacts/{rows['contact'].pk}/edit/", {
        "customer": rows["mine"].pk, "name": "杨建华", "mobile": "abc",
        "version": Contact.objects.get(pk=rows["contact"].pk).version})
    assert response.status_code in (200, 400)
    assert Contact.objects.get(pk=rows["contact"].pk).mobile == "138 0013 8000"


def test_customer_pages_contacts_panel_links_phone_and_e_mail(seller, rows):
    page = seller.get(f"/customers/{rows['mine'].pk}/").content.decode()
    assert '<a href="tel:13800138000">138 0013 8000</a>' in page
    assert '<a href="mailto:yang@huaxin.example.cn">yang@huaxin.example.cn</a>' in page


def test_exports_keep_the_phone_number_as_typed(seller, rows):
    csv = b"".join(seller.get("/contacts/", {"export": "csv"}).streaming_content).decode("utf-8-sig")
    assert "138 0013 8000" in csv and "tel:" not in csv


def test_a_number_filter_on_a_foreign_key_becomes_a_scoped_picker(rf, world, rows):
    from core.filtersets import KedaoFilterSet

    class NumberBoxFilterSet(KedaoFilterSet):
        customer = django_filters.NumberFilter(field_name="customer_id")

        class Meta:
            model = Contact
            fields = ["customer"]

    request = rf.get("/")
    request.user = world.seller1
    filterset = NumberBoxFilterSet({"customer": str(rows["mine"].pk)}, queryset=Contact.objects.all(),
                                   request=request)
    assert isinstance(filterset.form.fields["customer"].widget, AutocompleteSelect)
    assert list(filterset.qs) == [rows["contact"]]
    hidden = NumberBoxFilterSet({"customer": str(rows["hidden"].pk)}, queryset=Contact.objects.all(), request=request)
    assert not hidden.is_valid() and "customer" in hidden.errors
