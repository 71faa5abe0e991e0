"""The base of the generated tests: one test class per object type declares the data, inherits the tests.

    class TestCustomer(PageTests, APITests, ScopeTests, QueryCountTests, RandomizedScopeTests):
        model = Customer
        rule = OwnedRecords()

        def make(self, ctx, *, owner=None, **fields): ...
        def create_fields(self, ctx): ...
        invalid_fields = [("credit_code", {"credit_code": "91110000"}), ...]

Each mixin documents what it needs declared; customers/tests/test_customers.py is the example.

The data the tests share (the world of core.testing.world plus an administrator) is built once per
class inside a transaction that is rolled back when the class is done; every test runs in its own
savepoint on top of it (pytest-django's `db`), so tests stay independent and the suite stays fast.
"""

import itertools

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.forms import CheckboxInput, MultipleHiddenInput, Select, SelectMultiple
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from core.models import ObjectChange, Share
from core.registry import get_object_type, object_types

from .expectations import OrgFacts
from .world import build_world

# The class data is built before any function-scoped fixture (conftest sets the same per test):
# passwords hashed at production strength would cost ~0.3 s per user of the world.
TEST_SETTINGS = {
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
}

WORLD_USERS = ("ceo", "north_manager", "branch_manager", "dept_head", "seller1", "seller2", "seller3",
               "south_seller", "unit_viewer", "reader", "nobody")
PAGE_VIEWS = ("list", "detail", "add", "edit", "delete", "bulk_edit", "bulk_delete")
API_ACTIONS = ("list", "retrieve", "create", "update", "delete")

# The default scope rows of a type whose rows have owners: (owner, what else is true of the row).
# Every position of the world owns one, so that each user sees some rows and misses others:
# subordinates (solid and dotted line), units and subtrees, shares and teams all decide something.
SCOPE_ROW_PLAN = (
    ("ceo", {}),
    ("north_manager", {}),
    ("branch_manager", {}),
    ("dept_head", {}),
    ("seller1", {}),                       # solid line to dept_head
    ("seller2", {"team": "matrix"}),       # shared with the team of seller1 and south_seller
    ("seller3", {}),                       # dotted line to dept_head, unit N-Branch2
    ("seller3", {"unit": "south"}),        # assigned while seller3 worked in South: it stays there
    ("south_seller", {"shares": (("seller3", False), ("seller2", True))}),  # view only / may change
    ("unit_viewer", {}),
    ("seller1", {"deleted": True}),        # in the recycle bin
)


def spread_scope_row(ctx, record, extra):
    """Give an owned record (from SCOPE_ROW_PLAN) its other unit and its shares."""
    if "unit" in extra:
        type(record)._base_manager.filter(pk=record.pk).update(org_unit=ctx.units[extra["unit"]])
    content_type = ContentType.objects.get_for_model(type(record))
    if "team" in extra:
        Share.objects.create(content_type=content_type, object_id=record.pk, team=ctx.teams[extra["team"]])
    for user, can_change in extra.get("shares", ()):
        Share.objects.create(content_type=content_type, object_id=record.pk, employee=ctx.users[user],
                             can_change=can_change)


def scoped_relations(model):
    """Names of the editable foreign keys and many-to-many fields of `model` that point at an
    object with owners (scope kind "scoped" or "parent"): each must only accept rows the user may
    see (the related-field tests attach to one the user cannot see)."""
    names = []
    for field in [*model._meta.concrete_fields, *model._meta.many_to_many]:
        if not field.is_relation or not field.editable or field.name in ("owner", "org_unit"):
            continue
        if getattr(field.related_model, "scope_kind", "global") in ("scoped", "parent"):
            names.append(field.name)
    return names


# Every concrete generated test class, by model label: the meta-test checks it covers the registry.
_test_classes: dict[str, list[type]] = {}


def registered_test_classes():
    return {key: list(classes) for key, classes in _test_classes.items()}


def needs(*requirements):
    """Mark a generated test as applying only to object types with these views/API actions/rules.

    "page:<view>" / "no-page:<view>", "api:<action>" / "no-api:<action>", "rule:<kind>" (owned,
    parent, global), "scoped" (owned or parent), "search" (the type is in the global search),
    "scoped-relations" (a foreign key or many-to-many to an object with owners).
    A class whose object type lacks one does not get the test at all (rather than a skip).
    """

    def decorate(func):
        func.kedao_needs = set(requirements) | getattr(func, "kedao_needs", set())
        return func

    return decorate


class Context:
    """The shared data of a test class: world users, units, teams, and what the class built."""

    def __init__(self, world):
        self.world = world
        self.users = dict(world.users)
        self.units = world.units
        self.teams = world.teams
        self.roles = dict(world.roles)
        self.scope_rows = []
        self.counter = itertools.count(1)
        self.sessions = {}  # user id → session key, opened once for the class
        self.facts = None

    def open_sessions(self):
        """A logged-in session per user, stored with the class data: a test then logs in by cookie,
        without the session writes and signals of `Client.force_login` (a tenth of a scope test)."""
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
        from django.contrib.sessions.backends.db import SessionStore

        for user in self.users.values():
            session = SessionStore()
            session[SESSION_KEY] = user._meta.pk.value_to_string(user)
            session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.save()
            self.sessions[user.pk] = session.session_key

    def log_in(self, client, user):
        key = self.sessions.get(user.pk)
        if key is None or settings.SESSION_ENGINE != "django.contrib.sessions.backends.db":
            client.force_login(user)
        else:
            client.cookies[settings.SESSION_COOKIE_NAME] = key

    def unique(self, prefix="T"):
        return f"{prefix}{next(self.counter)}"


def build_context():
    """The world of core.testing.world plus an administrator and a view-only org viewer.

    `admin` is granted every action on every registered object type with the whole company as
    scope, through a role (not is_superuser), so the grant path is what the tests exercise.
    """
    from org.tests.factories import EmployeeFactory, full_grants, make_role

    world = build_world()
    keys = [object_type.key for object_type in object_types()]
    ctx = Context(world)
    ctx.roles["administrator"] = make_role("administrator", full_grants(keys, "all"))  # every action offered
    org_keys = [key for key in keys if key.startswith("org.")]
    ctx.roles["org_viewer"] = make_role("org_viewer", full_grants(org_keys, "all", actions=("view",)))
    ctx.users["admin"] = EmployeeFactory(username="admin.user", unit=world.units["hq"],
                                         roles=[ctx.roles["administrator"]])
    ctx.users["org_viewer"] = EmployeeFactory(username="org.viewer", unit=world.units["hq"],
                                              roles=[ctx.roles["org_viewer"]])
    return ctx


def form_post_data(form):
    """What a browser would post for `form` as rendered (its initial values)."""
    data = {}
    for bound in form:
        widget = bound.field.widget
        value = bound.value()
        if isinstance(widget, CheckboxInput):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(widget, SelectMultiple | MultipleHiddenInput):
            data[bound.html_name] = [str(v) for v in (value or [])]
        elif isinstance(widget, Select):
            formatted = widget.format_value(value)
            data[bound.html_name] = formatted[0] if formatted else ""
        else:
            formatted = widget.format_value(value)
            data[bound.html_name] = "" if formatted is None else formatted
    return data


class ObjectTestCase:
    """Declarations every generated test class makes; the test mixins build on them.

    Required: `model`, `rule` (an expectations rule), `make()`.
    """

    model = None
    rule = None
    # The user who does the create/edit/delete tests (a key of ctx.users).
    actor = "admin"
    # Page views that exist for this object type (others are checked NOT to exist).
    views = PAGE_VIEWS
    api_actions = API_ACTIONS
    # The field whose value identifies a row in exports (first exported column) and labels.
    label_field = "name"
    # Records with owners: a user and the owner of a row that user cannot see (the owners' scope
    # tests: API 404, related fields, services).
    outside_scope = ("seller1", "south_seller")
    # A user who sees every row but may change none.
    view_only_user = "reader"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.model is None or not cls.__name__.startswith("Test"):
            return
        _test_classes.setdefault(cls.model._meta.label_lower, []).append(cls)
        have = cls.capabilities()
        for name in dir(cls):
            if not name.startswith("test_"):
                continue
            func = getattr(cls, name)
            if callable(func) and not getattr(func, "kedao_needs", set()) <= have:
                setattr(cls, name, None)  # not collected: the object type has no such view or rule

    @classmethod
    def capabilities(cls):
        have = {f"page:{view}" if view in cls.views else f"no-page:{view}" for view in PAGE_VIEWS}
        have |= {f"api:{action}" if action in cls.api_actions else f"no-api:{action}" for action in API_ACTIONS}
        have.add(f"rule:{cls.rule.kind}")
        if cls.rule.kind in ("owned", "parent"):
            have.add("scoped")
        object_type = get_object_type(cls.model)
        if object_type is not None and object_type.search_fields:
            have.add("search")
        if scoped_relations(cls.model):
            have.add("scoped-relations")
        return have

    @classmethod
    def suites(cls):
        """Which generated suites this class runs ("pages", "api", "scope", "queries")."""
        return {base.suite for base in cls.__mro__ if getattr(base, "suite", None)}

    # --- the shared data ------------------------------------------------------------------------

    @pytest.fixture(scope="class")
    @classmethod
    def ctx(cls, django_db_setup, django_db_blocker):
        overrides = override_settings(**TEST_SETTINGS)
        overrides.enable()
        try:
            with django_db_blocker.unblock():
                with transaction.atomic():
                    ctx = build_context()
                    cls().setup_class_data(ctx)
                    ctx.open_sessions()
                    # The organisation as the expectations see it; tests change it only inside
                    # their own savepoint, so the class reads it once.
                    ctx.facts = OrgFacts.read()
                    yield ctx
                    transaction.set_rollback(True)
        finally:
            overrides.disable()

    @pytest.fixture(autouse=True)
    def _savepoint_per_test(self, ctx, db):
        """Every test runs in its own savepoint (pytest-django's `db`) on top of the class data:
        without it a test would write straight into the shared class transaction."""

    def setup_class_data(self, ctx):
        """Data every test of the class shares; by default the scope-test rows."""
        ctx.scope_rows = list(self.scope_rows(ctx))

    # --- what a test class declares -------------------------------------------------------------

    def make(self, ctx, *, owner=None, **fields):
        """Create one row (visible to `owner` when the object has owners)."""
        raise NotImplementedError

    def make_related(self, ctx, field, owner):
        """A row for the relation `field` (one of `scoped_relations(model)`) owned by `owner`: the
        related-field tests attach to one the user may see and one they may not."""
        raise NotImplementedError(
            f"{type(self).__name__}.make_related(ctx, field, owner): declare how to make a "
            f"{self.model._meta.get_field(field).related_model.__name__} for {field!r} owned by `owner`")

    def scope_rows(self, ctx):
        """The rows the scope tests look at. For records with owners (rule "owned" or "parent"):
        one row per plan entry of SCOPE_ROW_PLAN, spread over owners at every org position, a row
        kept in another unit, rows shared with a person (view only and "may change") and with the
        team "matrix", and one in the recycle bin; for global objects, rows without owner. Labels
        cycle through `search_terms` (the last term for the row in the bin)."""
        if self.rule.kind not in ("owned", "parent"):
            return self.global_scope_rows(ctx)
        terms = self.search_terms[:-1]
        rows = []
        for index, (owner, extra) in enumerate(SCOPE_ROW_PLAN):
            term = self.search_terms[-1] if extra.get("deleted") else terms[index % len(terms)]
            obj = self.make(ctx, owner=ctx.users[owner], **{self.label_field: f"{term}{index}"})
            spread_scope_row(ctx, self.owned_record(obj), extra)
            if extra.get("deleted"):
                self.model._base_manager.filter(pk=obj.pk).update(deleted_at=timezone.now())
            rows.append(obj)
        return rows

    def global_scope_rows(self, ctx):
        """Rows of an object without owner: two per search term, and one in the recycle bin."""
        rows = [self.make(ctx, **{self.label_field: f"{term}{index}"})
                for index, term in enumerate(self.search_terms[:-1] * 2)]
        if self.soft_deletes():
            deleted = self.make(ctx, **{self.label_field: f"{self.search_terms[-1]}{len(rows)}"})
            self.model._base_manager.filter(pk=deleted.pk).update(deleted_at=timezone.now())
            rows.append(deleted)
        return rows

    def owned_record(self, obj):
        """The record that carries owner, org unit and shares for `obj`: itself, or the parent
        it follows (through as many parents as the rule names)."""
        rule = self.rule
        while rule.kind == "parent":
            obj = getattr(obj, rule.field)
            rule = rule.parent_rule
        return obj

    # Terms that, searched one by one, find every scope row (each term at most 9 rows).
    search_terms = ("甲", "乙", "丙")

    def label(self, obj):
        return str(getattr(obj, self.label_field))

    # --- helpers --------------------------------------------------------------------------------

    @classmethod
    def key(cls):
        return cls.model._meta.label_lower

    @classmethod
    def object_type(cls):
        return get_object_type(cls.model)

    def url(self, view, obj=None):
        object_type = self.object_type()
        name = f"{object_type.url_namespace or self.model._meta.app_label}:{self.model._meta.model_name}_{view}"
        return reverse(name, kwargs={"pk": obj.pk} if obj is not None else None)

    def api_url(self, obj=None):
        base = f"{self.model._meta.app_label}-api:{self.model._meta.model_name}"
        if obj is None:
            return reverse(f"{base}-list")
        return reverse(f"{base}-detail", kwargs={"pk": obj.pk})

    def login(self, client, ctx, user):
        user = ctx.users[user] if isinstance(user, str) else user
        ctx.log_in(client, user)
        return user

    def rows(self):
        return self.model._base_manager.all()

    def alive(self):
        rows = self.rows()
        return rows.filter(deleted_at__isnull=True) if self.soft_deletes() else rows

    def soft_deletes(self):
        return any(f.name == "deleted_at" for f in self.model._meta.concrete_fields)

    def changes(self, obj=None, action=None):
        rows = ObjectChange.objects.filter(content_type=ContentType.objects.get_for_model(self.model))
        if obj is not None:
            rows = rows.filter(object_id=obj.pk)
        if action is not None:
            rows = rows.filter(action=action)
        return rows

    def fresh(self, obj):
        return self.model._base_manager.get(pk=obj.pk)

    def snapshot(self, obj):
        """Every concrete field of the stored row: to prove a refused write changed nothing."""
        fresh = self.fresh(obj)
        return {f.attname: getattr(fresh, f.attname) for f in self.model._meta.concrete_fields}

    def form_class(self, view):
        from types import SimpleNamespace

        from django.urls import resolve

        url = self.url(view) if view == "add" else self.url(view, SimpleNamespace(pk=1))
        return resolve(url).func.view_class.form_class

    def expected(self, ctx, user, action, facts=None, deleted=False):
        from .expectations import expected_ids

        user = ctx.users[user] if isinstance(user, str) else user
        return expected_ids(self.model, self.rule, user, action, facts, deleted=deleted)

    def pytest_generate_tests(self, metafunc):
        """Parametrise the generated tests from the declarations of the concrete class."""
        cls = metafunc.cls
        for argname, values, ids in cls.parameters():
            if argname in metafunc.fixturenames:
                metafunc.parametrize(argname, values, ids=ids)

    @classmethod
    def parameters(cls):
        return []
