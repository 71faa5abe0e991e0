"""The GB/T 4754 classification: the shipped data, its generated object tests (administrators
edit it), a customer's industry (filter by section includes divisions; anyone may pick one)."""

import json
import pathlib

import pytest
from django.test import Client

from core.testing.api import APITests
from core.testing.badinput import BadInputTests
from core.testing.expectations import Granted
from core.testing.pages import PageTests
from core.testing.queries import QueryCountTests
from core.testing.scope import ScopeTests
from customers.models import Customer, Industry
from customers.models.classification import LEGACY_INDUSTRY_CODES
from customers.tests.factories import CustomerFactory, IndustryFactory, industry
from org.models import RolePermission

DATA = pathlib.Path(__file__).resolve().parents[1] / "data" / "gbt4754_2017.json"


class TestIndustry(PageTests, APITests, BadInputTests, ScopeTests, QueryCountTests):
    model = Industry
    rule = Granted()
    actor = "admin"
    view_only_user = "org_viewer"
    scope_users = ("admin", "org_viewer", "ceo", "nobody")
    query_users = ("admin",)
    views = ("list", "detail", "add", "edit", "delete")
    search_terms = ("甲", "乙", "丙")
    # Codes tell entries apart (房地产业 is both section K and division 70).
    label_field = "code"

    def setup_class_data(self, ctx):
        # The view-only user of these tests may view the classification too.
        RolePermission.objects.create(role=ctx.roles["org_viewer"], object_type="customers.industry",
                                      action="view", scope="all")
        super().setup_class_data(ctx)

    def make(self, ctx, *, owner=None, **fields):
        return IndustryFactory(**fields)

    def create_fields(self, ctx):
        return {"code": "9901", "name": "工业互联网平台", "name_en": "Industrial internet platforms",
                "parent": str(industry("I").pk), "is_active": "on"}

    invalid_fields = [
        ("name", {"name": ""}),
        ("code", {"code": ""}),
        ("code", {"code": "65"}),  # taken by 软件和信息技术服务业
        ("code", {"code": "ZZ", "parent": ""}),  # a section's code is one letter
        ("code", {"code": "X1"}),  # a division's code is digits
        ("parent", {"parent": "99999999"}),
    ]

    def edit_changes(self, ctx):
        return ({"name": "改名一"}, {"name": "改名二", "is_active": ""})

    def api_create_data(self, ctx):
        return {"code": "9902", "name": "API行业", "parent": industry("C").pk, "is_active": True}

    api_invalid = [
        ("code", {"code": "C"}),
        ("code", {"code": ""}),
        ("name", {"name": "名" * 101}),
        ("parent", {"parent": 99999999}),
        ("is_active", {"is_active": "maybe"}),
    ]

    def api_changes(self, ctx):
        return ({"name": "API改名一"}, {"name": "API改名二"})


# --- the shipped data -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_standard_is_loaded_with_20_sections_and_97_divisions():
    assert Industry.objects.filter(parent__isnull=True).count() == 20
    assert Industry.objects.filter(parent__isnull=False).count() == 97
    assert list(Industry.objects.filter(parent__isnull=True).values_list("code", flat=True)) == list("ABCDEFGHIJKLMNOPQRST")
    assert [row.code for row in Industry.objects.filter(parent__isnull=False).order_by("code")] == \
        [f"{n:02d}" for n in range(1, 98)]


@pytest.mark.django_db
@pytest.mark.parametrize("code, name, section", [
    ("A", "农、林、牧、渔业", None),
    ("C", "制造业", None),
    ("I", "信息传输、软件和信息技术服务业", None),
    ("S", "公共管理、社会保障和社会组织", None),
    ("T", "国际组织", None),
    ("05", "农、林、牧、渔专业及辅助性活动", "A"),
    ("36", "汽车制造业", "C"),
    ("39", "计算机、通信和其他电子设备制造业", "C"),
    ("43", "金属制品、机械和设备修理业", "C"),
    ("44", "电力、热力生产和供应业", "D"),
    ("63", "电信、广播电视和卫星传输服务", "I"),
    ("65", "软件和信息技术服务业", "I"),
    ("70", "房地产业", "K"),
    ("83", "教育", "P"),
    ("97", "国际组织", "T"),
])
def test_known_codes(code, name, section):
    row = Industry.objects.get(code=code)
    assert row.name == name
    assert (row.parent.code if row.parent else None) == section
    assert row.name_en  # English names are shipped for every entry


def test_the_data_file_divisions_are_in_their_sections_ranges():
    sections = json.loads(DATA.read_text(encoding="utf-8"))["sections"]
    ranges = {"A": (1, 5), "B": (6, 12), "C": (13, 43), "D": (44, 46), "E": (47, 50), "F": (51, 52),
              "G": (53, 60), "H": (61, 62), "I": (63, 65), "J": (66, 69), "K": (70, 70), "L": (71, 72),
              "M": (73, 75), "N": (76, 79), "O": (80, 82), "P": (83, 83), "Q": (84, 85), "R": (86, 90),
              "S": (91, 96), "T": (97, 97)}
    for code, _name, _en, divisions in sections:
        low, high = ranges[code]
        assert [int(d[0]) for d in divisions] == list(range(low, high + 1)), code


@pytest.mark.django_db
def test_every_old_choice_maps_to_an_entry_of_the_standard():
    for old, code in LEGACY_INDUSTRY_CODES.items():
        assert Industry.objects.filter(code=code).exists(), old


def test_names_follow_the_language():
    from django.utils import translation

    row = Industry(code="36", name="汽车制造业", name_en="Manufacture of automobiles")
    with translation.override("zh-hans"):
        assert str(row) == "36 汽车制造业"
    with translation.override("en"):
        assert str(row) == "36 Manufacture of automobiles"


# --- on customers ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_filter_by_section_includes_its_divisions(world):
    seller = world.seller1
    car = CustomerFactory(owner=seller, name="汽车甲有限公司", industry=industry("36"))
    maker = CustomerFactory(owner=seller, name="制造乙有限公司", industry=industry("C"))
    bank = CustomerFactory(owner=seller, name="银行丙有限公司", industry=industry("66"))
    CustomerFactory(owner=seller, name="无行业丁有限公司")
    client = Client()
    client.force_login(seller)
    found = {row["id"] for row in client.get("/api/customers/customers/", {"industry": "C"}).json()["results"]}
    assert found == {car.pk, maker.pk}
    found = {row["id"] for row in client.get("/api/customers/customers/", {"industry": "36"}).json()["results"]}
    assert found == {car.pk}
    found = {row["id"] for row in client.get("/api/customers/customers/", {"industry": "J"}).json()["results"]}
    assert found == {bank.pk}
    page = client.get("/customers/", {"industry": "C"}).content.decode()
    assert "汽车甲有限公司" in page and "制造乙有限公司" in page and "银行丙有限公司" not in page
    assert client.get("/api/customers/customers/", {"industry": "ZZ"}).status_code == 400


@pytest.mark.django_db
def test_a_seller_without_grants_on_the_classification_picks_an_industry(world):
    """The classification is reference data: a seller's role grants nothing on customers.industry,
    yet the customer form offers and accepts its entries (page and API)."""
    seller = world.seller1
    assert not RolePermission.objects.filter(role__employees=seller, object_type="customers.industry").exists()
    client = Client()
    client.force_login(seller)
    form = client.get("/customers/add/").content.decode()
    assert "汽车制造业" in form
    response = client.post("/api/customers/customers/", {"name": "行业测试有限公司", "industry": "36"},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["industry"] == "36"
    assert Customer.objects.get(pk=response.json()["id"]).industry.code == "36"
    bad = client.post("/api/customers/customers/", {"name": "行业测试二有限公司", "industry": "99"},
                      content_type="application/json")
    assert bad.status_code == 400 and "industry" in bad.json()


@pytest.mark.django_db
def test_a_deactivated_entry_is_no_longer_offered_but_kept(world):
    seller = world.seller1
    old = industry("16")
    customer = CustomerFactory(owner=seller, industry=old)
    Industry.objects.filter(pk=old.pk).update(is_active=False)
    client = Client()
    client.force_login(seller)
    assert "烟草制品业" not in client.get("/customers/add/").content.decode()
    assert "烟草制品业" in client.get(f"/customers/{customer.pk}/edit/").content.decode()
    response = client.post("/api/customers/customers/", {"name": "烟草新有限公司", "industry": "16"},
                           content_type="application/json")
    assert response.status_code == 400 and "industry" in response.json()


@pytest.mark.django_db
def test_a_section_with_divisions_cannot_be_deleted(world):
    from django.core.exceptions import ValidationError

    from core.services import object_delete
    from customers.tests.factories import EmployeeFactory

    admin = EmployeeFactory(is_superuser=True, unit=world.units["hq"])
    with pytest.raises(ValidationError):
        object_delete(instance=industry("C"), actor=admin)
    assert Industry.objects.filter(code="C").exists()
