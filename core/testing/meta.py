"""What the meta-test checks: every registered object type has its generated test class."""

import importlib
import pkgutil
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.urls import NoReverseMatch, reverse

from core.registry import object_types

from .base import registered_test_classes

# The kind of expectation rule that matches each model-side declaration (KedaoModel.scope_kind).
RULE_FOR_SCOPE_KIND = {"scoped": "owned", "parent": "parent", "global": "global"}


def import_project_test_modules():
    """Import every tests/test_*.py of the project's apps, so their classes register themselves."""
    base = Path(settings.BASE_DIR).resolve()
    for app in apps.get_app_configs():
        path = Path(app.path).resolve()
        if base not in path.parents or ".venv" in path.parts:
            continue
        try:
            package = importlib.import_module(f"{app.name}.tests")
        except ModuleNotFoundError:
            continue
        for module in pkgutil.iter_modules(package.__path__):
            if module.name.startswith("test_"):
                importlib.import_module(f"{app.name}.tests.{module.name}")


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


def coverage_problems(types=None):
    """[message] for each registered object type whose generated tests are missing or incomplete."""
    classes = registered_test_classes()
    problems = []
    for object_type in types if types is not None else object_types():
        found = classes.get(object_type.key, [])
        if not found:
            problems.append(f"{object_type.key}: no generated test class (see core/testing)")
            continue
        suites = set().union(*(cls.suites() for cls in found))
        missing = suites_needed(object_type) - suites
        if missing:
            problems.append(f"{object_type.key}: missing generated suites {sorted(missing)}")
        wanted_rule = RULE_FOR_SCOPE_KIND.get(getattr(object_type.model, "scope_kind", "global"))
        for cls in found:
            if cls.rule is None or cls.rule.kind != wanted_rule:
                problems.append(f"{object_type.key}: {cls.__name__} checks the {getattr(cls.rule, 'kind', None)!r} "
                                f"rule, the model is {wanted_rule!r}")
    return problems
