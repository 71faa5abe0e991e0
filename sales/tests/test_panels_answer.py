"""Every panel registered on a customer and an opportunity answers for a seller and the CEO."""

import pytest

from core.registry import panels_for
from core.testing.world import build_world
from customers.models import Customer
from customers.tests.factories import CustomerFactory
from sales.models import Opportunity
from sales.tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("username", ["seller1", "ceo"])
def test_every_panel_of_a_customer_and_a_deal_answers(client, username):
    world = build_world()
    seller = world.users["seller1"]
    customer = CustomerFactory(owner=seller)
    deal = OpportunityFactory(owner=seller, customer=customer)
    client.force_login(world.users[username])
    for model, obj in ((Customer, customer), (Opportunity, deal)):
        assert client.get(obj.get_absolute_url()).status_code == 200
        for panel in panels_for(model):
            response = client.get(f"/panels/{model._meta.label_lower}/{obj.pk}/{panel.key}/")
            assert response.status_code in (200, 204), (model.__name__, panel.key, response.status_code)
