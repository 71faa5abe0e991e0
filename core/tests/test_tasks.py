"""Background tasks (core/tasks.py): retries with back-off, the failed-tasks page, recovery of the
work of dead workers, the scheduler (core/scheduler.py). The worker is django-tasks-db's, run in
this process (`db_worker --batch`) on the test database."""

import datetime
import random

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.registry import ScheduledJob, register_scheduled_job
from core.scheduler import SchedulerLock, build_scheduler
from core.tasks import (
    RETRY_SCHEDULED_PATH,
    enqueue_scheduled_job,
    failed_results,
    kedao_task,
    retry_delay,
    run_scheduled_job,
    tasks_recover,
)

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
CALLS = []


def person(username, **flags):
    return get_user_model().objects.create_user(username, email=f"{username}@example.cn", password="x", **flags)


@kedao_task()
def flaky(name, failures):
    """Fails `failures` times, then succeeds."""
    CALLS.append(name)
    if CALLS.count(name) <= failures:
        raise ConnectionError(f"{name}: mail server down")
    return f"{name} done"


@kedao_task()
def broken(name):
    CALLS.append(name)
    raise ValueError(f"{name}: bad data")


@pytest.fixture
def queue(settings, monkeypatch):
    settings.TASKS = DB_TASKS
    # Retries come back at once, so that one batch of the worker runs every attempt.
    settings.KEDAO = {**settings.KEDAO, "TASK_RETRY_DELAY": 0, "TASK_ATTEMPTS": 3}
    # The worker drops connections it deems stale: the test's own (inside its transaction) is not.
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    CALLS.clear()


def work():
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", "--no-reload", verbosity=0)


def rows_of(task):
    return list(DBTaskResult.objects.filter(task_path=task.module_path).order_by("enqueued_at"))


def test_a_task_failing_twice_succeeds_on_its_third_attempt(db, queue):
    flaky.enqueue("报价", 2)
    work()
    rows = rows_of(flaky)
    assert CALLS == ["报价"] * 3
    assert [row.status for row in rows] == ["FAILED", "FAILED", "SUCCESSFUL"]
    assert rows[-1].return_value == "报价 done"
    assert [row.args_kwargs["kwargs"].get("kedao_attempt", 1) for row in rows] == [1, 2, 3]
    # The failed attempts were retried: recorded with the real error, not listed as failed.
    assert all(row.exception_class_path == RETRY_SCHEDULED_PATH for row in rows[:2])
    assert "ConnectionError: 报价: mail server down" in rows[0].traceback
    assert not failed_results().exists()


def test_retries_wait_longer_each_time_with_jitter(db, queue, settings):
    settings.KEDAO = {**settings.KEDAO, "TASK_RETRY_DELAY": 60, "TASK_RETRY_FACTOR": 5}
    rng = random.Random(1)
    for attempt, nominal in ((1, 60), (2, 300), (3, 1500)):
        for _ in range(20):
            assert nominal * 0.8 <= retry_delay(attempt, rng=rng) <= nominal * 1.2
    flaky.enqueue("延迟", 5)
    before = timezone.now()
    work()  # the first attempt fails; the second waits about a minute
    first, second = rows_of(flaky)
    assert first.status == "FAILED" and second.status == "READY" and CALLS == ["延迟"]
    assert before + datetime.timedelta(seconds=47) <= second.run_after <= timezone.now() + datetime.timedelta(seconds=73)


def test_a_task_always_failing_ends_on_the_failed_tasks_page(db, queue, client):
    broken.enqueue("坏数据")
    work()
    assert CALLS == ["坏数据"] * 3
    failed = failed_results().get()
    assert failed.exception_class_path == "builtins.ValueError" and failed.args_kwargs["kwargs"]["kedao_attempt"] == 3

    admin = person("管理员", is_superuser=True, is_staff=True)
    client.force_login(admin)
    page = client.get(reverse("core:failed_tasks"))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="failed-count">1<' in html
    assert "broken" in html and "坏数据" in html and "ValueError: 坏数据: bad data" in html
    assert reverse("core:task_retry", args=[failed.pk]) in html
    assert reverse("core:failed_tasks") in client.get(reverse("home")).content.decode()  # in the user menu

    # Retry: queued again from the first attempt; the failed row leaves the list.
    response = client.post(reverse("core:task_retry", args=[failed.pk]))
    assert response.status_code == 302
    fresh = DBTaskResult.objects.filter(task_path=broken.module_path, status="READY").get()
    assert fresh.args_kwargs == {"args": ["坏数据"], "kwargs": {}}
    assert 'data-testid="no-failed-tasks"' in client.get(reverse("core:failed_tasks")).content.decode()
    # A second click on the same row queues nothing more.
    client.post(reverse("core:task_retry", args=[failed.pk]))
    assert DBTaskResult.objects.filter(task_path=broken.module_path, status="READY").count() == 1


def test_only_administrators_see_failed_tasks(db, client):
    seller = person("销售")
    client.force_login(seller)
    assert client.get(reverse("core:failed_tasks")).status_code == 403
    assert client.post(reverse("core:task_retry", args=["7b0f52c4-5c2b-4a8e-9d6e-3f3c1a2b4c5d"])).status_code == 403
    assert reverse("core:failed_tasks") not in client.get(reverse("home")).content.decode()
    client.logout()
    assert client.get(reverse("core:failed_tasks")).status_code == 302  # to the login page


def test_the_failed_tasks_page_in_chinese(db, client, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    client.force_login(person("管理员", is_superuser=True))
    html = client.get(reverse("core:failed_tasks"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "失败的后台任务" in html


# --- recovery of the work of dead workers ---------------------------------------------------------


def running(task, *args, worker, started=None, **kwargs):
    result = task.enqueue(*args, **kwargs)
    DBTaskResult.objects.filter(pk=result.id).update(status="RUNNING", started_at=started or timezone.now(),
                                                     worker_ids=worker if isinstance(worker, list) else [worker])
    return DBTaskResult.objects.get(pk=result.id)


def dead_worker():
    import socket
    import subprocess

    process = subprocess.Popen(["true"])
    process.wait()  # its pid is free now (and not reused within the test)
    return f"{socket.gethostname()[:40]}:{process.pid}:abcdefgh"


def test_recovery_queues_again_the_tasks_of_dead_workers_only(db, queue):
    import os
    import socket

    alive = f"{socket.gethostname()[:40]}:{os.getpid()}:alive000"
    dead = running(flaky, "死", 0, worker=dead_worker())
    living = running(flaky, "活", 0, worker=alive)
    elsewhere = running(flaky, "远", 0, worker="other-host:1:x")
    stale = running(flaky, "久", 0, worker="other-host:2:y", started=timezone.now() - datetime.timedelta(hours=2))
    assert tasks_recover(stale_after=3600) == (2, 0)
    statuses = {row.pk: row.status for row in DBTaskResult.objects.all()}
    assert statuses == {dead.pk: "READY", living.pk: "RUNNING", elsewhere.pk: "RUNNING", stale.pk: "READY"}
    work()
    assert sorted(CALLS) == ["久", "死"]  # each once


def test_recovery_gives_up_on_a_task_that_keeps_killing_its_worker(db, queue):
    row = running(flaky, "崩溃", 0, worker=["a:1:x", "b:2:y", dead_worker()])
    assert tasks_recover() == (0, 1)
    row.refresh_from_db()
    assert row.status == "FAILED" and row.exception_class_path == "core.tasks.WorkerLost"
    assert list(failed_results()) == [row]


def test_recovery_does_not_run_again_an_attempt_whose_retry_is_queued(db, queue):
    row = running(flaky, "重试", 0, worker=dead_worker())
    flaky.enqueue("重试", 0, kedao_attempt=2, kedao_retry_of=str(row.pk))
    assert tasks_recover() == (0, 1)
    row.refresh_from_db()
    assert row.status == "FAILED" and row.exception_class_path == RETRY_SCHEDULED_PATH
    work()
    assert CALLS == ["重试"] and not failed_results().exists()


# --- the scheduler ---------------------------------------------------------------------------------


def test_register_scheduled_job_keeps_every_and_accepts_cron():
    from core import registry

    saved = dict(registry._scheduled_jobs)
    try:
        register_scheduled_job("test.hourly", "hourly", lambda now: None, every=3600)
        register_scheduled_job("test.daily", "daily", lambda now: None, cron="0 18 * * *")
        with pytest.raises(ValueError):
            register_scheduled_job("test.bad", "bad", lambda now: None, cron="18:00")
        scheduler = build_scheduler([registry.get_scheduled_job("test.hourly"), registry.get_scheduled_job("test.daily")])
        jobs = {job.id: job for job in scheduler.get_jobs()}
        assert jobs["test.hourly"].trigger.interval == datetime.timedelta(hours=1)
        # At 18:00 in the company's time zone (Asia/Shanghai), whatever the server's.
        start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)  # 17:00 in Shanghai
        fire = jobs["test.daily"].trigger.get_next_fire_time(None, start)
        assert fire.astimezone(datetime.UTC) == datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
    finally:
        registry._scheduled_jobs.clear()
        registry._scheduled_jobs.update(saved)


def test_every_registered_job_is_scheduled():
    from core.registry import scheduled_jobs

    ids = {job.id for job in build_scheduler().get_jobs()}
    assert ids == {job.key for job in scheduled_jobs()}
    assert {"core.tasks_recover", "customers.pool", "notifications.prune"} <= ids


def test_a_due_job_is_queued_once_and_run_by_the_worker(db, queue):
    from core import registry

    ran = []
    saved = dict(registry._scheduled_jobs)
    try:
        register_scheduled_job("test.count", "count", lambda now: ran.append(now) or "counted", every=60)
        first = enqueue_scheduled_job("test.count")
        assert first is not None
        assert enqueue_scheduled_job("test.count") is None  # still pending: not piled up
        work()
        assert len(ran) == 1
        assert DBTaskResult.objects.get(pk=first).return_value == "counted"
        assert enqueue_scheduled_job("test.count") is not None  # done: the next round may go
    finally:
        registry._scheduled_jobs.clear()
        registry._scheduled_jobs.update(saved)
    assert run_scheduled_job.module_path == "core.tasks.run_scheduled_job"


def test_only_one_scheduler_holds_the_lock(transactional_db):
    first, second = SchedulerLock(), SchedulerLock()
    try:
        assert first.acquire() and first.alive()
        assert not second.acquire()
        first.release()
        assert second.acquire()  # a standby takes over when the active one stops
    finally:
        first.release()
        second.release()


def test_scheduler_job_still_runs_by_hand(db):
    from io import StringIO

    out = StringIO()
    call_command("run_scheduled", "--job", "core.tasks_recover", stdout=out)
    assert "core.tasks_recover: 0 tasks queued again, 0 failed for good" in out.getvalue()


def test_scheduled_job_dataclass_default():
    assert ScheduledJob(key="k", label="l", run=print).cron == ""
