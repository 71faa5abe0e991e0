"""The base every Kedao object stands on: audit columns, optimistic locking, soft delete, scope.

Visibility is decided in one place, `KedaoQuerySet.visible_to()`, which asks the registered
permission provider (org.permissions, see core/permissions.py) for a single filter. Nothing else in request code decides who sees a row.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, router
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from core.search import SearchKeyModel, fill_search_keys
from core.validators import validate_phone


class WebsiteField(models.URLField):
    """A URL field whose form takes "www.example.cn" as https://www.example.cn (as Django 6 will)."""

    def formfield(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        return super().formfield(**kwargs)


class PhoneField(models.CharField):
    """A phone or mobile number: digits, spaces, +, -, parentheses and an extension ("abc" is
    refused by forms, the API and imports alike, since all of them run the model's validation);
    a tel: link on pages (core.tables.PhoneColumn)."""

    default_validators = [validate_phone]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 30)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        field = super().formfield(**kwargs)
        field.widget.input_type = "tel"
        return field


def scope_branches(condition):
    """The alternatives of a visibility condition (a Q whose top level is an OR), or []. The
    permission provider may say there are none worth taking apart (`condition.kedao_branches = []`:
    a manager's units, a child type's parents; org/permissions.py says why)."""
    named = getattr(condition, "kedao_branches", None)
    if named is not None:
        return list(named)
    if not isinstance(condition, models.Q) or condition.negated or condition.connector != models.Q.OR:
        return []
    return [child if isinstance(child, models.Q) else models.Q(child) for child in condition.children]


def is_id_list(branch):
    """Whether a branch is "one of these ids" (shares, teams, participants)."""
    from core.lookups import AnyOf

    children = getattr(branch, "children", ())
    return (len(children) == 1 and isinstance(children[0], AnyOf)
            and getattr(children[0].lhs, "name", None) in ("pk", "id"))


def _fenced(item):
    """An ordering item PostgreSQL cannot read from an index: for a branch of a few thousand known
    ids it would otherwise walk the whole date index looking for them (70 ms for the 3,500
    customers shared with a branch, against 5 ms to read them by id and sort)."""
    from django.db.models import F, OrderBy
    from django.db.models.functions import Coalesce

    if isinstance(item, str):
        descending = item.startswith("-")
        name = item.lstrip("-")
        return OrderBy(Coalesce(F(name), F(name)), descending=descending)
    return item


def _not_shown(model, name, below):
    """The columns of relation `name` of `model` a list does not show (KedaoQuerySet.narrow_related):
    all but the target's `display_fields`, its owner and unit for a scoped type, and the relations
    `below` joined through it; none when the target declares no `display_fields`."""
    field = model._meta.get_field(name)
    target = field.related_model
    shown = getattr(target, "display_fields", None)
    if shown is None or not (field.many_to_one or (field.one_to_one and field.concrete)):
        return []
    keep = {*shown, *below}
    if getattr(target, "scope_kind", None) == "scoped":
        keep |= {"owner", "org_unit"}
    return [f.name for f in target._meta.concrete_fields if not f.primary_key and f.name not in keep]


class KedaoQuerySet(models.QuerySet):
    def visible_to(self, user, action="view", *, deleted_parents=False):
        """The rows `user` may act on with `action`; the only visibility decision in Kedao.
        `deleted_parents` (recycle bin): also rows whose parent record is in the bin."""
        from core.permissions import scope_filter

        condition = scope_filter(user, self.model, action, deleted_parents=deleted_parents)
        if condition is None:
            return self
        if condition is False:
            return self.none()
        before = len(self.query.where.children)
        visible = self.filter(condition)
        branches = scope_branches(condition)
        if len(branches) > 1:
            # Where the condition sits in the WHERE clause: later filters only add after it.
            visible._scope_branches = (before, len(visible.query.where.children), branches)
        dense = getattr(condition, "kedao_dense", None)
        if dense is not None:
            visible._scope_dense = (before, len(visible.query.where.children), dense)
        parents = getattr(condition, "kedao_parents", None)
        if parents is not None:
            visible._scope_parents = (before, len(visible.query.where.children), parents)
        return visible

    # --- a page of a scoped list, branch by branch -------------------------------------------
    # A seller's condition is an OR: own rows, rows shared by id, account teams, activities they
    # take part in… (a manager's over units is not taken apart: org/permissions.py says why).
    # PostgreSQL answers "the first 50 by date" of such an OR by building a bitmap
    # of every visible row or by walking the date index and filtering, both growing with what the
    # user sees (90 ms for a seller's activities at 10 million rows). The first rows of the OR are
    # among the first rows of each branch, so a page (or a bounded count) takes each branch's
    # first `stop` ids, ordered and limited — each read from its own index — and then its rows
    # from those few ids. The rows and their order are exactly those of the plain query.
    _scope_branches = None
    BRANCH_PAGE_MAX = 10_000  # deeper than this, each branch would read as much as the OR does
    # --- a bounded count, its dense part first ---------------------------------------------
    # A manager's condition ORs their units (dense: a branch holds 40,000 customers) with their
    # own rows, shares, pools and rules; a seller's, their own rows with the rest. "More than
    # 1,000?" of the OR made PostgreSQL combine every part (12 ms for a branch manager's
    # customers); the dense part alone answers it from one index of live rows when it holds
    # that many, which it usually does. It is a part of the OR, so when the part reaches the
    # bound the whole does: the count is exact. Otherwise the whole is counted. (A seller's count
    # on PostgreSQL is a slice taken by branch first, as their pages are: that answers it.)
    _scope_dense = None
    _dense_first = None  # on a slice taken by branch: the dense part of the queryset it came from
    # --- a short page of a child type, from the parents' children ------------------------------
    # A contact is seen through its customer. For the latest five contacts of a seller (the home
    # page), PostgreSQL walked the date index of all 3,000,000 contacts checking each one's
    # customer, 19,000 of them before five were the seller's (120 ms; the sparser the user, the
    # longer). When the user reaches at most PARENTS_MAX parents, their ids are read first and the
    # page from those parents' children, sorted (10 ms). Same rows, same order.
    _scope_parents = None
    PARENTS_MAX = 5_000
    # Short pages only: for a list page's 50 rows PostgreSQL already reads the parents' children
    # (10 ms for an average seller's contacts), and the ids read first would only add to it.
    PARENTS_PAGE_MAX = 20

    def _clone(self):
        clone = super()._clone()
        clone._scope_branches = self._scope_branches
        clone._scope_dense = self._scope_dense
        clone._scope_parents = self._scope_parents
        clone._dense_first = self._dense_first
        return clone

    def count(self):
        if self._result_cache is None:
            # A slice taken by branch (a seller's page on PostgreSQL) keeps the dense part of the
            # queryset it came from: the seller's own rows answer "more than 1,000?" from their
            # index (0.3 ms) where the branches' union took 8 ms for their activities.
            part = self._dense_first
            if part is None:
                part = self._dense_part(self.query.low_mark, self.query.high_mark)
            if part is not None:
                found = part.count()
                if found >= part.query.high_mark:
                    return found
        return super().count()

    def _dense_part(self, start, stop):
        """The first `stop` rows of the condition's dense part, every other filter kept; or None
        where asking it first cannot answer a bounded count. Only with no filter after the
        condition (a list as it opens, a home page card): a narrowing filter (stalled deals, a
        search) leaves the part under the bound more often than not, and the count would be paid
        twice."""
        if (not self._scope_dense or start or stop is None
                or not self._condition_in_place(self._scope_dense[1])
                or len(self.query.where.children) != self._scope_dense[1]):
            return None
        begin, end, dense = self._scope_dense
        part = self._without_condition(begin, end)
        part.query.clear_limits()
        return part.filter(dense)[:stop]

    def _condition_in_place(self, end):
        """Whether the WHERE clause is still an AND of filters with the visibility condition where
        visible_to() put it (later filters only add after it), so that it can be swapped for a part."""
        query = self.query
        return (query.where.connector == models.Q.AND and not query.where.negated
                and len(query.where.children) >= end
                and not query.combinator and not query.distinct and query.group_by is None)

    # Combining querysets rebuilds the WHERE clause: the condition's place in it is lost.
    def _combined_plainly(operator):
        def combine(self, other):
            combined = getattr(models.QuerySet, operator)(self, other)
            combined._scope_branches = combined._scope_dense = combined._scope_parents = None
            combined._dense_first = None
            return combined
        return combine

    __or__ = _combined_plainly("__or__")
    __and__ = _combined_plainly("__and__")
    __xor__ = _combined_plainly("__xor__")
    del _combined_plainly

    def __getitem__(self, k):
        if isinstance(k, slice) and self._scope_branches and self._result_cache is None and self._can_page_by_branch(k):
            return self._page_by_branch(k)
        if isinstance(k, slice) and self._scope_parents and self._result_cache is None and self._can_page_by_parents(k):
            page = self._page_by_parents(k)
            if page is not None:
                return page
        return super().__getitem__(k)

    def _can_page_by_parents(self, k):
        from django.db import connections

        query = self.query
        return (settings.KEDAO["PAGE_BY_BRANCH"] and connections[self.db].vendor == "postgresql"
                and k.stop is not None and 0 < k.stop <= self.PARENTS_PAGE_MAX and k.step in (None, 1)
                and (k.start or 0) >= 0 and bool(self._page_ordering())
                and self._condition_in_place(self._scope_parents[1])
                and not query.is_sliced and not query.select_for_update)

    def _page_by_parents(self, k):
        """The page from the children of the user's parents (see above), or None when they reach
        more than PARENTS_MAX parents (then one walk of the date index finds a page sooner)."""
        from core.lookups import values_in

        start, end, (attname, parents) = self._scope_parents
        ids = list(parents.order_by().values_list("pk", flat=True)[: self.PARENTS_MAX + 1])
        if len(ids) > self.PARENTS_MAX:
            return None
        ordering = self._total_ordering()
        others = self._without_condition(start, end)
        if not ids:
            return others.none()[k]  # no parent seen, no child either
        # The parents listed are live ones (the condition's own "parent not deleted").
        return others.filter(values_in(attname, ids)).order_by(*(_fenced(item) for item in ordering))[k]

    def _can_page_by_branch(self, k):
        from django.db import connections

        query = self.query
        where = query.where
        return (
            # The WHERE clause still an AND of filters with the condition where visible_to put it.
            where.connector == models.Q.AND and not where.negated
            and len(where.children) >= self._scope_branches[1]
            and settings.KEDAO["PAGE_BY_BRANCH"] and k.stop is not None and 0 < k.stop <= self.BRANCH_PAGE_MAX and k.step in (None, 1)
            and (k.start or 0) >= 0
            and connections[self.db].vendor == "postgresql"
            and not query.is_sliced and not query.combinator and not query.distinct
            and not query.select_for_update and query.group_by is None
            and self._ordered_by_owner_index()
            and not self._narrowed_by_ids()
        )

    def _narrowed_by_ids(self):
        """Whether a filter besides the condition already names the rows by primary key (the
        calendar takes a week's ids first, then applies the condition to them): the one query reads
        those rows by id, where a branch of ids of its own had PostgreSQL scan the whole table for
        rows in both lists (a department head's week on 10,000,000 activities: 650 ms against 7)."""
        from django.db.models.lookups import Exact, In

        from core.lookups import AnyOf

        start, end = self._scope_branches[:2]
        for index, child in enumerate(self.query.where.children):
            if start <= index < end or not isinstance(child, (AnyOf, In, Exact)):
                continue
            target = getattr(child.lhs, "target", None)
            if target is not None and target.primary_key and child.lhs.alias == self.query.base_table:
                return True
        return False

    def _ordered_by_owner_index(self):
        """Whether each branch can read its first rows in order: a count (no order) always can; a
        page only when the owner's rows are indexed by the sort's first column (the own-rows
        branch would otherwise walk the whole sort index looking for that owner's rows: 608 ms
        for a seller's "recent activities" by `updated_at` at 10 million activities, where the
        one query with the whole condition took 25)."""
        ordering = self._page_ordering()
        if not ordering:
            return True
        first = ordering[0]
        if not isinstance(first, str) or first == "?":
            return False
        name = first.lstrip("-")
        for index in self.model._meta.indexes:
            fields = [field.lstrip("-") for field in index.fields]
            if len(fields) > 1 and fields[0] in ("owner", "owner_id") and fields[1] == name and index.condition is None:
                return True
        return False

    def _page_ordering(self):
        query = self.query
        if query.order_by:
            return tuple(query.order_by)
        if query.default_ordering:
            return tuple(self.model._meta.ordering)
        return ()

    def _total_ordering(self):
        """The page's ordering made total: rows tied on the sort must come in the same order
        however the page is read (and from one page to the next), so the primary key settles ties,
        in the direction of the first key."""
        ordering = self._page_ordering()
        if ordering and not {"pk", "-pk", "id", "-id"} & set(ordering):
            first = ordering[0]
            descending = first.startswith("-") if isinstance(first, str) else getattr(first, "descending", False)
            ordering = (*ordering, "-pk" if descending else "pk")
        return ordering

    def _without_condition(self, start, end):
        """This queryset with the visibility condition (where.children[start:end]) taken out, and
        with plain slices and counts."""
        others = self._chain()
        others._scope_branches = others._scope_dense = others._scope_parents = None
        others._dense_first = None
        del others.query.where.children[start:end]
        return others

    def _page_by_branch(self, k):
        ordering = self._total_ordering()
        start, end, branches = self._scope_branches
        # Every filter but the visibility condition; each branch then adds its own part only (the
        # whole condition repeated in each branch cost more to plan than the branches to run).
        others = self._without_condition(start, end)
        fenced = [_fenced(item) for item in ordering]
        firsts = [others.filter(branch).order_by(*(fenced if is_id_list(branch) else ordering)).values("pk")[: k.stop]
                  for branch in branches]
        page = others.filter(pk__in=firsts[0].union(*firsts[1:])).order_by(*ordering)[k]
        page._dense_first = self._dense_part(k.start, k.stop)
        return page

    def with_allowed(self, user, action, *, name):
        """Each row annotated `name` = whether `user` may `action` it: the same decision as
        visible_to(user, action), evaluated on the rows fetched (one query, not a second one over
        their ids — a calendar marks which of its thousand entries may be dragged)."""
        from django.db.models import BooleanField, ExpressionWrapper, Value

        from core.permissions import scope_filter

        condition = scope_filter(user, self.model, action)
        if condition is None or condition is False:
            return self.annotate(**{name: Value(condition is None, output_field=BooleanField())})
        return self.annotate(**{name: ExpressionWrapper(condition, output_field=BooleanField())})

    # PostgreSQL plans a join of many tables slowly: the opportunity list's seven (the deal, its
    # customer, owner, unit, product line, pipeline, stage) took 10 ms to plan and 1 ms to run on
    # every page. Past this many joined relations a page takes its rows alone, then each
    # relation's rows by id (one small query each).
    JOIN_LIMIT = 3

    def related_by_id(self, narrow=False):
        """This queryset with select_related() turned into prefetch_related() when it joins more
        than JOIN_LIMIT relations: the same rows and related objects, planned in a fraction of
        the time. Forward relations are fetched through the base manager either way. `narrow`:
        the related rows read with only what names them, joined or fetched (narrow_related)."""
        related = self.query.select_related
        if not isinstance(related, dict):
            return self
        paths = []

        def walk(model, tree, prefix):
            for name, below in tree.items():
                target = model._meta.get_field(name).related_model
                paths.append((prefix + name, target, _not_shown(model, name, below)))
                walk(target, below, f"{prefix}{name}__")

        walk(self.model, related, "")
        if len(paths) <= self.JOIN_LIMIT:
            return self.narrow_related() if narrow else self
        lookups = [Prefetch(path, queryset=target._base_manager.defer(*hidden)) if narrow and hidden else path
                   for path, target, hidden in paths]
        return self.select_related(None).prefetch_related(*lookups)

    def narrow_related(self):
        """The rows select_related() joins, read with only what a list shows of them: their
        `display_fields` (what their __str__ reads), plus owner and unit for a scoped type (a
        list checks with them whether the reader may see the record named: core.tables). A
        list of 50 activities joined 50 whole customers, owners and units (80 columns, a third
        of them dates to convert): 13.6 ms to read, 9 ms narrowed. A related type without
        `display_fields` is read whole."""
        related = self.query.select_related
        only_mode = self.query.deferred_loading[0] and not self.query.deferred_loading[1]
        if not isinstance(related, dict) or only_mode:
            return self
        deferred = []

        def walk(model, tree, prefix):
            for name, below in tree.items():
                deferred.extend(f"{prefix}{name}__{hidden}" for hidden in _not_shown(model, name, below))
                walk(model._meta.get_field(name).related_model, below, f"{prefix}{name}__")

        walk(self.model, related, "")
        return self.defer(*deferred) if deferred else self

    # Bulk writes skip save(): rows that keep a search key (core.search) get it filled here, and
    # so do rows with other derived keys (`fill_derived_keys()` / `derived_key_fields(changed)`,
    # e.g. customers' duplicate-matching keys).
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        fill_search_keys(objs)
        if hasattr(self.model, "fill_derived_keys"):
            for obj in objs:
                obj.fill_derived_keys()
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        if issubclass(self.model, SearchKeyModel) and set(fields) & set(self.model.search_source_fields()):
            objs = list(objs)
            fill_search_keys(objs)
            fields = [*fields, "search_key"]
        derived = self.model.derived_key_fields(fields) if hasattr(self.model, "derived_key_fields") else []
        if derived:
            objs = list(objs)
            for obj in objs:
                obj.fill_derived_keys()
            fields = [*fields, *(name for name in derived if name not in fields)]
        return super().bulk_update(objs, fields, *args, **kwargs)


class KedaoManager(models.Manager.from_queryset(KedaoQuerySet)):
    """Hides soft-deleted rows; `all_objects` sees them (recycle bin, restore, audit)."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class AllObjectsManager(models.Manager.from_queryset(KedaoQuerySet)):
    pass


class KedaoModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+", editable=False,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+", editable=False,
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("deleted by"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+", editable=False,
    )

    objects = KedaoManager()
    all_objects = AllObjectsManager()

    # Fields left out of the change log: bookkeeping that changes on every save.
    audit_exclude = ("created_at", "updated_at", "created_by", "updated_by", "version",
                     "deleted_at", "deleted_by")
    # How visibility is decided for this model (see org.permissions): "scoped" rows carry an owner
    # and an org unit; "parent" rows (`scope_parent` names the FK) are visible with their parent;
    # "global" rows are visible to everyone granted the action.
    scope_kind = "global"
    scope_parent = None

    class Meta:
        abstract = True
        base_manager_name = "all_objects"
        default_manager_name = "objects"

    def get_absolute_url(self):
        from core.registry import get_object_type

        object_type = get_object_type(self.__class__)
        return object_type.url("detail", self) if object_type else None

    @property
    def etag(self):
        return f'"{self.pk}-{self.version}"'

    def validate_constraints(self, exclude=None):
        """Also check unique constraints on live rows (their condition names `deleted_at`, which
        no form has, so Django would skip them and the duplicate would reach the database as an
        IntegrityError); a one-field constraint's message goes beside that field."""
        exclude = set(exclude or ()) - {"deleted_at"}
        using = router.db_for_write(self.__class__, instance=self)
        errors = {}
        for model_class, constraints in self.get_constraints():
            for constraint in constraints:
                try:
                    constraint.validate(model_class, self, exclude=exclude, using=using)
                except ValidationError as error:
                    fields = getattr(constraint, "fields", ())
                    if len(fields) == 1:
                        errors.setdefault(fields[0], []).extend(error.error_list)
                    else:
                        errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)


class ScopedModel(KedaoModel):
    """A record with an owner and the owner's org unit at the time it was assigned."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT,
        related_name="+",
    )
    org_unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("org unit"), on_delete=models.PROTECT, related_name="+",
        editable=False,
    )

    scope_kind = "scoped"
    # True on a model whose owner may be empty: such a row sits in the public pool of its org unit
    # (customers' 公海), visible to the people of that unit's subtree (org.permissions).
    scope_pool = False

    class Meta:
        abstract = True
        base_manager_name = "all_objects"
        default_manager_name = "objects"


class ObjectChange(models.Model):
    """One row per create / update / delete / restore of any Kedao object (the audit trail)."""

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Updated")
        DELETE = "delete", _("Deleted")
        RESTORE = "restore", _("Restored")

    time = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="+",
    )
    user_name = models.CharField(_("user name"), max_length=150, blank=True)
    request_id = models.UUIDField(_("request"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.BigIntegerField()
    object_repr = models.CharField(_("object"), max_length=200)
    prechange_data = models.JSONField(null=True, blank=True)
    postchange_data = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = _("change")
        verbose_name_plural = _("changes")
        ordering = ("-time", "-id")
        indexes = [models.Index(fields=["content_type", "object_id", "-time"])]

    def __str__(self):
        return f"{self.get_action_display()} {self.object_repr}"

    def diff(self):
        """[(field name, old, new)] for every field that differs."""
        pre = self.prechange_data or {}
        post = self.postchange_data or {}
        return [(key, pre.get(key), post.get(key)) for key in sorted(set(pre) | set(post))
                if pre.get(key) != post.get(key)]


class Share(models.Model):
    """An explicit grant on one record to a person or a team (account team, project team…).

    Shares widen what `visible_to` returns: members see the record, and may change it when
    `can_change` is set, whatever their role's data scope.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.BigIntegerField()
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("employee"), on_delete=models.CASCADE, null=True,
        blank=True, related_name="shares",
    )
    team = models.ForeignKey(
        "org.Team", verbose_name=_("team"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="shares",
    )
    role = models.CharField(_("role in the team"), max_length=50, blank=True)
    can_change = models.BooleanField(_("may edit"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("share")
        verbose_name_plural = _("shares")
        indexes = [
            models.Index(fields=["content_type", "employee"]),
            models.Index(fields=["content_type", "team"]),
            models.Index(fields=["content_type", "object_id"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(employee__isnull=False) | models.Q(team__isnull=False),
                name="share_has_grantee",
            ),
            models.UniqueConstraint(
                fields=["content_type", "object_id", "employee"], name="share_unique_employee",
                condition=models.Q(employee__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["content_type", "object_id", "team"], name="share_unique_team",
                condition=models.Q(team__isnull=False),
            ),
        ]

    def __str__(self):
        return str(self.employee or self.team)


# Import and export jobs live in their own module (core/imports/); Django finds models here.
from core.imports.models import ExportJob, ImportJob, ImportMapping  # noqa: E402, F401
