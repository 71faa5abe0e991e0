"""Run by tests/framework/test_read_replica.py in a process of its own, with DATABASE_URL pointing
at a PostgreSQL primary (migrated) and DATABASE_REPLICA_URL at its streaming standby: a report read
on the replica, everything else on the primary, read your writes. Prints one JSON object.

With replay paused on the standby, a task the writer adds is on the primary only: the report shows
it to the writer (who just wrote) but not to a reader (replica), while the task's own page, not a
report, shows it to the reader (primary). Past the sticky window the writer's report is read on the
replica again; once replay resumes, everyone's report shows it.
"""

import csv
import datetime
import io
import json
import os
import sys
import time
from collections import Counter

import django

ALIASES = ("default", "replica")


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kedao.settings")
    django.setup()
    from django.db import connections
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from activities.models import Activity
    from org.models import Employee, OrgUnit

    setup_test_environment()  # the test client's host "testserver" is allowed
    queries = Counter()

    def counting(alias):
        def wrapper(execute, sql, params, many, context):
            queries[alias] += 1
            return execute(sql, params, many, context)
        return wrapper

    for alias in ALIASES:
        connections[alias].execute_wrappers.append(counting(alias))

    def sql(alias, statement):
        with connections[alias].cursor() as cursor:
            cursor.execute(statement)
            return cursor.fetchone()[0]

    def caught_up(timeout=20):
        target = sql("default", "SELECT pg_current_wal_lsn()::text")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            replayed = sql("replica", "SELECT pg_last_wal_replay_lsn()::text")
            if sql("replica", f"SELECT '{replayed}'::pg_lsn >= '{target}'::pg_lsn"):
                return True
            time.sleep(0.05)
        return False

    unit = OrgUnit.objects.create(name="总部", code="HQ")
    reader = Employee.objects.create_superuser("reader", "reader@example.cn", "pw", unit=unit)
    writer = Employee.objects.create_superuser("writer", "writer@example.cn", "pw", unit=unit)
    past = timezone.now() - datetime.timedelta(days=3)
    for number in range(3):
        Activity.objects.create(kind="task", subject=f"旧任务{number}", due_at=past, owner=writer, org_unit=unit)

    reader_client, writer_client = Client(), Client()
    reader_client.force_login(reader)
    writer_client.force_login(writer)

    def measured(client, url, **kwargs):
        before = dict(queries)
        response = client.get(url, **kwargs)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        used = {alias: queries[alias] - before.get(alias, 0) for alias in ALIASES}
        return response.status_code, body, used

    def overdue(client):
        """The "Overdue tasks" report as CSV: (overdue tasks in all, queries per alias)."""
        status, body, used = measured(client, "/reports/activities.overdue/?export=csv")
        assert status == 200, (status, body[:500])
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
        return sum(int(row[4]) for row in rows[1:] if row[4]), used

    # Written outside any request: nobody is "sticky" yet.
    result = {"caught_up_before": caught_up()}
    result["reader_before"] = overdue(reader_client)

    sql("replica", "SELECT pg_wal_replay_pause()::text")
    deadline = time.monotonic() + 10
    while sql("replica", "SELECT pg_get_wal_replay_pause_state()") != "paused" and time.monotonic() < deadline:
        time.sleep(0.05)
    result["paused"] = sql("replica", "SELECT pg_get_wal_replay_pause_state()")

    response = writer_client.post("/api/activities/activities/", json.dumps({
        "kind": "task", "subject": "刚加的任务", "due_at": past.isoformat()}), content_type="application/json")
    result["write_status"] = response.status_code
    new_pk = response.json().get("id")
    result["on_primary"] = Activity.objects.using("default").filter(pk=new_pk).exists()
    result["on_replica"] = Activity.objects.using("replica").filter(pk=new_pk).exists()

    result["reader_paused"] = overdue(reader_client)
    status, _body, used = measured(reader_client, f"/activities/{new_pk}/")
    result["reader_detail_page"] = [status, used]
    result["writer_paused"] = overdue(writer_client)
    time.sleep(float(os.environ["KEDAO_REPLICA_STICKY_SECONDS"]) + 0.5)
    result["writer_after_sticky"] = overdue(writer_client)

    sql("replica", "SELECT pg_wal_replay_resume()::text")
    result["caught_up_after"] = caught_up()
    result["reader_after"] = overdue(reader_client)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
