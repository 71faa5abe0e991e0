"""Registries that let apps plug into each other without importing each other.

- object types: every Kedao object an app exposes (search, audit, recycle bin, roles, tests);
- panels: sections an app adds to another object's detail page;
- actions: buttons an app adds to another object's record header;
- home slots: "needs my attention today" cards on each user's home page;
- menu: navigation entries;
- demo builders: each app's part of `manage.py demo_data`;
- notification events: what the notifications app may tell people (and how, by default);
- approval kinds: what needs someone else's yes (the approvals app routes and records it);
- reports: slots the reports app will read;
- the permission provider: org hands core its scope decision (core imports no app).
Apps register in their AppConfig.ready().
"""

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# The one list of actions a role may grant; workflow actions (approve…) join it with the first
# workflow that checks them.
ACTIONS = ("view", "add", "change", "delete", "export")
ACTION_LABELS = {
    "view": _("view"), "add": _("add"), "change": _("change"), "delete": _("delete"),
    "export": _("export"),
}


@dataclass
class ObjectType:
    model: type
    # The object's FilterSet (list page and API); its `search_fields` define what `q` matches.
    filterset: type = None
    # Listed in global search and searchable in autocomplete.
    searchable: bool = False
    # Actions a role may be granted on this type, in the role matrix.
    actions: tuple = ACTIONS
    url_namespace: str = ""
    # Key fields shown in the record header's highlights strip (an ObjectView's own `highlights`
    # wins); names of model fields or of attributes/methods of the object.
    highlights: tuple = ()

    @property
    def search_fields(self):
        return tuple(self.filterset.search_fields) if self.searchable and self.filterset else ()

    @property
    def key(self):
        return self.model._meta.label_lower

    @property
    def verbose_name(self):
        return self.model._meta.verbose_name

    @property
    def verbose_name_plural(self):
        return self.model._meta.verbose_name_plural

    def url(self, action, obj=None):
        name = f"{self.url_namespace or self.model._meta.app_label}:{self.model._meta.model_name}_{action}"
        try:
            return reverse(name, kwargs={"pk": obj.pk} if obj is not None else None)
        except NoReverseMatch:
            return None


_object_types: dict[str, ObjectType] = {}


def register_object_type(model, **options):
    object_type = ObjectType(model=model, **options)
    _object_types[object_type.key] = object_type
    return object_type


def object_types():
    return list(_object_types.values())


def get_object_type(model_or_key):
    key = model_or_key if isinstance(model_or_key, str) else model_or_key._meta.label_lower
    return _object_types.get(key)


def _as_tuple(models):
    return tuple(models) if isinstance(models, list | tuple) else (models,)


@dataclass
class Panel:
    """A section on a detail page: `render(request, obj)` returns HTML or None (nothing shown).

    Only the first panels (`EAGER_PANELS`, or those registered with `lazy=False`) render with the
    page; the others load with HTMX when scrolled into view, from core:panel, so a record page
    costs the same few queries before first paint however many panels apps register.
    """

    name: str
    render: callable
    order: int = 100
    models: tuple = field(default_factory=tuple)
    key: str = ""
    lazy: bool = None  # None: decided by position (see EAGER_PANELS)
    region: str = "main"  # "main" (panel column) or "timeline" (below the record's fields)
    when: callable = None  # when(model) -> bool: a panel only some types have (decided without a query)


EAGER_PANELS = 1
_panels: list[Panel] = []


def register_panel(models, name, render, order=100, *, key=None, lazy=None, region="main", when=None):
    key = key or getattr(render, "__name__", "panel").removesuffix("_panel").replace("_", "-")
    _panels.append(Panel(name=name, render=render, order=order, models=_as_tuple(models), key=key,
                         lazy=lazy, region=region, when=when))


def panels_for(model):
    return sorted((p for p in _panels if (not p.models or model in p.models) and (p.when is None or p.when(model))),
                  key=lambda p: p.order)


def get_panel(model, key):
    return next((p for p in panels_for(model) if p.key == key), None)


@dataclass
class Action:
    """A button in a record's header: `url(obj)` returns where it goes (None hides it); shown to
    users whose `visible_to(user, permission)` contains the record."""

    key: str
    label: str
    url: callable
    icon: str = "lightning"
    permission: str = "change"
    order: int = 100
    models: tuple = field(default_factory=tuple)
    method: str = "get"  # "post" renders a small form (with confirm when `confirm` is set)
    confirm: str = ""


_actions: list[Action] = []


def register_action(models, key, label, url, *, icon="lightning", permission="change", order=100,
                    method="get", confirm=""):
    _actions.append(Action(key=key, label=label, url=url, icon=icon, permission=permission, order=order,
                           models=_as_tuple(models), method=method, confirm=confirm))


def actions_for(model):
    return sorted((a for a in _actions if not a.models or model in a.models), key=lambda a: a.order)


@dataclass
class HomeSlot:
    """A "needs my attention today" card on the home page.

    `rows(user)` returns a list of objects (at most `limit` shown, each linked through
    get_absolute_url) — it must scope them with visible_to. None or [] hides the card. `more_url`
    (optional, a callable of the user) links to the full list.
    """

    key: str
    label: str
    rows: callable
    icon: str = "bell"
    order: int = 100
    limit: int = 5
    more_url: callable = None
    hint: str = ""


_home_slots: list[HomeSlot] = []


def register_home_slot(key, label, rows, *, icon="bell", order=100, limit=5, more_url=None, hint=""):
    _home_slots[:] = [slot for slot in _home_slots if slot.key != key]
    _home_slots.append(HomeSlot(key=key, label=label, rows=rows, icon=icon, order=order, limit=limit,
                                more_url=more_url, hint=hint))


def home_slots():
    return sorted(_home_slots, key=lambda slot: slot.order)


@dataclass
class MenuItem:
    group: str
    label: str
    url_name: str
    model: type = None  # shown only to users granted "view" on it
    order: int = 100


_menu: list[MenuItem] = []


def register_menu_item(group, label, url_name, model=None, order=100):
    _menu.append(MenuItem(group=group, label=label, url_name=url_name, model=model, order=order))


def menu_items():
    return sorted(_menu, key=lambda item: item.order)


@dataclass
class DemoContext:
    """What `demo_data` hands each app's demo builder."""

    rng: object  # random.Random, seeded: the same demo every time
    stdout: object
    units: dict = field(default_factory=dict)  # code -> OrgUnit
    people: dict = field(default_factory=dict)  # username -> Employee
    product_lines: dict = field(default_factory=dict)  # code -> ProductLine
    options: dict = field(default_factory=dict)  # the command's options: seed, customers…
    # Fake-data helpers (names, phones, places, history; demo.generators), handed over so that
    # apps need not import the demo app.
    gen: object = None
    # What one builder leaves for the later ones (e.g. org's "company" spec: sellers by branch).
    shared: dict = field(default_factory=dict)
    # label -> (created now, total), printed by the command.
    created: dict = field(default_factory=dict)


@dataclass
class DemoBuilder:
    name: str
    build: callable  # build(context: DemoContext) -> None; must be idempotent
    order: int = 100


_demo_builders: dict[str, DemoBuilder] = {}


def register_demo_builder(name, builder, order=100):
    _demo_builders[name] = DemoBuilder(name=name, build=builder, order=order)


def demo_builders():
    return sorted(_demo_builders.values(), key=lambda b: b.order)


@dataclass
class NotificationEvent:
    """Something that happened which a user may be told about (in-app, e-mail, webhook).

    `in_app` / `email`: how a user who has not chosen otherwise is told (notifications app: each
    user's preferences per event override them)."""

    key: str
    label: str
    model: type = None
    description: str = ""
    in_app: bool = True
    email: bool = False


_notification_events: dict[str, NotificationEvent] = {}


def register_notification_event(key, label, model=None, description="", *, in_app=True, email=False):
    _notification_events[key] = NotificationEvent(key=key, label=label, model=model, description=description,
                                                  in_app=in_app, email=email)


def notification_events():
    return sorted(_notification_events.values(), key=lambda e: e.key)


def get_notification_event(key):
    return _notification_events.get(key)


@dataclass
class ReportColumn:
    """A column of a report's table (core.reports, docs/development/reports.md).

    `kind`: "text", "int", "money" or "percent" (a fraction 0..1, shown as 42.0 %); `link(row,
    params)` returns the drill-down address of the cell (the filtered list of the records it
    counts) or None; `total`: the table's footer sums the column."""

    key: str
    label: str
    kind: str = "text"
    link: callable = None
    total: bool = False


@dataclass
class Report:
    """A report: `selector(user, **params)` returns its rows, already limited by `visible_to`.

    A report with `columns` gets a page (core.views.reports: filter form, chart, table with
    drill-down links, Excel export) listed under "Reports" in the menu; `params` are the filter
    form's values (date_from, date_to, org_unit, product_line and the fields of `form`)."""

    key: str
    label: str
    selector: callable
    model: type = None  # shown to users granted "view" on it
    description: str = ""
    order: int = 100
    columns: tuple = ()  # ReportColumn, in order; none: no page (a data source for dashboards)
    chart: callable = None  # chart(rows, params) -> plotly Figure or None
    filters: tuple = ("period", "org_unit", "product_line")  # the standard filters it takes
    form: type = None  # a core.reports.ReportFilterForm subclass with further fields
    url_name: str = ""  # its own page (e.g. "sales:funnel"), which renders through core.views.reports
    default_period: str = "this_year"
    period_label: str = ""  # what the period applies to ("created", "closed"), shown beside it
    notes: str = ""  # definitions shown below the table

    @property
    def has_page(self):
        return bool(self.columns)

    def url(self):
        if self.url_name:
            return reverse(self.url_name)
        return reverse("core:report", args=[self.key])


_reports: dict[str, Report] = {}


def register_report(key, label, selector, model=None, description="", order=100, **page):
    """`page`: columns, chart, filters, form, url_name, default_period, period_label, notes (see
    Report); without `columns` the report has no page."""
    _reports[key] = Report(key=key, label=label, selector=selector, model=model, description=description,
                           order=order, **page)


def reports():
    return sorted(_reports.values(), key=lambda r: r.order)


def get_report(key):
    return _reports.get(key)


class PermissionProvider:
    """The scope decision core asks for; org registers the real one in its ready()."""

    def scope_filter(self, user, model, action):
        raise NotImplementedError("No permission provider registered (is the org app installed?)")

    def has_perm(self, user, model, action):
        raise NotImplementedError("No permission provider registered (is the org app installed?)")

    def reaches_by_scope(self, user, model, action, owner_id, org_unit_id):
        return False  # "not known": callers then ask scope_filter


_permission_provider = PermissionProvider()


def set_permission_provider(provider):
    """`provider` has scope_filter(user, model, action), has_perm(user, model, action) and
    reaches_by_scope(user, model, action, owner_id, org_unit_id)."""
    global _permission_provider
    _permission_provider = provider


def permission_provider():
    return _permission_provider


def _default_password_setter(*, employee, password, keep_session_key=None):
    employee.set_password(password)
    employee.save(update_fields=["password"])


_password_setter = _default_password_setter


def set_password_setter(setter):
    """`setter(*, employee, password, keep_session_key=None)`: how a new password is set (org's
    also revokes tokens and other sessions); core's password views call it."""
    global _password_setter
    _password_setter = setter


def password_setter():
    return _password_setter


# --- Handover (issue 8: a leaver's records go to another user; org/handover.py) ------------------


@dataclass
class HandoverHook:
    """Something beyond the records of scoped object types that a handover moves (account-team
    places, open work of other apps). `count(from_user, customer_ids)` → how many (for the preview);
    `apply(from_user, to_user, customer_ids, actor)` → how many moved, inside the handover's
    transaction. `customer_ids` is None for "everything of the leaver", else the selected ids."""

    key: str
    label: str
    count: callable
    apply: callable


_handover_hooks: dict[str, HandoverHook] = {}


def register_handover_hook(key, label, count, apply):
    _handover_hooks[key] = HandoverHook(key=key, label=label, count=count, apply=apply)


def handover_hooks():
    return list(_handover_hooks.values())


# Told when a handover has moved something, inside its transaction: fn(plan, actor, reason), e.g.
# the notifications app telling the new owner (org imports no app that sends messages).
_handover_listeners: dict[str, callable] = {}


def register_handover_listener(key, fn):
    _handover_listeners[key] = fn


def handover_listeners():
    return list(_handover_listeners.values())


# --- Scheduled jobs (issue 8: the pool's automatic return; `manage.py run_scheduled`) -----------


@dataclass
class ScheduledJob:
    """A periodic job: `run(now)` does one round and returns a short summary (str or None).
    When it runs: every `every` seconds, or at the times of `cron` (a crontab line, "0 18 * * *",
    in the company's time zone) when given. `manage.py scheduler` queues each round as a task
    (core.tasks.run_scheduled_job); `manage.py run_scheduled` runs one round of all, for cron."""

    key: str
    label: str
    run: callable
    every: int = 3600
    cron: str = ""


_scheduled_jobs: dict[str, ScheduledJob] = {}


def register_scheduled_job(key, label, run, *, every=3600, cron=""):
    if cron and len(cron.split()) != 5:
        raise ValueError(f"Scheduled job {key}: cron must have five fields (minute hour day month weekday), got {cron!r}")
    _scheduled_jobs[key] = ScheduledJob(key=key, label=label, run=run, every=every, cron=cron)


def scheduled_jobs():
    return sorted(_scheduled_jobs.values(), key=lambda job: job.key)


def get_scheduled_job(key):
    return _scheduled_jobs.get(key)


# --- Imports (issue 8, point 8): each object type that can be imported from a spreadsheet ------
@dataclass
class Importer:
    """How rows of a spreadsheet become records of `model` (core.imports does the rest: reading,
    mapping, validation by the model's full_clean, uniques per batch, bulk writes, audit).

    - `fields`: the model fields a column may fill, in the order the mapping form offers them;
    - `synonyms`: field → header texts that mean it (besides the verbose name in English and Chinese);
    - `match_keys`: fields an upsert may match existing records by (the first is the default);
    - `resolve(rows, *, actor)`: fills what needs a lookup, per batch (a contact's customer by name
      or credit code within the actor's scope): each row is a dict of field → text, plus
      "_errors" (dict field → message) to add errors and "_values" (dict) to set model values;
    - `duplicates(rows)`: {row index: [text, …]} possible duplicates to show (not blocking);
    - `created_without_owner(records, *, actor)`: reassigns the created records whose row named no
      owner (sales leads go by the assignment rules).
    """

    model: type
    fields: tuple
    synonyms: dict = field(default_factory=dict)
    match_keys: tuple = ()
    resolve: object = None
    duplicates: object = None
    list_url: str = ""
    # `created_without_owner(records, *, actor)`: inside the import's transaction, after the writes,
    # the created records whose row named no owner (they belong to the importer until then).
    created_without_owner: object = None

    @property
    def key(self):
        return self.model._meta.label_lower


_importers: dict[str, Importer] = {}


def register_importer(model, fields, **options):
    importer = Importer(model=model, fields=tuple(fields), **options)
    _importers[importer.key] = importer
    return importer


def importers():
    return list(_importers.values())


def get_importer(key):
    return _importers.get(key)
# --- Access rules: grants beyond roles, scopes and shares (account teams, later opportunity teams) ---


@dataclass
class AccessRule:
    """Rows of `model` that someone may reach through a relationship an app records.

    `fn(user, action, people)` returns a Q over `model` (or None: nothing for this action).
    `people` is the frozenset of employee ids the user acts for: the user, and with the company's
    hierarchy setting on, everyone inside the user's subordinates / unit / subtree scope for that
    action (org.permissions decides; a rule never computes scopes itself). The Q should filter
    through a subquery on the relationship table, so a change of membership counts on the next
    query, with no cache to go stale."""

    model: type
    fn: callable
    key: str = ""


_access_rules: list[AccessRule] = []


def register_access_rule(model, fn, *, key=""):
    """Widen `visible_to(user, action)` on `model` by `fn(user, action, people) -> Q | None`
    (OR-ed into the one condition of org.permissions.scope_filter, like shares). Only for users
    whose roles grant the action on the type at all."""
    key = key or getattr(fn, "__name__", "rule")
    _access_rules[:] = [rule for rule in _access_rules if not (rule.model is model and rule.key == key)]
    _access_rules.append(AccessRule(model=model, fn=fn, key=key))


def access_rules(model):
    return [rule for rule in _access_rules if rule.model is model]


# --- History of child records: a record's history also lists the changes of its parts ---

_history_children: dict[type, list[tuple[type, str]]] = {}


def register_history_child(parent_model, child_model, field):
    """Changes of `child_model` rows (audited on the child) also show in the history of the
    `parent_model` row that `field` (a foreign key of the child) points at: an account-team
    membership in its customer's history."""
    entries = _history_children.setdefault(parent_model, [])
    if (child_model, field) not in entries:
        entries.append((child_model, field))


def history_children(parent_model):
    return list(_history_children.get(parent_model, ()))


# --- Merge of duplicates (customers/merge.py) ------------------------------------------------------
# Merging records moves every row that points at a merged one to the survivor, generically. A model
# whose rows cannot simply move (a unique constraint: one account manager per product line, one
# share per person) registers a hook that settles the conflicts first; the generic move then takes
# whatever is left. `fn(*, survivor, merged, actor)`: `merged` a list of records, inside the merge's
# transaction, before that model's rows move.

_merge_hooks: dict[str, list] = {}


def _model_label(model):
    return model if isinstance(model, str) else model._meta.label_lower


def register_merge_hook(model, fn):
    """`model`: the class (or "app_label.model") of the rows that point at the merged records."""
    _merge_hooks.setdefault(_model_label(model).lower(), []).append(fn)


def merge_hooks(model):
    return list(_merge_hooks.get(_model_label(model).lower(), ()))


# --- 360° record page: timeline sources and key figures (issue 8) ---------------------------------


@dataclass
class TimelineSource:
    """A source of entries for a record's timeline (a customer's changes, its contacts, later
    activities…). `entries(user, obj, cursor, limit)` returns at most `limit` core.timeline.Entry,
    newest first, all strictly before `cursor` (None: from the newest) in the order
    (time, source key, id) — `core.timeline.before_q(cursor, key)` builds that condition — and
    only what `user` may see. It must not count or load everything: an indexed query with LIMIT."""

    model: type
    key: str
    label: str
    entries: callable
    order: int = 100


_timeline_sources: dict[tuple, TimelineSource] = {}


def register_timeline_source(model, key, label, fn, *, order=100):
    _timeline_sources[(model, key)] = TimelineSource(model=model, key=key, label=label, entries=fn, order=order)


def timeline_sources(model):
    return sorted((s for (m, _k), s in _timeline_sources.items() if m is model), key=lambda s: (s.order, s.key))


@dataclass
class KeyFigure:
    """A number in a record page's summary strip: `value(user, obj)` returns the figure (already
    formatted text, a number, or None to hide it); `url(obj)` optionally links to the detail."""

    model: type
    key: str
    label: str
    value: callable
    order: int = 100
    icon: str = ""
    url: callable = None


_key_figures: dict[tuple, KeyFigure] = {}


def register_key_figure(model, key, label, fn, *, order=100, icon="", url=None):
    _key_figures[(model, key)] = KeyFigure(model=model, key=key, label=label, value=fn, order=order, icon=icon,
                                           url=url)


def key_figures(model):
    return sorted((f for (m, _k), f in _key_figures.items() if m is model), key=lambda f: (f.order, f.key))

# --- Audit hooks (issue 8: a customer's level history) ------------------------------------------
# Called by core.services.log_change, inside the write's transaction, for every audited write of
# `model` (object_save, object_delete, object_restore, and every service that logs its change):
# `hook(*, instance, action, actor, prechange, postchange)`. For derived records that must follow
# each change whatever the path (page, API, bulk edit, import, merge), not for side effects.

_audit_hooks: dict[type, list] = {}


def register_audit_hook(model, hook):
    _audit_hooks.setdefault(model, []).append(hook)


def audit_hooks(model):
    return list(_audit_hooks.get(model, ()))


# --- Approvals (issue 9 point 7: one mechanism; the approvals app) --------------------------------


@dataclass
class ApprovalKind:
    """Something that needs a yes or no from someone else before it takes effect (a colliding
    opportunity, a big deal's stage move, a quote's discount, later expenses and contracts).

    - `model`: the class of the records a request of this kind is about (its target);
    - `on_approved(request, actor)` / `on_rejected(request, actor)`: run INSIDE the decision's
      transaction (raising rolls the decision back: nothing is decided, nothing is written);
    - `resolve_approver(request) -> Employee | None`: who decides, instead of the default routing
      (the managers of the request's org unit, walking up); None falls back to the default;
    - `timeout_hours`: after this long undecided, a request moves up to the next manager
      (0 or None: never); an approval policy (approvals.ApprovalPolicy) may set another;
    - `describe(request) -> str`: text shown to the approver beside the title (optional);
    - `on_cancelled(request, actor)`: optional, inside the cancel's transaction;
    - `excluded_approvers(request) -> set of employee ids`: people who may never decide it, neither
      first nor after an escalation (the two sellers of a collision: nobody judges their own dispute).
    """

    key: str
    label: str
    model: type
    on_approved: callable
    on_rejected: callable
    resolve_approver: callable = None
    timeout_hours: int = 24
    describe: callable = None
    on_cancelled: callable = None
    excluded_approvers: callable = None


_approval_kinds: dict[str, ApprovalKind] = {}


def register_approval_kind(key, label, *, model, on_approved, on_rejected, resolve_approver=None, timeout_hours=24,
                           describe=None, on_cancelled=None, excluded_approvers=None):
    """Declare a kind of approval (approvals/services.py raises requests of it); call from ready()."""
    _approval_kinds[key] = ApprovalKind(key=key, label=label, model=model, on_approved=on_approved,
                                        on_rejected=on_rejected, resolve_approver=resolve_approver,
                                        timeout_hours=timeout_hours, describe=describe, on_cancelled=on_cancelled,
                                        excluded_approvers=excluded_approvers)
    return _approval_kinds[key]


def approval_kinds():
    return sorted(_approval_kinds.values(), key=lambda kind: kind.key)


def get_approval_kind(key):
    return _approval_kinds.get(key)


# --- Daily report figures (issue 10: the automatic daily report, activities.daily) ---------------


@dataclass
class DailyFigure:
    """A figure of every seller's daily report. `fn(window)` returns {employee id: number} for the
    window's days (`window.start`, `window.end`, aware datetimes, end excluded) with a FIXED number
    of grouped queries (GROUP BY owner), never one per seller; `window.memo(key, compute)` lets
    several figures share one query. `kind`: "int" or "money" (Decimal, stored as a string).
    `link(employee, date_from, date_to)` → the list of the records counted (drill-down) or None."""

    key: str
    label: str
    fn: callable
    kind: str = "int"
    link: callable = None
    order: int = 100


_daily_figures: dict[str, DailyFigure] = {}


def register_daily_figure(key, label, fn, *, kind="int", link=None, order=100):
    if kind not in ("int", "money"):
        raise ValueError(f"Daily figure {key}: kind must be 'int' or 'money', got {kind!r}")
    _daily_figures[key] = DailyFigure(key=key, label=label, fn=fn, kind=kind, link=link, order=order)


def daily_figures():
    return sorted(_daily_figures.values(), key=lambda f: (f.order, f.key))


# --- Activity targets (issue 10: activities linked to later object types) ---------------------


@dataclass
class ActivityTarget:
    """A type activities can be linked to beyond customers, contacts and deals (a lead, a contract,
    a service ticket): its pages get an Activities panel and "Log an activity". `customer_field`:
    the field holding the record's customer, so that an activity linked to it lands on that
    customer's timeline and last-contacted date too (None: the record has no customer)."""

    model: type
    customer_field: str | None = None
    order: int = 60

    @property
    def key(self):
        return self.model._meta.label_lower


_activity_targets: dict[str, ActivityTarget] = {}


def register_activity_target(model, *, customer_field=None, order=60):
    target = ActivityTarget(model=model, customer_field=customer_field, order=order)
    _activity_targets[target.key] = target


def activity_targets():
    return list(_activity_targets.values())


def get_activity_target(model_or_key):
    key = model_or_key if isinstance(model_or_key, str) else model_or_key._meta.label_lower
    return _activity_targets.get(key)


# --- Target measures (issue 11: what a target plan counts; contracts and receipts add theirs) ----


@dataclass
class TargetMeasure:
    """What a target plan can be set on. `actuals(start, end, product_line_id, within=None)` → rows
    (employee id, org unit id, value) summed over [start, end) (aware datetimes): the unit is the
    one the person was in when it counted (a won deal: the owner's unit when it was won), so a
    seller who moved mid-year counts where they were. `within` (targets.selectors.Within), when
    given, limits the rows to its units (and owners): the page needs no others. `kind`: "money" or "int". `link(employee,
    unit, start, end, product_line_id)` → the list of the records counted (drill-down) or None."""

    key: str
    label: str
    actuals: callable
    kind: str = "money"
    link: callable = None
    order: int = 100


_target_measures: dict[str, TargetMeasure] = {}


def register_target_measure(key, label, actuals, *, kind="money", link=None, order=100):
    if kind not in ("money", "int"):
        raise ValueError(f"Target measure {key}: kind must be 'money' or 'int', got {kind!r}")
    _target_measures[key] = TargetMeasure(key=key, label=label, actuals=actuals, kind=kind, link=link, order=order)


def target_measures():
    return sorted(_target_measures.values(), key=lambda m: (m.order, m.key))


def get_target_measure(key):
    return _target_measures.get(key)


# --- Home dashboards (issue 11: the role dashboards; targets draws them) -------------------------


@dataclass
class Dashboard:
    """A section at the top of the home page: `render(request)` → HTML, or None when it has nothing
    for this user (it decides by their role and scope)."""

    key: str
    render: callable
    order: int = 100


_dashboards: dict[str, Dashboard] = {}


def register_dashboard(key, render, *, order=100):
    _dashboards[key] = Dashboard(key=key, render=render, order=order)


def dashboards():
    return sorted(_dashboards.values(), key=lambda d: (d.order, d.key))
