"""Seeded faults for tests/test_seeded_faults.py: with KEDAO_SEEDED_FAULT=<name> in the
environment, one fault is injected into the running code for the whole session, and the example
type's generated suite must then fail. Without it (every normal run) nothing is changed."""

import os

import pytest

FAULT_ENV = "KEDAO_SEEDED_FAULT"


def _subordinates(mp):
    """Subordinate visibility dropped: nobody sees what their reports own."""
    from org import permissions

    mp.setattr(permissions, "subordinate_ids", lambda user: set())


def _shares(mp):
    """Share visibility dropped for projects: a shared project is not visible to the grantee."""
    from org import permissions

    from .models import Project

    original = permissions.shared_ids
    mp.setattr(permissions, "shared_ids",
               lambda user, model, action: set() if model is Project else original(user, model, action))


def _hierarchy(mp):
    """Hierarchy shares dropped: managers no longer see what is shared with their people."""
    from org import permissions

    mp.setattr(permissions, "acting_for", lambda user, model, action: frozenset({user.pk}))


def _related(mp):
    """A related field no longer restricted: a project can be attached to any customer."""
    from core import related

    mp.setattr(related, "related_queryset", lambda queryset, user, action="view": queryset)


def _service(mp):
    """A service writing outside the actor's scope: the check before the write does nothing."""
    from core import services

    mp.setattr(services, "check_allowed", lambda **kwargs: None)


def _n_plus_one(mp):
    """A list column that queries once per row."""
    from customers.models import Customer

    from .tables import ProjectTable

    mp.setattr(ProjectTable, "render_customer",
               lambda self, record: Customer.all_objects.only("name").get(pk=record.customer_id).name,
               raising=False)


def _export_leak(mp):
    """An export over every row (`Project.objects.all()`) instead of the user's scoped list."""
    from core import exports

    from .models import Project

    original = exports.export_response

    def leaky(request, rows, *args, **kwargs):
        if rows.model is Project:
            rows = Project.objects.all()
        return original(request, rows, *args, **kwargs)

    mp.setattr(exports, "export_response", leaky)


def _no_grants(mp):
    """The test company's roles grant nothing on projects (a world built from a fixed list of
    types, as core/testing/world.py once was): "403 for everyone" must not pass as a scope check."""
    from core.testing import world

    from .models import Project

    original = world.scoped_object_types
    mp.setattr(world, "scoped_object_types",
               lambda: [object_type for object_type in original() if object_type.model is not Project])


FAULTS = {"no_grants": _no_grants, "subordinates": _subordinates, "shares": _shares, "hierarchy": _hierarchy,
          "related": _related, "service": _service,
          "n_plus_one": _n_plus_one, "export_leak": _export_leak}


def pytest_report_header(config):
    fault = os.environ.get(FAULT_ENV)
    return f"seeded fault: {fault}" if fault else None


@pytest.fixture(scope="session", autouse=True)
def _seeded_fault():
    fault = os.environ.get(FAULT_ENV)
    if not fault:
        yield
        return
    if fault not in FAULTS:
        raise pytest.UsageError(f"{FAULT_ENV}={fault!r}: unknown fault (known: {', '.join(FAULTS)})")
    with pytest.MonkeyPatch.context() as mp:
        FAULTS[fault](mp)
        yield
