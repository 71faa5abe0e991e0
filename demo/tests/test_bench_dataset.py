"""manage.py bench_dataset at a hundredth of S: the shape of the data, the logins, the labels, the skew,
idempotence; M refused on SQLite."""

import io
import json

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count

from activities.models import Activity
from core.models import ObjectChange, Share
from customers.models import Contact, Customer
from customers.validators import validate_credit_code
from demo.datasets.customers import BIG_CUSTOMER
from org.models import Employee
from sales.models import Opportunity


@pytest.fixture
def dataset(tmp_path):
    labels = tmp_path / "labels.json"
    out = io.StringIO()
    call_command("bench_dataset", size="S", scale=0.01, labels=str(labels), stdout=out)
    return {**json.loads(labels.read_text()), "path": str(labels)}, out.getvalue()


@pytest.mark.django_db
def test_shape_logins_labels_and_skew(dataset):
    labels, output = dataset
    assert "Dataset S built in" in output and "Rows:" in output
    customers = Customer.all_objects.count()
    assert customers == 500
    assert Activity.all_objects.count() == 5000
    assert Opportunity.all_objects.count() == 200
    assert 2 * customers <= Contact.all_objects.count() <= 4 * customers
    assert Share.objects.count() == 25  # 5 % of the customers
    assert Employee.objects.count() == 37
    for customer in Customer.all_objects.exclude(credit_code="")[:50]:
        validate_credit_code(customer.credit_code)

    people = {u: Employee.objects.get(username=u) for u in ("bench.ceo", "bench.branch", "bench.seller")}
    assert all(check_password("bench", p.password) for p in people.values())
    assert Employee.objects.filter(username__in=["bench.seller1", "bench.manager1"]).count() == 2
    seen = {u: Customer.objects.visible_to(p).count() for u, p in people.items()}
    assert seen["bench.ceo"] == customers
    assert seen["bench.seller"] < seen["bench.branch"] < customers
    seller = people["bench.seller"]
    own = Customer.objects.filter(owner=seller).count()
    assert seen["bench.seller"] >= own + 5  # own customers and the five shared with them

    # Near-duplicates: 2–5 % of the customers, each pair sharing a matching key.
    pairs = labels["duplicates"]
    assert 0.02 * customers <= len(pairs) <= 0.05 * customers
    keys = {pk: (name, pinyin) for pk, name, pinyin in
            Customer.all_objects.values_list("pk", "match_name", "match_pinyin")}
    for original, duplicate, _kind in pairs:
        assert keys[original][0] == keys[duplicate][0] or keys[original][1] == keys[duplicate][1]

    # The big customer has the most activities; transfers left their audit rows.
    big = Customer.all_objects.get(name=BIG_CUSTOMER)
    assert labels["big_customer"]["id"] == big.pk
    top = Activity.all_objects.values("customer_id").annotate(n=Count("id")).order_by("-n").first()
    assert top["customer_id"] == big.pk and top["n"] >= 500  # 500 on it, and its owner's own now and then
    assert len(labels["transfers"]) == round(0.2 * 37)
    assert ObjectChange.objects.filter(postchange_data__handover="调岗交接").exists()

    # A second run finds the data and stops.
    again = io.StringIO()
    call_command("bench_dataset", size="S", scale=0.01, labels=labels["path"], stdout=again)
    assert "already present" in again.getvalue()
    assert Customer.all_objects.count() == customers


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor == "postgresql", reason="M is refused on SQLite only")
def test_m_refused_on_sqlite():
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("bench_dataset", size="M", stdout=io.StringIO())
