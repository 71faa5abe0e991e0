"""A pytest plugin that reports which generated tests the suite's own collection finds.

The meta-test (core/tests/test_framework_meta.py) runs `pytest --collect-only -p
core.testing.collection` in a subprocess, from the project root with the configured `testpaths`,
exactly as `make test` collects; this plugin writes, per object type, the generated test classes
that were collected with the suites and rule they run. A test class in a folder the collection
does not reach, or whose tests are all filtered out, is then missing from the report: importing
the test modules by hand (which would find it anyway) is what the meta-test must not do.
"""

import json
import os

REPORT_ENV = "KEDAO_COLLECTION_REPORT"


def suite_of(cls, name):
    """The generated suite ("pages", "api", "scope"…) that defines test `name` of `cls`, or None."""
    for base in cls.__mro__:
        if name in vars(base):
            return vars(base).get("suite")
    return None


def describe(items):
    """{model key: {class node id: {"suites": [...], "rule": kind, "tests": n}}}."""
    from core.testing.base import ObjectTestCase

    report = {}
    for item in items:
        cls = getattr(item, "cls", None)
        if cls is None or not issubclass(cls, ObjectTestCase) or cls.model is None:
            continue
        name = getattr(item, "originalname", None) or item.name.split("[")[0]
        entry = report.setdefault(cls.model._meta.label_lower, {}).setdefault(
            item.nodeid.split("::")[0] + "::" + cls.__name__,
            {"suites": set(), "rule": getattr(cls.rule, "kind", None), "tests": 0},
        )
        entry["tests"] += 1
        suite = suite_of(cls, name)
        if suite:
            entry["suites"].add(suite)
    return {key: {node: {**entry, "suites": sorted(entry["suites"])} for node, entry in classes.items()}
            for key, classes in report.items()}


def pytest_collection_finish(session):
    path = os.environ.get(REPORT_ENV)
    if path:
        with open(path, "w", encoding="utf-8") as report:
            json.dump(describe(session.items), report)
