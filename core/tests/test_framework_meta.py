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


def _tested_type(kind):
    """A registered object type of this scope kind that has generated tests (core names no app)."""
    from core.testing import base

    classes = base.registered_test_classes()
    for object_type in registry.object_types():
        if getattr(object_type.model, "scope_kind", "global") == kind and classes.get(object_type.key):
            return object_type, classes[object_type.key]
    pytest.skip(f"no registered {kind} object type with generated tests")


def test_a_test_class_with_the_wrong_rule_is_reported(monkeypatch):
    object_type, classes = _tested_type("scoped")
    for cls in classes:
        monkeypatch.setattr(cls, "rule", Granted())
    problems = coverage_problems([object_type])
    assert any("checks the 'global' rule" in problem for problem in problems)


def test_a_missing_suite_is_reported(monkeypatch):
    from core.testing import base

    object_type, classes = _tested_type("parent")
    trimmed = [type(f"Trimmed{cls.__name__}", (cls,), {}) for cls in classes]
    for cls in trimmed:
        cls.suites = classmethod(lambda c: {"pages"})
    monkeypatch.setattr(base, "_test_classes", {**base._test_classes, object_type.key: trimmed})
    problems = coverage_problems([object_type])
    assert problems and "missing generated suites" in problems[0]
    assert "scope" in problems[0] and "api" in problems[0]
