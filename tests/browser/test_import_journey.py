"""A seller imports customers from Excel in a real browser: upload a file holding a duplicate and a
bad row, check the guessed mapping, preview, import skipping the bad row, watch the progress bar
finish, find the customers in the list; then merge the imported duplicate into the customer that
was already there.

The import runs as it does in production: the page only queues the task (django-tasks, database
backend) and a worker picks it up. Here the worker is `db_worker --batch` run in a loop by a thread
of the test process, beside the live server's thread; nothing else is needed in CI.
"""

import threading
import time
from pathlib import Path

import pytest
from django.db import connection
from openpyxl import Workbook

from core.testing.world import build_world
from customers.models import Customer
from customers.tests.factories import CustomerFactory, make_credit_code

from .conftest import assert_accessible

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def world(transactional_db, settings, tmp_path):
    settings.TASKS = DB_TASKS
    settings.MEDIA_ROOT = tmp_path / "media"
    world = build_world()
    CustomerFactory(owner=world.seller1, name="北京朝阳已有贸易有限公司")
    return world


@pytest.fixture
def worker(world, monkeypatch):
    """A task worker in a thread of the test process. The test database may be SQLite in memory
    (shared cache: a writer makes the other connection fail at once, no busy wait), so requests
    and worker runs take turns through one lock; on PostgreSQL the lock only costs a few ms."""
    from django.core.handlers.wsgi import WSGIHandler

    stop, turn = threading.Event(), threading.Lock()
    handle = WSGIHandler.__call__

    def serialised(self, environ, start_response):
        with turn:
            return handle(self, environ, start_response)

    monkeypatch.setattr(WSGIHandler, "__call__", serialised)

    from django_tasks_db.management.commands.db_worker import Worker

    class ThreadWorker(Worker):
        def configure_signals(self):  # signals belong to the main thread (pytest's)
            pass

    def loop():
        try:
            while not stop.is_set():
                with turn:
                    ThreadWorker(queue_names=["default"], interval=0, batch=True, backend_name="default",
                                 startup_delay=False, max_tasks=None, worker_id="journey",
                                 excluded_queue_names=[]).run()
                time.sleep(0.3)
        finally:
            connection.close()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    # The test's own queries take their turn too: the worker opens an IMMEDIATE transaction on
    # each run, and on shared-cache SQLite a read beside it fails with "database schema is locked".
    yield turn
    stop.set()
    thread.join(timeout=10)


def sheet(path):
    workbook = Workbook()
    rows = [["客户名称", "统一社会信用代码", "电话", "客户级别"],
            ["杭州导入一号科技有限公司", make_credit_code(), "0571-88886666", "潜在客户"],
            ["北京朝阳已有贸易有限公司", "", "010-66668888", ""],  # a duplicate of a stored customer
            ["南京坏行有限公司", "91320100XXXXXXXXX1", "", ""],  # a bad credit code
            ["成都导入二号科技有限公司", "", "028-12345678", "准客户"]]
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)


def test_seller_imports_customers_with_a_duplicate_and_a_bad_row(page, live_server, world, worker, tmp_path):
    from playwright.sync_api import expect

    file = tmp_path / "客户导入.xlsx"
    sheet(file)
    page.goto(live_server.url + "/login/")
    page.get_by_label("用户名").fill("north.seller1")
    page.get_by_label("密码").fill("demo")
    page.get_by_role("button", name="登录").click()

    page.goto(live_server.url + "/customers/")
    page.get_by_test_id("import-button").click()
    page.get_by_test_id("import-file").set_input_files(str(file))
    page.get_by_test_id("upload").click()

    # The mapping is guessed from the Chinese headers.
    expect(page.get_by_test_id("column-0")).to_have_value("name")
    expect(page.get_by_test_id("column-1")).to_have_value("credit_code")
    expect(page.get_by_test_id("column-3")).to_have_value("level")
    page.get_by_test_id("skip-bad-rows").check()
    page.get_by_test_id("preview").click()
    table = page.get_by_test_id("preview-table")
    expect(table.locator("tr[data-row='4'][data-action='error']")).to_be_visible()
    expect(table.locator("tr[data-row='3'] [data-testid='row-duplicates']")).to_contain_text("北京朝阳已有贸易有限公司")
    page.screenshot(path=str(ARTIFACTS / "import-1-preview.png"), full_page=True)
    assert_accessible(page, "import preview")
    with worker:
        assert not Customer.objects.filter(name="杭州导入一号科技有限公司").exists()

    page.get_by_test_id("commit").click()
    progress = page.get_by_test_id("import-progress")
    expect(progress).to_be_visible()
    expect(progress).to_have_attribute("data-status", "done", timeout=30_000)  # polled by htmx
    expect(page.get_by_test_id("progress-bar")).to_have_attribute("value", "100")
    expect(page.get_by_test_id("count-created")).to_have_text("3")
    expect(page.get_by_test_id("count-failed")).to_have_text("1")
    expect(page.get_by_test_id("count-duplicates")).to_have_text("1")
    page.screenshot(path=str(ARTIFACTS / "import-2-done.png"), full_page=True)

    page.get_by_test_id("to-list").click()
    page.locator("#list-filters input[name=q]").fill("导入")
    expect(page.get_by_role("link", name="杭州导入一号科技有限公司")).to_be_visible()
    expect(page.get_by_role("link", name="成都导入二号科技有限公司")).to_be_visible()

    # The imported duplicate: select both, "合并" (merge), keep the stored one, take the phone of
    # the imported row, confirm.
    with worker:
        stored, imported = Customer.objects.filter(name="北京朝阳已有贸易有限公司").order_by("pk")
    page.locator("#list-filters input[name=q]").fill("北京朝阳已有")
    rows = page.locator("#object-list tbody tr")
    expect(rows).to_have_count(2)
    rows.locator("input[type=checkbox][name=pk]").nth(0).check()
    rows.locator("input[type=checkbox][name=pk]").nth(1).check()
    page.get_by_test_id("bulk-action").filter(has_text="合并").first.click()
    expect(page.get_by_test_id("merge-table")).to_be_visible()
    page.locator(f"#survivor_{stored.pk}").check()
    page.locator(f"#value_phone_{imported.pk}").check()
    page.screenshot(path=str(ARTIFACTS / "import-3-merge.png"), full_page=True)
    page.get_by_test_id("merge-submit").click()
    page.locator("#kedao-confirm [data-confirm-ok]").click()
    expect(page).to_have_url(f"{live_server.url}/customers/{stored.pk}/")
    with worker:
        survivors = list(Customer.objects.filter(name="北京朝阳已有贸易有限公司"))
        merged_into = Customer.all_objects.get(pk=imported.pk).merged_into_id
    assert [c.pk for c in survivors] == [stored.pk]
    assert survivors[0].phone == imported.phone != stored.phone
    assert merged_into == stored.pk
    assert not page.problems.errors, page.problems.errors
