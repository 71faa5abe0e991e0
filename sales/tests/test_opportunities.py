"""Opportunities and their parts: the generated suites, product-line isolation, stage history."""

import pytest
from django.utils import timezone

from core.testing.api import APITests
from core.testing.badinput import BadInputTests
from core.testing.expectations import FollowsParent
from core.testing.pages import PageTests
from core.testing.queries import QueryCountTests
from core.testing.randomized import RandomizedScopeTests
from core.testing.scope import ScopeTests
from customers.models import AccountTeamMember, Contact
from customers.tests.factories import ContactFactory, CustomerFactory
from org.models import Employee, Role, RolePermission
from org.tests.factories import EmployeeFactory, ProductLineFactory
from sales.models import (
    Opportunity,
    OpportunityCompetitor,
    OpportunityLine,
    OpportunityTeamMember,
    StageChange,
)
from sales.tests.expectations import OpportunityRecords
from sales.tests.factories import (
    CompetitorFactory,
    OpportunityCompetitorFactory,
    OpportunityFactory,
    OpportunityLineFactory,
    OpportunityTeamMemberFactory,
    ProductFactory,
    default_pipeline,
    make_pipeline,
)


class TestOpportunity(PageTests, APITests, BadInputTests, ScopeTests, QueryCountTests, RandomizedScopeTests):
    model = Opportunity
    rule = OpportunityRecords()
    actor = "ceo"
    query_users = ("ceo", "seller1")

    def make(self, ctx, *, owner=None, **fields):
        return OpportunityFactory(owner=owner or ctx.users[self.actor], **fields)

    def the_customer(self, ctx):
        """The customer of the create tests (seller1's, so the related-field tests' caller sees it)."""
        # Per test (pytest makes a new instance for each): rows made in a test are rolled back after it.
        if getattr(self, "_customer", None) is None:
            self._customer = CustomerFactory(owner=ctx.users["seller1"])
        return self._customer

    def make_related(self, ctx, field, owner):
        if field == "customer":
            return CustomerFactory(owner=owner)
        if field == "decision_makers":
            # A contact of the customer being posted when the caller may see it, else another's.
            customer = self.the_customer(ctx) if owner == ctx.users["seller1"] else CustomerFactory(owner=owner)
            return ContactFactory(customer=customer)
        if field == "lead":
            from sales.tests.factories import LeadFactory

            return LeadFactory(owner=owner)
        raise AssertionError(field)

    def scope_rows(self, ctx):
        rows = super().scope_rows(ctx)
        # A deal team member outside every reporting line, and an account manager of one line on a
        # customer with deals of two lines: they see their deal / their line's deal only.
        outsider = EmployeeFactory(username="deal.member", unit=ctx.units["south"])
        deal = self.make(ctx, owner=ctx.users["south_seller"], name="甲团队商机")
        OpportunityTeamMember.objects.create(opportunity=deal, employee=outsider)
        customer = CustomerFactory(owner=ctx.users["south_seller"])
        line_a, line_b = ProductLineFactory(code="ISO-A"), ProductLineFactory(code="ISO-B")
        AccountTeamMember.objects.create(customer=customer, employee=ctx.users["seller1"], product_line=line_a,
                                         role="account_manager")
        AccountTeamMember.objects.create(customer=customer, employee=ctx.users["seller3"], product_line=line_b,
                                         role="presales")
        rows.append(deal)
        rows.append(self.make(ctx, owner=ctx.users["south_seller"], customer=customer, product_line=line_a,
                              name="乙线A商机"))
        rows.append(self.make(ctx, owner=ctx.users["south_seller"], customer=customer, product_line=line_b,
                              name="丙线B商机"))
        return rows

    def create_fields(self, ctx):
        customer = self.the_customer(ctx)
        default_pipeline()
        return {"name": "华北数据中心自动化改造", "customer": str(customer.pk),
                "product_line": str(ProductLineFactory().pk), "amount": "1200000.00",
                "expected_close_date": "2027-06-30", "next_step": "技术交流"}

    @staticmethod
    def _closed_stage(data):
        pipeline = default_pipeline()
        return {**data, "pipeline": str(pipeline.pk), "stage": str(pipeline.stages.get(kind="won").pk)}

    @staticmethod
    def _stage_of_other_pipeline(data):
        default_pipeline()
        other = make_pipeline(product_line=ProductLineFactory(code="OTHER-LINE"))
        return {**data, "stage": str(other.stages.first().pk)}

    invalid_fields = [
        ("name", {"name": ""}),
        ("customer", {"customer": ""}),
        ("customer", {"customer": "99999999"}),
        ("product_line", {"product_line": ""}),
        ("amount", {"amount": "-1"}),
        ("amount", {"amount": "很多"}),
        ("probability", {"probability": "101"}),
        ("expected_close_date", {"expected_close_date": "2027-02-30"}),
        ("stage", _closed_stage),
        ("stage", _stage_of_other_pipeline),
        ("owner", {"owner": "99999999"}),
        ("decision_makers", lambda data: {**data, "decision_makers": [str(ContactFactory().pk)]}),
    ]

    def edit_changes(self, ctx):
        return ({"name": "改名商机甲", "amount": "5.00"}, {"name": "改名商机乙", "next_step": "报价"})

    def bulk_edit_changes(self, ctx):
        return {"next_step": "统一回访"}

    def api_create_data(self, ctx):
        customer = self.the_customer(ctx)
        default_pipeline()
        return {"name": "API商机", "customer": customer.pk, "product_line": ProductLineFactory().pk,
                "amount": "300000.00"}

    api_invalid = [
        ("name", {"name": "名" * 201}),
        ("customer", {"customer": 99999999}),
        ("product_line", {"product_line": None}),
        ("amount", {"amount": "lots"}),
        ("probability", {"probability": 150}),
        ("owner", {"owner": 99999999}),
        ("stage", {"stage": 99999999}),
    ]

    def api_changes(self, ctx):
        return ({"name": "API改名一", "amount": "1.00"}, {"next_step": "签约"})


@pytest.mark.django_db
def test_a_new_opportunity_starts_in_the_first_stage_with_its_history(client):
    from core.testing.world import build_world

    world = build_world()
    seller = world.users["seller1"]
    pipeline = default_pipeline()
    client.force_login(seller)
    customer = CustomerFactory(owner=seller)
    response = client.post("/api/sales/opportunities/", {"name": "新商机", "customer": customer.pk,
                                                         "product_line": ProductLineFactory().pk},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    opportunity = Opportunity.objects.get(pk=response.json()["id"])
    assert opportunity.stage == pipeline.stages.order_by("order").first()
    assert opportunity.status == "open" and opportunity.stage_changed_at is not None
    history = list(StageChange.objects.filter(opportunity=opportunity))
    assert [(h.from_stage, h.to_stage, h.changed_by) for h in history] == [(None, opportunity.stage, seller)]


@pytest.mark.django_db
def test_product_line_isolation_on_a_shared_customer():
    """Two account managers of one customer, each for a line: each sees and changes only their line's deals."""
    owner = EmployeeFactory()
    customer = CustomerFactory(owner=owner)
    line_a, line_b = ProductLineFactory(code="DI"), ProductLineFactory(code="SI")
    role = Role.objects.create(name="客户经理角色")
    for action in ("view", "change", "export"):
        RolePermission.objects.create(role=role, object_type="sales.opportunity", action=action, scope="own")
    RolePermission.objects.create(role=role, object_type="customers.customer", action="view", scope="own")
    manager_a, manager_b = EmployeeFactory(roles=[role]), EmployeeFactory(roles=[role])
    AccountTeamMember.objects.create(customer=customer, employee=manager_a, product_line=line_a)
    AccountTeamMember.objects.create(customer=customer, employee=manager_b, product_line=line_b)
    deal_a = OpportunityFactory(owner=owner, customer=customer, product_line=line_a)
    deal_b = OpportunityFactory(owner=owner, customer=customer, product_line=line_b)
    assert list(Opportunity.objects.visible_to(manager_a, "view")) == [deal_a]
    assert list(Opportunity.objects.visible_to(manager_b, "view")) == [deal_b]
    assert list(Opportunity.objects.visible_to(manager_a, "change")) == [deal_a]
    # The membership ends: the next request (a fresh user object) no longer shows the deal.
    AccountTeamMember.objects.filter(employee=manager_a).update(deleted_at=timezone.now())
    manager_a = Employee.objects.get(pk=manager_a.pk)
    assert not Opportunity.objects.visible_to(manager_a, "view").exists()


class _OpportunityChild:
    rule = FollowsParent("opportunity", OpportunityRecords())
    actor = "ceo"
    views = ("list", "detail", "add", "edit", "delete", "bulk_delete")
    query_users = ("ceo", "seller1")

    def deal(self, ctx, owner, name=None):
        return OpportunityFactory(owner=owner, **({"name": name} if name else {}))

    def make(self, ctx, *, owner=None, **fields):
        label = fields.get(self.label_field)
        # Exports start with the opportunity: each scope row is made on a deal named by its label.
        return self.factory(opportunity=self.deal(ctx, owner or ctx.users[self.actor], label), **fields)

    def make_related(self, ctx, field, owner):
        assert field == "opportunity", field
        return self.deal(ctx, owner)


class TestOpportunityLine(_OpportunityChild, PageTests, APITests, BadInputTests, ScopeTests, QueryCountTests,
                          RandomizedScopeTests):
    model = OpportunityLine
    factory = OpportunityLineFactory
    label_field = "description"
    ordering_field = "description"

    def create_fields(self, ctx):
        return {"opportunity": str(self.deal(ctx, ctx.users["ceo"]).pk), "product": str(ProductFactory().pk),
                "quantity": "3", "unit_price": "1000.00", "discount": "5"}

    invalid_fields = [("quantity", {"quantity": "0"}), ("discount", {"discount": "120"}),
                      ("product", {"product": "99999999"}), ("opportunity", {"opportunity": "99999999"})]

    def edit_changes(self, ctx):
        return ({"quantity": "4.00", "description": "改名配置一"}, {"description": "改名配置二", "unit_price": "900.00"})

    def api_create_data(self, ctx):
        return {"opportunity": self.deal(ctx, ctx.users["ceo"]).pk, "product": ProductFactory().pk,
                "quantity": "1", "unit_price": "10.00"}

    api_invalid = [("quantity", {"quantity": "-1"}), ("discount", {"discount": "-3"})]

    def api_changes(self, ctx):
        return ({"quantity": "7.00"}, {"discount": "10.00"})


class TestOpportunityCompetitor(_OpportunityChild, PageTests, APITests, BadInputTests, ScopeTests, QueryCountTests,
                                RandomizedScopeTests):
    model = OpportunityCompetitor
    factory = OpportunityCompetitorFactory
    label_field = "product"
    ordering_field = "product"

    def create_fields(self, ctx):
        return {"opportunity": str(self.deal(ctx, ctx.users["ceo"]).pk), "competitor": str(CompetitorFactory().pk),
                "product": "某型号PLC", "price": "980000", "strengths": "价格低", "weaknesses": "交期长"}

    invalid_fields = [("competitor", {"competitor": ""}), ("price", {"price": "-2"}),
                      ("opportunity", {"opportunity": "99999999"})]

    def edit_changes(self, ctx):
        return ({"product": "改名型号一"}, {"product": "改名型号二", "price": "1.00"})

    def api_create_data(self, ctx):
        return {"opportunity": self.deal(ctx, ctx.users["ceo"]).pk, "competitor": CompetitorFactory().pk,
                "product": "API型号"}

    api_invalid = [("competitor", {"competitor": 99999999}), ("price", {"price": "x"})]

    def api_changes(self, ctx):
        return ({"product": "API改名一"}, {"weaknesses": "服务差"})


class TestOpportunityTeamMember(_OpportunityChild, PageTests, APITests, BadInputTests, ScopeTests, QueryCountTests,
                                RandomizedScopeTests):
    model = OpportunityTeamMember
    factory = OpportunityTeamMemberFactory
    label_field = "notes"
    ordering_field = "notes"

    def make(self, ctx, *, owner=None, **fields):
        return super().make(ctx, owner=owner, employee=EmployeeFactory(unit=None), **fields)

    def create_fields(self, ctx):
        return {"opportunity": str(self.deal(ctx, ctx.users["ceo"]).pk), "employee": str(ctx.users["seller2"].pk),
                "role": "presales", "notes": "方案支持"}

    invalid_fields = [("employee", {"employee": ""}), ("role", {"role": "boss"}),
                      ("opportunity", {"opportunity": "99999999"})]

    def edit_changes(self, ctx):
        return ({"notes": "改名备注一"}, {"notes": "改名备注二", "role": "technical"})

    def api_create_data(self, ctx):
        return {"opportunity": self.deal(ctx, ctx.users["ceo"]).pk, "employee": ctx.users["seller2"].pk,
                "role": "service"}

    api_invalid = [("role", {"role": "boss"}), ("employee", {"employee": 99999999})]

    def api_changes(self, ctx):
        return ({"role": "technical"}, {"role": "manager"})


@pytest.mark.django_db
def test_the_add_page_reads_no_contact_before_a_customer_is_chosen(client):
    """The decision makers offered are the chosen customer's contacts: before a customer is chosen
    the page reads none (it read every contact the user may see, 9.6 s at 3 million contacts)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    seller = EmployeeFactory(roles=[Role.objects.create(name="商机录入")])
    RolePermission.objects.create(role=seller.roles.get(), object_type="sales.opportunity", action="add", scope="own")
    RolePermission.objects.create(role=seller.roles.get(), object_type="sales.opportunity", action="view", scope="own")
    for object_type in ("customers.customer", "customers.contact"):
        for action in ("view", "change"):
            RolePermission.objects.create(role=seller.roles.get(), object_type=object_type, action=action, scope="own")
    customer = CustomerFactory(owner=seller)
    ContactFactory.create_batch(3, customer=customer)
    client.force_login(seller)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("sales:opportunity_add"))
    assert response.status_code == 200
    assert not [q["sql"] for q in captured.captured_queries if 'FROM "customers_contact"' in q["sql"]]
    # Once the deal has its customer, its edit page offers that customer's contacts.
    deal = OpportunityFactory(owner=seller, customer=customer)
    RolePermission.objects.create(role=seller.roles.get(), object_type="sales.opportunity", action="change", scope="own")
    response = client.get(reverse("sales:opportunity_edit", args=[deal.pk]))
    assert response.status_code == 200
    names = [contact.name for contact in Contact.objects.filter(customer=customer)]
    html = response.content.decode()
    assert names and all(name in html for name in names)
