"""Notification e-mail through the real worker to a real SMTP server on loopback (aiosmtpd), and a
worker killed mid-task: the mails that went are not sent again, the one that did not is sent once."""

import asyncio
import email
import email.policy
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.db import connection
from django_tasks_db.models import DBTaskResult

from notifications.models import OutgoingMail
from notifications.services import notify
from org.tests.factories import EmployeeFactory

from .conftest import LOUD

ROOT = Path(__file__).resolve().parents[2]
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


class Recorder:
    """Keeps every accepted message; with `hold_rcpt=n`, the n-th recipient command waits until
    `release` is set (the sender is then mid-conversation, nothing delivered yet)."""

    def __init__(self, hold_rcpt=None):
        self.messages = []
        self.hold_rcpt = hold_rcpt
        self.rcpts = 0
        self.holding = threading.Event()
        self.release = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd's hook)
        self.rcpts += 1
        if self.rcpts == self.hold_rcpt:
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), str(message["Subject"]), str(message["Message-ID"])))
        return "250 Message accepted for delivery"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp():
    servers = []

    def start(**options):
        recorder = Recorder(**options)
        controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
        controller.start()
        servers.append((controller, recorder))
        return recorder, controller.port

    yield start
    for controller, recorder in servers:
        recorder.release.set()
        controller.stop()


def smtp_settings(settings, port):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 30


def test_a_notification_mail_reaches_a_real_smtp_server(db, settings, smtp, monkeypatch,
                                                        django_capture_on_commit_callbacks):
    recorder, port = smtp()
    smtp_settings(settings, port)
    settings.TASKS = DB_TASKS
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    seller = EmployeeFactory(username="mail.seller", email="seller@example.cn")
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[seller], event=LOUD, title="新商机：华东电力", body="请跟进")
    assert recorder.messages == []  # the request only queued it
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", "--no-reload", verbosity=0)
    assert len(recorder.messages) == 1
    rcpts, subject, message_id = recorder.messages[0]
    assert rcpts == ["seller@example.cn"] and subject == "新商机：华东电力"
    mail = OutgoingMail.objects.get()
    assert mail.sent_at is not None and message_id.startswith(f"<kedao-mail-{mail.pk}-")


# --- a worker killed mid-task ----------------------------------------------------------------------


class SharedDatabase:
    """The test database as other processes reach it: PostgreSQL's test database itself; for
    SQLite (in memory in tests), a copy in a file, which the processes and the checks then use."""

    def __init__(self, tmp_path):
        self.sqlite = connection.vendor == "sqlite"
        if self.sqlite:
            self.path = tmp_path / "shared.sqlite3"
            connection.ensure_connection()
            target = sqlite3.connect(self.path)
            connection.connection.backup(target)
            target.close()
            self.url = f"sqlite:///{self.path}"
        else:
            params = connection.settings_dict
            self.url = (f"postgres://{params['USER'] or 'postgres'}@{params['HOST'] or '127.0.0.1'}:"
                        f"{params['PORT'] or 5432}/{params['NAME']}")

    # Table names come from the models, not from input: no injection (ruff S608 cannot know that).
    def task_statuses(self):
        return self.rows(f"SELECT status FROM {DBTaskResult._meta.db_table}")  # noqa: S608

    def unsent_mails(self):
        return self.rows(f"SELECT COUNT(*) FROM {OutgoingMail._meta.db_table} WHERE sent_at IS NULL")  # noqa: S608

    def rows(self, sql):
        if self.sqlite:
            with sqlite3.connect(self.path) as conn:
                return conn.execute(sql).fetchall()
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()


def manage(*args, env, **options):
    return subprocess.Popen([sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **options)


def test_a_worker_killed_mid_task_loses_nothing_and_sends_nothing_twice(transactional_db, smtp, tmp_path, settings):
    settings.TASKS = DB_TASKS
    people = [EmployeeFactory(username=f"kill{n}", email=f"kill{n}@example.cn") for n in range(2)]
    notify(recipients=people, event=LOUD, title="任务提醒")  # no transaction: delivered at once
    assert OutgoingMail.objects.count() == 2
    shared = SharedDatabase(tmp_path)

    # The second recipient command waits: the worker has sent one mail and is mid-way through the other.
    recorder, port = smtp(hold_rcpt=2)
    env = {**os.environ, "KEDAO_DEV": "1", "DEBUG": "0", "SECRET_KEY": "test-only", "DATABASE_URL": shared.url,
           "TASKS_BACKEND": "django_tasks_db.DatabaseBackend", "KEDAO_VAR_DIR": str(tmp_path),
           "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": "127.0.0.1",
           "EMAIL_PORT": str(port), "EMAIL_USE_TLS": "0", "EMAIL_USE_SSL": "0", "DJANGO_SETTINGS_MODULE": "kedao.settings"}
    worker = manage("run_worker", "--interval", "0.2", "--no-startup-delay", "--no-reload", env=env)
    try:
        assert recorder.holding.wait(90), "the worker never reached the second mail"
        worker.send_signal(signal.SIGKILL)  # no clean-up of any kind
        worker.wait(30)
    finally:
        if worker.poll() is None:
            worker.kill()
    recorder.release.set()
    time.sleep(0.3)
    assert [rcpts for rcpts, _subject, _id in recorder.messages] == [[people[0].email]] or \
        [rcpts for rcpts, _subject, _id in recorder.messages] == [[people[1].email]]
    assert shared.task_statuses() == [("RUNNING",)]
    assert shared.unsent_mails() == [(1,)]

    recovery = manage("run_scheduled", "--job", "core.tasks_recover", env=env)
    out, _ = recovery.communicate(timeout=120)
    assert recovery.returncode == 0, out
    assert "1 tasks queued again" in out

    again = manage("run_worker", "--batch", "--interval", "0", "--no-startup-delay", "--no-reload", env=env)
    out, _ = again.communicate(timeout=120)
    assert again.returncode == 0, out

    delivered = sorted(rcpt for rcpts, _subject, _id in recorder.messages for rcpt in rcpts)
    assert delivered == sorted(person.email for person in people)  # each exactly once
    assert {subject for _rcpts, subject, _id in recorder.messages} == {"任务提醒"}
    assert shared.task_statuses() == [("SUCCESSFUL",)]
    assert shared.unsent_mails() == [(0,)]
