"""Collision detection (撞单): which open opportunities of other sellers a new one meets."""

import pytest
from django.utils import timezone

from customers.tests.factories import CustomerFactory
from org.tests.factories import EmployeeFactory, OrgUnitFactory, ProductLineFactory
from sales.collisions import common_unit, counted_opportunities, find_collisions
from sales.models import Opportunity
from sales.tests.factories import OpportunityFactory, OpportunityLineFactory, ProductFactory, default_pipeline

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    default_pipeline()
    line = ProductLineFactory(code="DCS", name="过程控制")
    a, b = EmployeeFactory(username="seller.a"), EmployeeFactory(username="seller.b")
    customer = CustomerFactory(name="北京华为技术有限公司", owner=a)
    first = OpportunityFactory(owner=a, customer=customer, product_line=line, name="华为数据中心一期")
    return {"line": line, "a": a, "b": b, "customer": customer, "first": first}


def _new(setup, **fields):
    fields.setdefault("customer", setup["customer"])
    fields.setdefault("product_line", setup["line"])
    return OpportunityFactory(owner=fields.pop("owner", setup["b"]), **fields)


def test_same_customer_and_product_line_collides(setup):
    found = find_collisions(_new(setup))
    assert [(m.existing, m.reasons, m.customer_score) for m in found] == [
        (setup["first"], ["same_customer", "same_product_line"], 100.0)]


def test_a_duplicate_spelling_of_the_customer_collides(setup):
    # Another customer record for the same company, written the other way round, with its own
    # credit code: the customers duplicate engine says it is the same company.
    twin = CustomerFactory(name="华为技术（北京）有限公司", owner=setup["b"])
    found = find_collisions(_new(setup, customer=twin))
    assert [(m.existing, m.reasons) for m in found] == [(setup["first"], ["duplicate_customer", "same_product_line"])]
    assert found[0].customer_score >= 85


def test_another_company_does_not_collide(setup):
    other = CustomerFactory(name="杭州海康威视数字技术股份有限公司", owner=setup["b"])
    assert find_collisions(_new(setup, customer=other)) == []


def test_another_product_line_does_not_collide(setup):
    assert find_collisions(_new(setup, product_line=ProductLineFactory(code="PLC", name="可编程控制器"))) == []


def test_overlapping_products_of_another_line_collide(setup):
    """The earlier deal (line DCS) also sells a product of the PLC line: a PLC deal meets it."""
    plc = ProductLineFactory(code="PLC", name="可编程控制器")
    OpportunityLineFactory(opportunity=setup["first"], product=ProductFactory(product_line=plc))
    found = find_collisions(_new(setup, product_line=plc))
    assert [(m.existing, m.reasons) for m in found] == [(setup["first"], ["same_customer", "same_products"])]
    # Same product on both deals (each of its own line): they collide too.
    other = ProductLineFactory(code="SCADA")
    shared = ProductFactory(product_line=ProductLineFactory(code="HMI"))
    earlier = OpportunityFactory(owner=setup["a"], customer=setup["customer"], product_line=other)
    OpportunityLineFactory(opportunity=earlier, product=shared)
    later = _new(setup, product_line=ProductLineFactory(code="MES"))
    OpportunityLineFactory(opportunity=later, product=shared)
    assert [(m.existing, m.reasons) for m in find_collisions(later)] == [(earlier, ["same_customer", "same_products"])]


def test_the_same_seller_does_not_collide_with_themselves(setup):
    assert find_collisions(_new(setup, owner=setup["a"])) == []


def test_closed_rejected_and_deleted_deals_do_not_collide(setup):
    first = setup["first"]
    for change in ({"status": "lost"}, {"status": "won"}, {"registration_status": "rejected"},
                   {"deleted_at": timezone.now()}):
        Opportunity.all_objects.filter(pk=first.pk).update(**change)
        assert find_collisions(_new(setup)) == [], change
        Opportunity.all_objects.filter(pk=first.pk).update(status="open", registration_status="registered",
                                                           deleted_at=None)
    # A deal still waiting for its own review was there first: it counts.
    Opportunity.all_objects.filter(pk=first.pk).update(registration_status="pending_review")
    assert [m.existing for m in find_collisions(_new(setup))] == [first]


def test_every_open_deal_is_looked_at_first_registered_first(setup):
    """Deals the new seller may not see count too (that is the point); the oldest comes first."""
    c = EmployeeFactory(username="seller.c")
    second = OpportunityFactory(owner=c, customer=setup["customer"], product_line=setup["line"])
    assert [m.existing for m in find_collisions(_new(setup))] == [setup["first"], second]


def test_counted_opportunities_leave_pending_and_rejected_out(setup):
    pending = _new(setup, registration_status="pending_review")
    rejected = _new(setup, registration_status="rejected")
    counted = set(counted_opportunities())
    assert setup["first"] in counted and pending not in counted and rejected not in counted


def test_common_unit_is_the_lowest_shared_one():
    hq = OrgUnitFactory(code="HQ")
    north = OrgUnitFactory(code="N", parent=hq)
    bj, tj = OrgUnitFactory(code="BJ", parent=north), OrgUnitFactory(code="TJ", parent=north)
    assert common_unit([bj, tj]) == north
    assert common_unit([bj, bj]) == bj
    assert common_unit([bj, OrgUnitFactory(code="S", parent=hq)]) == hq
    assert common_unit([bj, OrgUnitFactory(code="OTHER")]) is None
