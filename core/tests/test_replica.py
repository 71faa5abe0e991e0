"""The read-replica router (core/replica.py): where reads and writes go, read your writes, and the
settings that add the alias. The real streaming replica is in tests/framework/test_read_replica.py."""

import runpy
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.models import Session
from django.db import OperationalError, connections, router, transaction
from django.http import HttpResponse
from django.test import RequestFactory

from core import replica
from core.replica import ReplicaMiddleware, in_read_scope, reads_from_replica, replica_reads

SETTINGS_FILE = str(Path(django_settings.BASE_DIR) / "kedao" / "settings.py")


class User:
    is_authenticated = True

    def __init__(self, pk):
        self.pk = pk


@pytest.fixture
def with_replica(monkeypatch, settings):
    """As with DATABASE_REPLICA_URL set; no query is sent (the alias is only named)."""
    monkeypatch.setattr(replica, "replica_configured", lambda: True)
    monkeypatch.setattr(replica, "_reachable", lambda: True)
    settings.KEDAO = {**settings.KEDAO, "REPLICA_STICKY_SECONDS": 1}


def test_the_router_is_installed(settings):
    assert settings.DATABASE_ROUTERS == ["core.replica.ReplicaRouter"]


def test_reads_go_to_the_primary_outside_a_reads_may_lag_scope(with_replica):
    assert router.db_for_read(Group) == "default"
    # Also the relations of an object read on the replica, once the scope has ended.
    read_on_replica = Group(name="x")
    read_on_replica._state.db = "replica"
    assert router.db_for_read(Group, instance=read_on_replica) == "default"


def test_reads_go_to_the_replica_inside_the_scope_and_back_after_it(with_replica):
    with reads_from_replica(User(1)):
        assert router.db_for_read(Group) == "replica"
        assert router.db_for_read(Permission) == "replica"  # permission look-ups and the like too
        assert router.db_for_read(Session) == "default"  # a logged-out session never comes back
    assert router.db_for_read(Group) == "default"


def test_writes_always_go_to_the_primary(with_replica):
    read_on_replica = Group(name="x")
    read_on_replica._state.db = "replica"
    assert router.db_for_write(Group) == "default"
    with reads_from_replica(User(1)):
        assert router.db_for_write(Group) == "default"
        # Not where the instance was read from: a replica refuses writes.
        assert router.db_for_write(Group, instance=read_on_replica) == "default"


def test_after_a_write_in_the_scope_its_reads_stay_on_the_primary(with_replica):
    with reads_from_replica(User(1)):
        assert router.db_for_read(Group) == "replica"
        router.db_for_write(Group)
        assert router.db_for_read(Group) == "default"


def test_bookkeeping_writes_leave_reads_on_the_replica(with_replica):
    with reads_from_replica(User(1)):
        router.db_for_write(Session)
        assert router.db_for_read(Group) == "replica"


def test_a_user_who_just_wrote_reads_the_primary_for_the_sticky_seconds(with_replica):
    replica.note_user_write(7)
    with reads_from_replica(User(7)):
        assert router.db_for_read(Group) == "default"
    with reads_from_replica(User(8)):  # someone else: not concerned
        assert router.db_for_read(Group) == "replica"
    time.sleep(1.1)  # REPLICA_STICKY_SECONDS = 1
    with reads_from_replica(User(7)):
        assert router.db_for_read(Group) == "replica"


def _through_middleware(view, user):
    request = RequestFactory().get("/")
    request.user = user
    return ReplicaMiddleware(view)(request)


def test_the_middleware_notes_a_request_that_wrote(with_replica):
    def writes(request):
        router.db_for_write(Group)  # what every save, create, update or delete asks
        return HttpResponse()

    def reads(request):
        router.db_for_read(Group)
        router.db_for_write(Session)
        return HttpResponse()

    _through_middleware(reads, User(3))
    assert not replica.wrote_recently(3)
    _through_middleware(writes, User(3))
    assert replica.wrote_recently(3)


def test_a_request_that_wrote_reads_the_primary_in_its_later_scopes(with_replica):
    seen = []

    def view(request):
        router.db_for_write(Group)
        with reads_from_replica(request.user):
            seen.append(router.db_for_read(Group))
        return HttpResponse()

    _through_middleware(view, User(4))
    assert seen == ["default"]


@pytest.mark.django_db
def test_a_real_write_through_the_middleware_makes_the_writer_sticky(with_replica):
    def view(request):
        Group.objects.create(name="written")
        return HttpResponse()

    _through_middleware(view, User(5))
    assert replica.wrote_recently(5)


@pytest.mark.django_db
def test_reads_inside_a_transaction_stay_on_the_primary(with_replica):
    with reads_from_replica(User(1)), transaction.atomic():
        assert router.db_for_read(Group) == "default"
        assert Group.objects.count() == Group.objects.using("default").count()


def test_the_decorator_scopes_a_view_function_and_an_api_method(with_replica):
    seen = []

    @replica_reads
    def page(request):
        seen.append(router.db_for_read(Group))
        return HttpResponse()

    class View:
        @replica_reads
        def get(self, request):
            seen.append(router.db_for_read(Group))
            return HttpResponse()

    request = RequestFactory().get("/")
    request.user = User(1)
    page(request)
    View().get(request)
    replica.note_user_write(1)
    page(request)
    assert seen == ["replica", "replica", "default"]


def test_a_streamed_response_reads_where_its_view_read(with_replica):
    def rows():
        for _number in range(3):
            yield router.db_for_read(Group)

    with reads_from_replica(User(1)):
        stream = in_read_scope(rows())
    # Iterated after the view returned, as a WSGI server iterates a StreamingHttpResponse.
    assert list(stream) == ["replica"] * 3
    assert router.db_for_read(Group) == "default"


def test_an_unreachable_replica_sends_reads_to_the_primary(monkeypatch):
    monkeypatch.setattr(replica, "replica_configured", lambda: True)

    class Down:
        in_atomic_block = False

        def ensure_connection(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(replica, "connections", {"default": connections["default"], "replica": Down()})
    with reads_from_replica(User(1)):
        assert router.db_for_read(Group) == "default"


def test_migrations_and_relations(with_replica):
    assert router.allow_migrate("default", "auth")
    assert not router.allow_migrate("replica", "auth")
    assert router.allow_relation(Group(), Group())


def test_without_a_replica_nothing_changes(monkeypatch):
    monkeypatch.setattr(replica, "replica_configured", lambda: False)  # the test settings have none anyway
    router_ = replica.ReplicaRouter()
    with reads_from_replica(User(1)):
        assert router_.db_for_read(Group) is None
        assert router_.db_for_write(Group) is None
    assert router_.allow_migrate("default", "auth") is None
    assert router_.allow_relation(Group(), Group()) is None
    assert _through_middleware(lambda request: HttpResponse("ok"), User(1)).content == b"ok"
    assert not replica.wrote_recently(1)


def test_database_replica_url_adds_a_mirrored_replica_alias(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://kedao@db1:5432/kedao?sslmode=require")
    monkeypatch.setenv("DATABASE_REPLICA_URL", "postgres://kedao_ro@db2:5432/kedao")
    databases = runpy.run_path(SETTINGS_FILE)["DATABASES"]
    assert databases["replica"]["HOST"] == "db2"
    assert databases["replica"]["USER"] == "kedao_ro"
    assert databases["replica"]["ENGINE"] == databases["default"]["ENGINE"]
    assert databases["replica"]["OPTIONS"] == {"sslmode": "require"}  # the primary's options
    assert databases["replica"]["CONN_MAX_AGE"] == databases["default"]["CONN_MAX_AGE"]
    assert databases["replica"]["DISABLE_SERVER_SIDE_CURSORS"] is False
    # The test run reads the test database through it: no second test database.
    assert databases["replica"]["TEST"] == {"MIRROR": "default"}

    monkeypatch.setenv("DB_DISABLE_SERVER_SIDE_CURSORS", "1")  # PgBouncer in transaction mode: both
    databases = runpy.run_path(SETTINGS_FILE)["DATABASES"]
    assert databases["default"]["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert databases["replica"]["DISABLE_SERVER_SIDE_CURSORS"] is True

    monkeypatch.delenv("DATABASE_REPLICA_URL")
    assert "replica" not in runpy.run_path(SETTINGS_FILE)["DATABASES"]


def test_a_cache_outage_reads_the_primary_and_does_not_fail_a_write(with_replica, monkeypatch):
    class Down:
        def get(self, *args, **kwargs):
            raise ConnectionError("redis is down")

        set = get

    monkeypatch.setattr(replica, "cache", Down())
    replica.note_user_write(9)  # no exception: the request that wrote still answers
    with reads_from_replica(User(9)):
        assert router.db_for_read(Group) == "default"
