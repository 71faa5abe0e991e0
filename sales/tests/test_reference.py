"""The sales reference data administrators keep (generated suites): products, price lists, lead
sources, assignment rules, pipelines, stages, win/loss reasons, competitors."""

from core.testing.api import APITests
from core.testing.badinput import BadInputTests
from core.testing.expectations import Granted
from core.testing.pages import PageTests
from core.testing.queries import QueryCountTests
from core.testing.scope import ScopeTests
from org.models import RolePermission
from org.tests.factories import ProductLineFactory
from sales.models import (
    Competitor,
    LeadAssignmentRule,
    LeadSource,
    Pipeline,
    PriceList,
    PriceListItem,
    Product,
    Stage,
    WinLossReason,
)
from sales.tests.factories import (
    CompetitorFactory,
    LeadAssignmentRuleFactory,
    LeadSourceFactory,
    PipelineFactory,
    PriceListFactory,
    PriceListItemFactory,
    ProductFactory,
    StageFactory,
    WinLossReasonFactory,
)


class _Admin(PageTests, APITests, BadInputTests, ScopeTests, QueryCountTests):
    """Company-wide objects: administrators change them; the view-only user may read them."""

    rule = Granted()
    actor = "admin"
    view_only_user = "org_viewer"
    scope_users = ("admin", "org_viewer", "ceo", "nobody")
    query_users = ("admin",)
    views = ("list", "detail", "add", "edit", "delete", "bulk_delete")
    search_terms = ("甲", "乙", "丙")

    def setup_class_data(self, ctx):
        RolePermission.objects.get_or_create(role=ctx.roles["org_viewer"], object_type=self.model._meta.label_lower,
                                             action="view", defaults={"scope": "all"})
        super().setup_class_data(ctx)


class TestProduct(_Admin):
    model = Product
    label_field = "name"

    def make(self, ctx, *, owner=None, **fields):
        return ProductFactory(**fields)

    def create_fields(self, ctx):
        return {"product_line": str(ProductLineFactory().pk), "code": "SIMATIC-S7", "name": "可编程控制器",
                "unit": "台", "list_price": "25800.00", "tax_rate": "13", "is_active": "on"}

    invalid_fields = [
        ("code", {"code": ""}),
        ("name", {"name": ""}),
        ("list_price", {"list_price": "-1"}),
        ("list_price", {"list_price": "很贵"}),
        ("tax_rate", {"tax_rate": "101"}),
        ("product_line", {"product_line": "99999999"}),
    ]

    def edit_changes(self, ctx):
        return ({"name": "改名产品一"}, {"name": "改名产品二", "list_price": "1.00"})

    def api_create_data(self, ctx):
        return {"product_line": ProductLineFactory().pk, "code": "API-1", "name": "API产品", "unit": "套",
                "list_price": "100.00", "tax_rate": "6.00"}

    api_invalid = [
        ("code", {"code": ""}),
        ("list_price", {"list_price": "-5"}),
        ("tax_rate", {"tax_rate": "500"}),
        ("product_line", {"product_line": 99999999}),
    ]

    def api_changes(self, ctx):
        return ({"name": "API改名一"}, {"is_active": False})

    def test_code_is_unique_among_live_products(self, ctx, client):
        ProductFactory(code="DUP-1")
        self.login(client, ctx, "admin")
        response = self.send(client, "post", self.api_url(), {"product_line": ProductLineFactory().pk, "code": "DUP-1",
                                                                "name": "重复", "list_price": "1.00"})
        assert response.status_code == 400
        assert "code" in response.json() or "non_field_errors" in response.json()


class TestPriceList(_Admin):
    model = PriceList

    def make(self, ctx, *, owner=None, **fields):
        return PriceListFactory(**fields)

    def create_fields(self, ctx):
        return {"name": "2027年标准价", "currency": "CNY", "valid_from": "2027-01-01", "valid_to": "2027-12-31",
                "is_active": "on"}

    invalid_fields = [
        ("name", {"name": ""}),
        ("valid_from", {"valid_from": ""}),
        ("valid_to", {"valid_to": "2026-01-01"}),
    ]

    def edit_changes(self, ctx):
        return ({"name": "改名价目一"}, {"name": "改名价目二"})

    def api_create_data(self, ctx):
        return {"name": "API价目", "valid_from": "2027-01-01"}

    api_invalid = [("valid_to", {"valid_from": "2027-02-01", "valid_to": "2027-01-01"}), ("name", {"name": ""})]

    def api_changes(self, ctx):
        return ({"name": "API改名一"}, {"name": "API改名二"})


class TestPriceListItem(_Admin):
    model = PriceListItem
    label_field = "notes"
    ordering_field = "notes"

    def make(self, ctx, *, owner=None, **fields):
        return PriceListItemFactory(**fields)

    def create_fields(self, ctx):
        return {"price_list": str(PriceListFactory().pk), "product": str(ProductFactory().pk), "price": "888.00"}

    invalid_fields = [("price", {"price": "-1"}), ("product", {"product": "99999999"})]

    def edit_changes(self, ctx):
        return ({"price": "777.00"}, {"price": "666.00"})

    def api_create_data(self, ctx):
        return {"price_list": PriceListFactory().pk, "product": ProductFactory().pk, "price": "1.00"}

    api_invalid = [("price", {"price": "free"}), ("product", {"product": 99999999})]

    def api_changes(self, ctx):
        return ({"price": "2.00"}, {"price": "3.00"})


class TestLeadSource(_Admin):
    model = LeadSource

    def make(self, ctx, *, owner=None, **fields):
        return LeadSourceFactory(**fields)

    def create_fields(self, ctx):
        return {"name": "展会", "code": "trade-fair", "order": "5", "is_active": "on"}

    invalid_fields = [("name", {"name": ""}), ("code", {"code": "有 空格"}), ("order", {"order": "-1"})]

    def edit_changes(self, ctx):
        return ({"name": "改名来源一"}, {"name": "改名来源二"})

    def api_create_data(self, ctx):
        return {"name": "API来源", "code": "api-source"}

    api_invalid = [("code", {"code": "a b"}), ("name", {"name": ""})]

    def api_changes(self, ctx):
        return ({"name": "API改名一"}, {"is_active": False})


class TestLeadAssignmentRule(_Admin):
    model = LeadAssignmentRule

    def make(self, ctx, *, owner=None, **fields):
        return LeadAssignmentRuleFactory(assignees=[ctx.users["seller1"]], **fields)

    def create_fields(self, ctx):
        return {"name": "华东网站线索", "order": "10", "province": "上海市",
                "assignees": [str(ctx.users["seller1"].pk), str(ctx.users["seller2"].pk)], "is_active": "on"}

    invalid_fields = [("name", {"name": ""}), ("assignees", {"assignees": []}),
                      ("assignees", {"assignees": ["99999999"]})]

    def edit_changes(self, ctx):
        return ({"name": "改名规则一"}, {"name": "改名规则二"})

    def api_create_data(self, ctx):
        return {"name": "API规则", "assignees": [ctx.users["seller1"].pk]}

    api_invalid = [("assignees", {"assignees": []}), ("name", {"name": ""})]

    def api_changes(self, ctx):
        return ({"name": "API改名一"}, {"order": 3})


class TestPipeline(_Admin):
    model = Pipeline

    def make(self, ctx, *, owner=None, **fields):
        return PipelineFactory(**fields)

    def create_fields(self, ctx):
        return {"name": "自动化销售流程", "product_line": str(ProductLineFactory().pk), "stall_days": "21",
                "is_active": "on"}

    invalid_fields = [("name", {"name": ""}), ("stall_days", {"stall_days": "0"}),
                      ("product_line", {"product_line": "99999999"})]

    def edit_changes(self, ctx):
        return ({"name": "改名流程一"}, {"name": "改名流程二", "stall_days": "45"})

    def api_create_data(self, ctx):
        return {"name": "API流程", "product_line": ProductLineFactory().pk, "stall_days": 30}

    api_invalid = [("stall_days", {"stall_days": 0}), ("name", {"name": ""})]

    def api_changes(self, ctx):
        return ({"name": "API改名一"}, {"stall_days": 10})


class TestStage(_Admin):
    model = Stage

    def make(self, ctx, *, owner=None, **fields):
        return StageFactory(**fields)

    def create_fields(self, ctx):
        return {"pipeline": str(PipelineFactory().pk), "name": "方案交流", "order": "20", "probability": "40",
                "forecast_category": "best_case", "kind": "open", "requirements": ["amount", "decision_maker"],
                "approval_threshold": "1000000"}

    invalid_fields = [
        ("name", {"name": ""}),
        ("probability", {"probability": "101"}),
        ("probability", {"kind": "won", "probability": "90"}),
        ("requirements", {"requirements": ["no_such_requirement"]}),
        ("approval_threshold", {"approval_threshold": "-1"}),
        ("pipeline", {"pipeline": "99999999"}),
    ]

    def edit_changes(self, ctx):
        return ({"name": "改名阶段一"}, {"name": "改名阶段二", "probability": "55"})

    def api_create_data(self, ctx):
        return {"pipeline": PipelineFactory().pk, "name": "API阶段", "order": 5, "probability": 20,
                "requirements": ["amount"]}

    api_invalid = [("requirements", {"requirements": ["nope"]}), ("probability", {"probability": 120}),
                   ("probability", {"kind": "lost", "probability": 10})]

    def api_changes(self, ctx):
        return ({"name": "API改名一"}, {"requirements": ["amount", "next_step"]})


class TestWinLossReason(_Admin):
    model = WinLossReason

    def make(self, ctx, *, owner=None, **fields):
        return WinLossReasonFactory(**fields)

    def create_fields(self, ctx):
        return {"kind": "lost", "name": "价格偏高", "order": "10", "is_active": "on"}

    invalid_fields = [("name", {"name": ""}), ("kind", {"kind": "draw"})]

    def edit_changes(self, ctx):
        return ({"name": "改名原因一"}, {"name": "改名原因二"})

    def api_create_data(self, ctx):
        return {"kind": "won", "name": "API原因"}

    api_invalid = [("kind", {"kind": "open"}), ("name", {"name": ""})]

    def api_changes(self, ctx):
        return ({"name": "API改名一"}, {"order": 1})


class TestCompetitor(_Admin):
    model = Competitor

    def make(self, ctx, *, owner=None, **fields):
        return CompetitorFactory(**fields)

    def create_fields(self, ctx):
        return {"name": "某某自动化", "website": "www.example.cn", "strengths": "价格低", "weaknesses": "服务弱",
                "is_active": "on"}

    invalid_fields = [("name", {"name": ""}), ("website", {"website": "not a url"})]

    def edit_changes(self, ctx):
        return ({"name": "改名对手一"}, {"name": "改名对手二"})

    def api_create_data(self, ctx):
        return {"name": "API对手"}

    api_invalid = [("name", {"name": ""}), ("website", {"website": "::"})]

    def api_changes(self, ctx):
        return ({"name": "API改名一"}, {"strengths": "渠道多"})


# --- picking reference data without the right to its admin pages ---------------------------------


def test_a_seller_picks_products_in_the_autocomplete_without_the_right_to_see_the_product_pages(db):
    """A seller adding a line item types in the product picker: the picker offers the products
    (reference data, core.related) though the seller's role grants nothing on products — and the
    same seller still gets 403 from the picker of a type that is not reference data."""
    from django.test import Client
    from django.urls import reverse

    from core.testing.reading import option_pks
    from org.tests.factories import EmployeeFactory

    product = ProductFactory(name="伺服电机甲")
    seller = EmployeeFactory()
    client = Client()
    client.force_login(seller)
    assert client.get(reverse("sales:product_list")).status_code == 403
    response = client.get(reverse("core:autocomplete", args=["sales.product"]), {"q": "伺服"})
    assert response.status_code == 200
    assert option_pks(response) == [product.pk]
    assert client.get(reverse("core:autocomplete", args=["sales.product"]), {"action": "change"}).status_code == 403
    assert client.get(reverse("core:autocomplete", args=["customers.customer"])).status_code == 403
