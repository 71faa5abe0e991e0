"""Meta-tests of the generated test framework: an object type without its tests fails CI."""

import pytest

from core import registry
from core.testing.expectations import Granted
from core.testing.meta import coverage_problems, import_project_test_modules


@pytest.fixture(scope="module", autouse=True)
def _all_test_modules():
    import_project_test_modules()


def test_every_registered_object_type_has_its_generated_tests():
    assert registry.object_types(), "no object type registered"
    assert coverage_problems() == []


def test_an_object_type_without_tests_is_reported():
    from core.models import Share  # a model no test class covers, as a newly registered type would be

    problems = coverage_problems([registry.ObjectType(model=Share)])
    assert problems == ["core.share: no generated test class (see core/testing)"]


def test_a_test_class_with_the_wrong_rule_is_reported(monkeypatch):
    from customers.models import Customer
    from customers.tests.test_customers import TestCustomer

    monkeypatch.setattr(TestCustomer, "rule", Granted())
    problems = coverage_problems([registry.get_object_type(Customer)])
    assert any("checks the 'global' rule" in problem for problem in problems)


def test_a_missing_suite_is_reported(monkeypatch):
    from core.testing import base
    from customers.models import Contact

    classes = base.registered_test_classes()
    trimmed = [type("TrimmedContact", (cls,), {}) for cls in classes["customers.contact"]]
    for cls in trimmed:
        cls.suites = classmethod(lambda c: {"pages"})
    monkeypatch.setattr(base, "_test_classes", {**base._test_classes, "customers.contact": trimmed})
    problems = coverage_problems([registry.get_object_type(Contact)])
    assert problems and "missing generated suites" in problems[0]
    assert "scope" in problems[0] and "api" in problems[0]
