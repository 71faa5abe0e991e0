"""A real PostgreSQL streaming replica: reports read there, everything else on the primary, and a
user who just wrote reads their own writes (core/replica.py, docs/scaling.md).

The test starts its own primary (initdb, on a free loopback port, in a temporary directory),
migrates it, clones it with `pg_basebackup -R` into a standby on a second port, and runs
tests/framework/replica_scenario.py in a process of its own with DATABASE_URL and
DATABASE_REPLICA_URL pointing at them. It runs in the PostgreSQL test run only (it needs the
server binaries, not the test database) and is skipped, saying why, where they are missing or the
servers cannot be started. As root (CI containers) the servers run as the `postgres` user, since
PostgreSQL refuses to run as root.
"""

import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

BASE_DIR = Path(settings.BASE_DIR)
STICKY_SECONDS = 2
BIN_DIRS = [os.environ.get("KEDAO_PG_BIN", ""), "/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin",
            "/usr/lib/postgresql/17/bin", "/usr/local/bin", "/usr/bin"]
TOOLS = ("initdb", "pg_ctl", "pg_basebackup", "postgres", "psql")


def _server_bin():
    for directory in filter(None, BIN_DIRS):
        if all(os.access(os.path.join(directory, tool), os.X_OK) for tool in TOOLS):
            return directory
    return None


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    """A primary and its streaming standby under one temporary directory; `stop()` always cleans up."""

    def __init__(self, bin_dir):
        self.bin = bin_dir
        self.base = tempfile.mkdtemp(prefix="kedao-replica-")
        self.started = []
        self.as_user = []
        if os.geteuid() == 0:
            try:
                account = pwd.getpwnam("postgres")
            except KeyError:
                raise RuntimeError("running as root and there is no 'postgres' user to run the servers") from None
            os.chown(self.base, account.pw_uid, account.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self.primary, self.standby = f"{self.base}/primary", f"{self.base}/standby"
        self.primary_port, self.standby_port = _free_port(), _free_port()

    def run(self, tool, *args):
        done = subprocess.run([*self.as_user, os.path.join(self.bin, tool), *args], cwd=self.base,
                              capture_output=True, text=True, timeout=60)
        if done.returncode:
            raise RuntimeError(f"{tool} failed: {done.stderr.strip() or done.stdout.strip()}")
        return done.stdout

    def url(self, port):
        return f"postgres://postgres@127.0.0.1:{port}/kedao"

    def start(self, data_dir, port):
        self.run("pg_ctl", "-D", data_dir, "-l", f"{data_dir}.log", "-w", "-t", "30", "-o", f"-c port={port}", "start")
        self.started.append(data_dir)

    def create_primary(self):
        self.run("initdb", "-D", self.primary, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8",
                 "--no-sync")
        # Loopback only, sockets in our directory; no fsync (a throw-away cluster). initdb's pg_hba
        # already lets local connections replicate; wal_level is "replica" by default.
        with open(f"{self.primary}/postgresql.conf", "a") as conf:
            conf.write(f"listen_addresses = '127.0.0.1'\nunix_socket_directories = '{self.base}'\n"
                       "fsync = off\nsynchronous_commit = off\nshared_buffers = 16MB\nmax_connections = 40\n")
        self.start(self.primary, self.primary_port)
        self.run("psql", "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres", "-d", "postgres",
                 "-c", "CREATE DATABASE kedao")

    def create_standby(self):
        self.run("pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres",
                 "-D", self.standby, "-R", "-X", "stream", "-c", "fast")
        self.start(self.standby, self.standby_port)
        in_recovery = self.run("psql", "-h", "127.0.0.1", "-p", str(self.standby_port), "-U", "postgres",
                               "-d", "kedao", "-tAc", "SELECT pg_is_in_recovery()").strip()
        if in_recovery != "t":
            raise RuntimeError(f"the standby is not in recovery ({in_recovery!r})")

    def stop(self):
        for data_dir in reversed(self.started):
            subprocess.run([*self.as_user, os.path.join(self.bin, "pg_ctl"), "-D", data_dir, "-m", "immediate",
                            "-w", "stop"], cwd=self.base, capture_output=True, timeout=60)
        shutil.rmtree(self.base, ignore_errors=True)


def _env(**extra):
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "DATABASE_REPLICA_URL", "KEDAO_TEST_DB_NAME", "REDIS_URL")}
    env.update(DJANGO_SETTINGS_MODULE="kedao.settings", KEDAO_DEV="1", SECRET_KEY="test-only",
               KEDAO_VAR_DIR=tempfile.gettempdir(), **extra)
    return env


@pytest.fixture
def streaming_replica():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL test run only (DATABASE_URL=postgres://…): the replica test starts PostgreSQL servers")
    bin_dir = _server_bin()
    if bin_dir is None:
        pytest.skip(f"the PostgreSQL server binaries ({', '.join(TOOLS)}) are not installed; "
                    "set KEDAO_PG_BIN to their directory")
    try:
        cluster = Cluster(bin_dir)
    except RuntimeError as error:
        pytest.skip(f"cannot start a PostgreSQL server here: {error}")
    try:
        try:
            cluster.create_primary()
        except (RuntimeError, subprocess.TimeoutExpired) as error:
            pytest.skip(f"cannot start a PostgreSQL server here: {error}")
        migrate = subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=BASE_DIR, timeout=180,
                                 env=_env(DATABASE_URL=cluster.url(cluster.primary_port)),
                                 capture_output=True, text=True)
        assert migrate.returncode == 0, migrate.stderr[-3000:]
        cluster.create_standby()
        yield cluster
    finally:
        cluster.stop()


def test_a_report_reads_the_streaming_replica_and_the_writer_reads_their_writes(streaming_replica):
    cluster = streaming_replica
    run = subprocess.run(
        [sys.executable, "-m", "tests.framework.replica_scenario"], cwd=BASE_DIR, timeout=120, capture_output=True,
        text=True, env=_env(DATABASE_URL=cluster.url(cluster.primary_port),
                            DATABASE_REPLICA_URL=cluster.url(cluster.standby_port),
                            KEDAO_REPLICA_STICKY_SECONDS=str(STICKY_SECONDS), DB_CONN_MAX_AGE="0"))
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout)

    assert result["caught_up_before"] and result["paused"] == "paused"
    # Before: three overdue tasks, read on the replica only.
    count, used = result["reader_before"]
    assert count == 3
    assert used["replica"] > 0, used
    # The writer adds one while the standby's replay is paused: on the primary, not on the replica.
    assert result["write_status"] == 201
    assert result["on_primary"] and not result["on_replica"]
    # The reader's report comes from the replica: still three.
    count, used = result["reader_paused"]
    assert count == 3
    assert used["replica"] > 0, used
    # A page that is not a report reads the primary: the new task's page opens.
    status, used = result["reader_detail_page"]
    assert status == 200
    assert used["replica"] == 0, used
    # The writer, who wrote less than REPLICA_STICKY_SECONDS ago, reads the primary: four.
    count, used = result["writer_paused"]
    assert count == 4
    assert used["replica"] == 0, used
    # Past the window the writer's report is on the (still paused) replica again.
    count, used = result["writer_after_sticky"]
    assert count == 3
    assert used["replica"] > 0, used
    # Replay resumed and caught up: everyone sees four.
    assert result["caught_up_after"]
    count, used = result["reader_after"]
    assert count == 4
    assert used["replica"] > 0, used


# --- which views read "may lag" (on any database) ---------------------------------------------
# Reports, dashboards and exports run inside core.replica's scope; other pages do not. Checked by
# watching the router: inside a test's transaction it answers "default" whatever the scope, so the
# spy records the scope, not the answer.

SCOPED_PAGES = [
    "/reports/activities.overdue/", "/reports/activities.overdue/?export=csv", "/sales/funnel/",
    "sales:report_lead_sources", "sales:collision_report", "customers:stats", "customers:not_contacted",
    "targets:forecast", "targets:forecast_accuracy", "activities:daily_team", "home",
    "/api/targets/forecast/", "/api/targets/accuracy/",
    "/customers/?export=csv&foreground=1", "/customers/?export=xlsx&foreground=1",
]
UNSCOPED_PAGES = ["/customers/", "/sales/opportunities/", "/api/customers/customers/"]


@pytest.fixture
def scope_spy(monkeypatch):
    from core import replica

    monkeypatch.setattr(replica, "replica_configured", lambda: True)
    monkeypatch.setattr(replica, "_reachable", lambda: True)
    seen = []
    original = replica.ReplicaRouter.db_for_read

    def spy(self, model, **hints):
        scope = replica._scope.get()
        seen.append(scope is not None and scope.use_replica)
        return original(self, model, **hints)

    monkeypatch.setattr(replica.ReplicaRouter, "db_for_read", spy)
    return seen


def _url(name):
    from django.urls import reverse

    return name if name.startswith("/") else reverse(name)


def _get(client, url):
    response = client.get(url)
    if response.streaming:
        b"".join(response.streaming_content)  # a streamed CSV reads its rows now
    return response


@pytest.fixture
def admin(world):
    """Every grant (targets too), so that each page reads and renders."""
    user = world.users["ceo"]
    user.is_superuser = True
    user.save()
    return user


@pytest.mark.parametrize("name", SCOPED_PAGES)
def test_reports_dashboards_and_exports_read_where_reads_may_lag(client, admin, scope_spy, name):
    client.force_login(admin)
    response = _get(client, _url(name))
    assert response.status_code == 200, response.content[:300]
    assert any(scope_spy), "no read of this page may lag: it should read from the replica"


@pytest.mark.parametrize("name", UNSCOPED_PAGES)
def test_other_pages_read_the_primary(client, admin, scope_spy, name):
    client.force_login(admin)
    response = _get(client, _url(name))
    assert response.status_code == 200
    assert scope_spy and not any(scope_spy)


def test_the_background_export_reads_where_reads_may_lag(admin, scope_spy):
    from core.imports.exporting import run_export
    from core.imports.models import ExportJob, JobStatus

    job = ExportJob.objects.create(user=admin, object_type="customers.customer", export_format="csv",
                                   query="", total_rows=0)
    assert run_export(job).status == JobStatus.DONE
    assert any(scope_spy)
