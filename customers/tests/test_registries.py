"""Customers plug into the demo, notification and report registries (core imports none of it)."""

import pytest
from django.utils import translation

from core import registry
from customers.models import Customer, Level
from customers.tests.factories import CustomerFactory


def test_customers_register_a_notification_event_and_a_report():
    assert "customers.customer.owner_changed" in [e.key for e in registry.notification_events()]
    event = registry.get_notification_event("customers.customer.owner_changed")
    with translation.override("en"):
        assert event.model is Customer and str(event.label) == "Customer owner changed"
    assert "customers.by_level" in [r.key for r in registry.reports()]
    assert [b.name for b in registry.demo_builders()][:2] == ["org", "customers"]


@pytest.mark.django_db
def test_customers_by_level_counts_only_what_the_user_sees(world):
    CustomerFactory.create_batch(2, owner=world.seller1, level=Level.PROSPECT)
    CustomerFactory(owner=world.south_seller, level=Level.PROSPECT)
    rows = registry.get_report("customers.by_level").selector(world.seller1)
    assert [row["level"] for row in rows] == [value for value, _label in Level.choices]
    assert {row["level"]: row["count"] for row in rows}[Level.PROSPECT] == 2
