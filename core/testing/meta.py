"""What the meta-test checks: every registered object type has its generated tests, collected by
the suite's own collection (`make test`), with the suites it needs and the rule that matches it."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from core.registry import object_types

from .collection import REPORT_ENV

# The kind of expectation rule that matches each model-side declaration (KedaoModel.scope_kind).
RULE_FOR_SCOPE_KIND = {"scoped": "owned", "parent": "parent", "global": "global"}


def subprocess_env(**extra):
    """The environment for a pytest run inside a test: without the running session's xdist and
    pytest variables (a worker id would rename the subprocess's test database)."""
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("PYTEST_", "DJANGO_SETTINGS_MODULE"))}
    env.update(extra)
    return env


def collected_generated_tests(args=()):
    """Run the real collection (`pytest --collect-only` from the project root, configured
    testpaths, no path given) in a subprocess; return what core.testing.collection reports."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "collected.json"
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "core.testing.collection",
             "-p", "no:randomly", *args],
            cwd=settings.BASE_DIR, env=subprocess_env(**{REPORT_ENV: str(report)}),
            capture_output=True, text=True, timeout=300,
        )
        assert result.returncode == 0 and report.exists(), \
            f"collection failed ({result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        return json.loads(report.read_text(encoding="utf-8"))


def _exists(name, **kwargs):
    try:
        reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return False
    return True


def suites_needed(object_type):
    model = object_type.model
    needed = {"scope"}
    if _exists(f"{object_type.url_namespace or model._meta.app_label}:{model._meta.model_name}_list"):
        needed |= {"pages", "queries", "badinput"}
    if _exists(f"{model._meta.app_label}-api:{model._meta.model_name}-list"):
        needed |= {"api", "queries", "badinput"}
    if getattr(model, "scope_kind", "global") in ("scoped", "parent"):
        needed.add("random-scope")
    return needed


def coverage_problems(collected, types=None):
    """[message] for each registered object type whose collected generated tests are missing or
    incomplete. `collected` is what `collected_generated_tests()` returns."""
    problems = []
    for object_type in types if types is not None else object_types():
        found = collected.get(object_type.key, {})
        if not found:
            problems.append(f"{object_type.key}: no generated test class is collected by the suite "
                            f"(see core/testing and pyproject.toml's testpaths)")
            continue
        suites = set().union(*(set(entry["suites"]) for entry in found.values()))
        missing = suites_needed(object_type) - suites
        if missing:
            problems.append(f"{object_type.key}: missing generated suites {sorted(missing)}")
        wanted_rule = RULE_FOR_SCOPE_KIND.get(getattr(object_type.model, "scope_kind", "global"))
        for node, entry in sorted(found.items()):
            if entry["rule"] != wanted_rule:
                problems.append(f"{object_type.key}: {node} checks the {entry['rule']!r} rule, "
                                f"the model is {wanted_rule!r}")
    return problems
