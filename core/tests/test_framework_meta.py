"""Meta-tests of the generated test framework: an object type without its collected tests fails CI.

The generated tests are found through the suite's real collection (a `pytest --collect-only`
subprocess over the configured testpaths), not by importing test modules here: a type whose tests
sit where `make test` does not look is reported like a type without tests.
"""

import copy

import pytest

from core import registry
from core.testing.meta import collected_generated_tests, coverage_problems


@pytest.fixture(scope="module")
def collected():
    return collected_generated_tests()


def test_every_registered_object_type_has_its_generated_tests(collected):
    assert registry.object_types(), "no object type registered"
    assert coverage_problems(collected) == []


def test_tests_outside_the_collection_are_reported():
    """With the test folders named one by one (as pyproject.toml did), a type whose app is not in
    the list is missing from the collection: every registered type outside `core` is reported."""
    collected = collected_generated_tests(["-o", "testpaths=core"])
    problems = coverage_problems(collected)
    outside = [t.key for t in registry.object_types() if not t.key.startswith("core.")]
    assert outside and all(any(p.startswith(f"{key}: no generated test class") for p in problems)
                           for key in outside)


def test_an_object_type_without_tests_is_reported(collected):
    from core.models import Share  # a model no test class covers, as a newly registered type would be

    problems = coverage_problems(collected, [registry.ObjectType(model=Share)])
    assert len(problems) == 1 and problems[0].startswith("core.share: no generated test class")


def _scoped_type(collected, kind="scoped"):
    return next(t for t in registry.object_types()
                if getattr(t.model, "scope_kind", "global") == kind and t.key in collected)


def test_a_test_class_with_the_wrong_rule_is_reported(collected):
    object_type = _scoped_type(collected)
    wrong = copy.deepcopy(collected)
    for entry in wrong[object_type.key].values():
        entry["rule"] = "global"
    problems = coverage_problems(wrong, [object_type])
    assert any("checks the 'global' rule" in problem for problem in problems)


def test_a_missing_suite_is_reported(collected):
    object_type = _scoped_type(collected, "parent")
    trimmed = copy.deepcopy(collected)
    for entry in trimmed[object_type.key].values():
        entry["suites"] = ["pages"]
    problems = coverage_problems(trimmed, [object_type])
    assert problems and "missing generated suites" in problems[0]
    assert "scope" in problems[0] and "api" in problems[0]
