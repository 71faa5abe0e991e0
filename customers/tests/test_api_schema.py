"""The customers API is documented from its filtersets and serializers, not by hand."""

import pytest

from customers.filtersets import ContactFilterSet, CustomerFilterSet

pytestmark = pytest.mark.django_db


def ordering_enum(schema, path):
    operation = schema["paths"][path]["get"]
    return next(p for p in operation["parameters"] if p["name"] == "ordering")["schema"]["items"]["enum"]


def test_customer_and_contact_sorting_in_the_schema_is_the_filterset_allow_list(admin_client):
    schema = admin_client.get("/api/schema/?format=json").json()
    example = schema["paths"]["/api/customers/customers/"]["post"]["requestBody"]["content"]["application/json"]
    assert "name" in example["examples"]["Create"]["value"]
    customers = ordering_enum(schema, "/api/customers/customers/")
    assert {name for name in customers if not name.startswith("-")} == CustomerFilterSet.ordering_params()
    contacts = ordering_enum(schema, "/api/customers/contacts/")
    assert {name for name in contacts if not name.startswith("-")} == ContactFilterSet.ordering_params()
    # Contacts sort by their customer's name under the parameter name `customer`.
    assert "customer" in contacts and "customer__name" not in contacts

