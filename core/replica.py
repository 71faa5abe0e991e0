"""Reads that may lag go to the read replica; everything else, and every write, to the primary.

With DATABASE_REPLICA_URL set (kedao/settings.py, docs/scaling.md) the database alias "replica"
exists. Reports, dashboards and exports mark their work as "reads may lag" (`replica_reads` on the
view, or `with reads_from_replica(user):`); only there does `ReplicaRouter` send reads to the
replica, and not even there when

- the primary is inside a transaction (`atomic`): what a transaction reads must be what it sees;
- something was written since the request began (a view that refreshes figures then shows them);
- the user wrote within the last KEDAO["REPLICA_STICKY_SECONDS"] seconds, in any request
  (read your writes): `ReplicaMiddleware` notes the time of a user's write in the cache;
- the replica cannot be reached (reports then read the primary rather than fail), nor the cache.

A write is whatever asks the router for a database to write to (save, create, update, delete,
select_for_update). Writes that no report shows (sessions, export jobs, queued tasks) do not count.

Never put the scope around code that reads and then writes what it computed from those reads
outside a transaction (a rebuild of stored figures): it would store what the replica knew. Scope
only the reading part.

Without the alias every method here answers None (Django's default: one database), the middleware
does nothing, and the decorator only runs the view.
"""

import functools
import logging
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

REPLICA = "replica"
# Written rows nobody reads back through a report: they leave the writer's reads on the replica.
BOOKKEEPING = frozenset({"sessions.session", "core.exportjob", "django_tasks_db.dbtaskresult"})
# Always read on the primary: a session ended by a logout must not come back from a lagging replica.
PRIMARY_ONLY = frozenset({"sessions.session"})

logger = logging.getLogger(__name__)


class _Scope:
    """One "reads may lag" block: `use_replica` turns False for good once anything is written."""

    __slots__ = ("use_replica", "reachable")

    def __init__(self, use_replica):
        self.use_replica = use_replica
        self.reachable = None


class _Writes:
    """One request: did it write?"""

    __slots__ = ("wrote",)

    def __init__(self):
        self.wrote = False


_scope = ContextVar("kedao_replica_scope", default=None)
_writes = ContextVar("kedao_replica_writes", default=None)


def replica_configured():
    return REPLICA in settings.DATABASES


def sticky_seconds():
    return settings.KEDAO.get("REPLICA_STICKY_SECONDS", 10)


def _sticky_key(user_pk):
    return f"kedao:replica:wrote:{user_pk}"


def note_user_write(user_pk):
    """`user_pk` just wrote: their reads stay on the primary for REPLICA_STICKY_SECONDS."""
    if user_pk is not None and sticky_seconds() > 0:
        try:
            cache.set(_sticky_key(user_pk), True, timeout=sticky_seconds())
        except Exception:  # the write is done; a cache outage must not turn it into an error page
            logger.warning("Cannot note a write in the cache: the writer may read a lagging replica.",
                           exc_info=True)


def wrote_recently(user_pk):
    if user_pk is None:
        return False
    try:
        return bool(cache.get(_sticky_key(user_pk)))
    except Exception:  # no cache, no knowing: the primary is always up to date
        logger.warning("Cannot read the cache: reading from the primary.", exc_info=True)
        return True


@contextmanager
def reads_from_replica(user=None):
    """Reads inside this block may come from the replica, for `user` (whose recent writes keep
    them on the primary). Writes inside still go to the primary, and after one, reads do too."""
    use = replica_configured()
    if use:
        writes = _writes.get()
        use = not (writes is not None and writes.wrote) and not wrote_recently(getattr(user, "pk", None))
    token = _scope.set(_Scope(use))
    try:
        yield
    finally:
        _scope.reset(token)


def replica_reads(view):
    """Decorator of a view (function, or method taking `request` after `self`) whose reads may lag:
    report, dashboard, export."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        request = next((arg for arg in args[:2] if hasattr(arg, "META")), None)
        with reads_from_replica(getattr(request, "user", None)):
            return view(*args, **kwargs)

    return wrapped


def in_read_scope(iterable):
    """`iterable`, iterated later (a streamed CSV, after the view has returned), with the read
    scope in force now: its queries go where the view's would."""
    scope = _scope.get()
    if scope is None:
        return iterable
    return _scoped(iter(iterable), scope)


def _scoped(iterator, scope):
    while True:
        token = _scope.set(scope)
        try:
            item = next(iterator)
        except StopIteration:
            return
        finally:
            _scope.reset(token)
        yield item


def _reachable():
    try:
        connections[REPLICA].ensure_connection()
    except DatabaseError:
        logger.warning("The read replica cannot be reached: reading from the primary.", exc_info=True)
        return False
    return True


class ReplicaRouter:
    """settings.DATABASE_ROUTERS; the decision is described at the top of this module."""

    def db_for_read(self, model, **hints):
        scope = _scope.get()
        if (scope is None or not scope.use_replica or connections[DEFAULT_DB_ALIAS].in_atomic_block
                or model._meta.label_lower in PRIMARY_ONLY):
            # Not None when there is a replica: Django would then read an object's relations where
            # the object came from, the replica, after the scope has ended.
            return DEFAULT_DB_ALIAS if replica_configured() else None
        if scope.reachable is None:
            scope.reachable = _reachable()
        return REPLICA if scope.reachable else DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        if not replica_configured():
            return None
        if model._meta.label_lower not in BOOKKEEPING:
            scope, writes = _scope.get(), _writes.get()
            if scope is not None:
                scope.use_replica = False
            if writes is not None:
                writes.wrote = True
        # Never None: Django would then write where the instance was read from, the replica.
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same rows.
        return True if replica_configured() else None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS if replica_configured() else None


class ReplicaMiddleware:
    """Notes, after a request that wrote, that its user wrote (read your writes across requests,
    on every app server when the cache is shared: REDIS_URL)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_configured():
            return self.get_response(request)
        writes = _Writes()
        token = _writes.set(writes)
        try:
            response = self.get_response(request)
        finally:
            _writes.reset(token)
        if writes.wrote:
            # After the view: DRF sets request.user when it authenticates a token.
            user = getattr(request, "user", None)
            if getattr(user, "is_authenticated", False):
                note_user_write(user.pk)
        return response
