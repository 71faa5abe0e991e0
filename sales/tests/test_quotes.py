"""Quotes, their lines and the discount thresholds: the generated suites (pages, API, bad input,
scope with product-line isolation, query counts)."""

from decimal import Decimal

from core.testing.api import APITests
from core.testing.badinput import BadInputTests
from core.testing.expectations import FollowsParent
from core.testing.pages import PageTests
from core.testing.queries import QueryCountTests
from core.testing.randomized import RandomizedScopeTests
from core.testing.scope import ScopeTests
from customers.models import AccountTeamMember
from customers.tests.factories import CustomerFactory
from org.tests.factories import ProductLineFactory
from sales.models import Opportunity, Quote, QuoteDiscountThreshold, QuoteLine
from sales.tests.expectations import OpportunityRecords
from sales.tests.factories import OpportunityFactory, ProductFactory
from sales.tests.quote_factories import QuoteDiscountThresholdFactory, QuoteFactory, QuoteLineFactory
from sales.tests.test_reference import _Admin


def isolation_rows(ctx, make):
    """A customer shared by two account-team members of different product lines (seller1, account
    manager of line A; seller3, pre-sales on line B): a quote on each line's deal. Each sees the
    quote of their own line only (seed 000), as for the deals themselves."""
    customer = CustomerFactory(owner=ctx.users["south_seller"])
    line_a, line_b = ProductLineFactory(code="Q-ISO-A"), ProductLineFactory(code="Q-ISO-B")
    AccountTeamMember.objects.create(customer=customer, employee=ctx.users["seller1"], product_line=line_a,
                                     role="account_manager")
    AccountTeamMember.objects.create(customer=customer, employee=ctx.users["seller3"], product_line=line_b,
                                     role="presales")
    deal_a = OpportunityFactory(owner=ctx.users["south_seller"], customer=customer, product_line=line_a)
    deal_b = OpportunityFactory(owner=ctx.users["south_seller"], customer=customer, product_line=line_b)
    return [make(deal_a, "乙线A报价"), make(deal_b, "丙线B报价")]


class TestQuote(PageTests, APITests, BadInputTests, ScopeTests, QueryCountTests, RandomizedScopeTests):
    model = Quote
    rule = FollowsParent("opportunity", OpportunityRecords())
    actor = "ceo"
    views = ("list", "detail", "add", "edit", "delete", "bulk_delete")
    query_users = ("ceo", "seller1")
    label_field = "number"
    ordering_field = "number"

    def make(self, ctx, *, owner=None, **fields):
        return QuoteFactory(opportunity=OpportunityFactory(owner=owner or ctx.users[self.actor]), **fields)

    def make_related(self, ctx, field, owner):
        assert field == "opportunity", field
        return OpportunityFactory(owner=owner)

    def scope_rows(self, ctx):
        rows = super().scope_rows(ctx)
        rows += isolation_rows(ctx, lambda deal, label: QuoteFactory(opportunity=deal, number=label))
        return rows

    def create_fields(self, ctx):
        return {"opportunity": str(OpportunityFactory(owner=ctx.users["ceo"]).pk), "title": "自动化产线改造报价",
                "quote_date": "2026-11-28", "valid_until": "2026-12-31", "currency": "CNY", "discount": "5",
                "terms": "合同签订后预付30%"}

    @staticmethod
    def _deal_with_a_quote(data):
        QuoteFactory(opportunity=Opportunity.objects.get(pk=data["opportunity"]))
        return data

    invalid_fields = [
        ("opportunity", {"opportunity": ""}),
        ("opportunity", {"opportunity": "99999999"}),
        ("opportunity", _deal_with_a_quote),
        ("discount", {"discount": "101"}),
        ("discount", {"discount": "打八折"}),
        ("quote_date", {"quote_date": "2026-02-30"}),
        ("valid_until", {"valid_until": "2026-11-01"}),
    ]

    def edit_changes(self, ctx):
        return ({"title": "改名报价一", "discount": "3.00"}, {"title": "改名报价二", "terms": "货到付款"})

    def api_create_data(self, ctx):
        return {"opportunity": OpportunityFactory(owner=ctx.users["ceo"]).pk, "title": "API报价",
                "discount": "2.50"}

    api_invalid = [
        ("discount", {"discount": "-1"}),
        ("opportunity", {"opportunity": 99999999}),
        ("valid_until", {"quote_date": "2026-05-01", "valid_until": "2026-04-01"}),
    ]

    def api_changes(self, ctx):
        return ({"title": "API改名一"}, {"discount": "1.00"})


class TestQuoteLine(PageTests, APITests, BadInputTests, ScopeTests, QueryCountTests, RandomizedScopeTests):
    model = QuoteLine
    rule = FollowsParent("quote", FollowsParent("opportunity", OpportunityRecords()))
    actor = "ceo"
    views = ("list", "detail", "add", "edit", "delete", "bulk_delete")
    query_users = ("ceo", "seller1")
    label_field = "description"
    ordering_field = "description"

    def quote(self, owner, number=None):
        return QuoteFactory(opportunity=OpportunityFactory(owner=owner), **({"number": number} if number else {}))

    def make(self, ctx, *, owner=None, **fields):
        # Exports start with the quote's number: each scope row is on a quote numbered by its label.
        return QuoteLineFactory(quote=self.quote(owner or ctx.users[self.actor], fields.get(self.label_field)),
                                **fields)

    def make_related(self, ctx, field, owner):
        assert field == "quote", field
        return self.quote(owner)

    def scope_rows(self, ctx):
        rows = super().scope_rows(ctx)
        rows += isolation_rows(ctx, lambda deal, label: QuoteLineFactory(
            quote=QuoteFactory(opportunity=deal, number=label), description=label))
        return rows

    def create_fields(self, ctx):
        return {"quote": str(self.quote(ctx.users["ceo"]).pk), "product": str(ProductFactory().pk), "quantity": "3",
                "unit_price": "1000.00", "discount": "5", "description": "含安装调试"}

    @staticmethod
    def _sent_quote(data):
        Quote.objects.filter(pk=data["quote"]).update(status="sent")
        return data

    invalid_fields = [("quantity", {"quantity": "0"}), ("discount", {"discount": "120"}),
                      ("product", {"product": "99999999"}), ("quote", {"quote": "99999999"}),
                      ("quote", _sent_quote)]

    def edit_changes(self, ctx):
        return ({"quantity": "4.00", "description": "改名配置一"}, {"description": "改名配置二", "unit_price": "900.00"})

    def api_create_data(self, ctx):
        return {"quote": self.quote(ctx.users["ceo"]).pk, "product": ProductFactory().pk, "quantity": "1",
                "unit_price": "10.00"}

    api_invalid = [("quantity", {"quantity": "-1"}), ("discount", {"discount": "-3"}),
                   ("quote", _sent_quote)]

    def api_changes(self, ctx):
        return ({"quantity": "7.00"}, {"discount": "10.00"})


class TestQuoteDiscountThreshold(_Admin):
    model = QuoteDiscountThreshold
    label_field = "notes"
    ordering_field = "notes"

    def make(self, ctx, *, owner=None, **fields):
        # The list and exports start with the product line: it is named by the label.
        notes = fields.get("notes")
        line = ProductLineFactory(**({"name": notes, "code": f"QT-{notes}"} if notes else {}))
        return QuoteDiscountThresholdFactory(product_line=line, **fields)

    def label(self, obj):
        return obj.product_line.name

    def create_fields(self, ctx):
        return {"product_line": str(ProductLineFactory().pk), "max_discount": "15", "is_active": "on",
                "notes": "折扣超过15%需大区经理审批"}

    @staticmethod
    def _line_taken(data):
        QuoteDiscountThresholdFactory(product_line_id=data["product_line"])
        return data

    invalid_fields = [("max_discount", {"max_discount": "101"}), ("max_discount", {"max_discount": ""}),
                      ("product_line", _line_taken), ("product_line", {"product_line": "99999999"})]

    def edit_changes(self, ctx):
        return ({"max_discount": "20.00", "notes": "改名一"}, {"notes": "改名二", "max_discount": "8.00"})

    def api_create_data(self, ctx):
        return {"product_line": ProductLineFactory().pk, "max_discount": "12.50"}

    api_invalid = [("max_discount", {"max_discount": "-1"}), ("max_discount", {"max_discount": "100.01"})]

    def api_changes(self, ctx):
        return ({"max_discount": "10.00"}, {"notes": "API改名"})


def test_the_threshold_of_a_product_line_wins_over_the_company_default(db):
    from sales.quotes.approval import threshold_for

    QuoteDiscountThresholdFactory(product_line=None, max_discount=Decimal("15"))
    line = ProductLineFactory()
    own = QuoteDiscountThresholdFactory(product_line=line, max_discount=Decimal("8"))
    assert threshold_for(QuoteFactory(opportunity=OpportunityFactory(product_line=line))) == own
    other = threshold_for(QuoteFactory(opportunity=OpportunityFactory()))
    assert other.product_line is None and other.max_discount == Decimal("15")
