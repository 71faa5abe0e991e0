"""The import's writer (core.imports.writing) as the task worker runs it: on PostgreSQL, outside any
transaction, a thread with its own connection writes each checked batch (COPY) while the next batch
is checked, and commits only at the end. The import stays all or nothing; the checks see only what
was stored before it. Batches of 2 rows here, so that a small file spans several."""

import io
import threading

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection
from django.utils import translation
from openpyxl import Workbook

from core.imports import engine, writing
from core.imports.models import ImportJob
from core.models import ObjectChange
from core.registry import get_importer
from customers.models import Customer
from customers.tests.factories import CustomerFactory, bad_check_digit, make_credit_code

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = ["客户名称", "统一社会信用代码", "电话"]


@pytest.fixture(autouse=True)
def _postgresql_small_batches(settings, tmp_path, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("the writer thread runs on PostgreSQL; elsewhere the rows are written at the end")
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(engine, "BATCH", 2)


def run(actor, rows, **options):
    workbook = Workbook()
    for row in [HEADER, *rows]:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    importer = get_importer("customers.customer")
    job = ImportJob(user=actor, object_type=importer.key, file_name="客户.xlsx", headers=HEADER,
                    mapping=["name", "credit_code", "phone"], **options)
    job.file.save("客户.xlsx", ContentFile(buffer.getvalue()), save=False)
    job.save()
    with translation.override("en"):
        engine.run_import(job, importer)
    job.refresh_from_db()
    return job


def spy_on_copies(monkeypatch):
    """The threads that wrote customer rows, and what the importing connection saw meanwhile."""
    seen = {"threads": set(), "stored_during_checks": []}
    copy, check = writing._Rows.copy, engine.Checker.check

    def spying_copy(self, rows):
        seen["threads"].add(threading.current_thread().name)
        return copy(self, rows)

    def spying_check(self, rows, numbers, **kwargs):
        seen["stored_during_checks"].append(Customer.objects.filter(name__startswith="流式").count())
        return check(self, rows, numbers, **kwargs)

    monkeypatch.setattr(writing._Rows, "copy", spying_copy)
    monkeypatch.setattr(engine.Checker, "check", spying_check)
    return seen


def test_batches_are_written_by_the_writer_thread_and_committed_together(world, monkeypatch):
    seen = spy_on_copies(monkeypatch)
    rows = [[f"流式公司{i}", make_credit_code(), f"0571-8888{i:04d}"] for i in range(7)]
    job = run(world.seller1, rows)
    assert (job.status, job.created_count, job.failed_count) == ("done", 7, 0), job.message
    assert seen["threads"] == {"import-writer"}
    # Batches went to the writer while later ones were checked; the checks saw none of them.
    assert seen["stored_during_checks"] == [0, 0, 0, 0]
    created = Customer.objects.filter(name__startswith="流式").order_by("name")
    assert created.count() == 7
    first = created[0]
    assert first.search_key.startswith("流式公司0 liushigongsi0") and first.match_name == "流式公司0"
    assert first.owner == world.seller1 and first.org_unit == world.seller1.unit and first.created_at
    changes = ObjectChange.objects.filter(content_type=ContentType.objects.get_for_model(Customer),
                                          object_id__in=[c.pk for c in created])
    assert changes.count() == 7 and {c.action for c in changes} == {"create"}
    after = changes.get(object_id=first.pk).postchange_data
    assert after["name"] == "流式公司0" and after["owner"]["id"] == world.seller1.pk
    assert "search_key" not in after and "match_name" not in after  # derived keys stay out of the history


def test_a_bad_row_rolls_back_the_batches_already_written(world, monkeypatch):
    seen = spy_on_copies(monkeypatch)
    rows = [[f"流式好{i}", make_credit_code(), ""] for i in range(5)] + [["流式坏", bad_check_digit(make_credit_code()), ""]]
    job = run(world.seller1, rows)
    assert job.status == "failed" and job.failed_count == 1 and job.skipped_count == 5
    assert seen["threads"] == {"import-writer"}  # the first batches were written…
    assert not Customer.all_objects.filter(name__startswith="流式").exists()  # …and rolled back
    assert not ObjectChange.objects.filter(object_repr__startswith="流式").exists()

    job = run(world.seller1, rows, skip_bad_rows=True)
    assert (job.status, job.created_count, job.skipped_count) == ("done", 5, 1)
    assert Customer.objects.filter(name__startswith="流式好").count() == 5


def test_a_failed_write_fails_the_job_and_keeps_nothing(world, monkeypatch):
    copy, calls = writing._Rows.copy, []

    def failing_copy(self, rows):
        calls.append(1)
        if len(calls) == 2:
            raise IntegrityError("duplicate key value violates unique constraint")
        return copy(self, rows)

    monkeypatch.setattr(writing._Rows, "copy", failing_copy)
    job = run(world.seller1, [[f"流式{i}", make_credit_code(), ""] for i in range(6)])
    assert job.status == "failed" and "nothing was imported" in job.message and job.created_count == 0
    assert not Customer.all_objects.filter(name__startswith="流式").exists()
    assert not ObjectChange.objects.filter(object_repr__startswith="流式").exists()


def test_upsert_updates_and_creates_through_the_writer_thread(world):
    mine = CustomerFactory(owner=world.seller1, name="流式旧名", phone="010-1")
    job = run(world.seller1, [["流式新名", mine.credit_code, ""], ["流式另一家", make_credit_code(), "010-2"]],
              mode="upsert", match_key="credit_code")
    assert (job.status, job.created_count, job.updated_count) == ("done", 1, 1), job.message
    mine.refresh_from_db()
    assert mine.name == "流式新名" and mine.phone == "010-1" and mine.version == 2  # an empty cell keeps the value
    assert mine.match_name == "流式新名" and "liushixinming" in mine.search_key
    change = ObjectChange.objects.get(object_id=mine.pk, action="update")
    assert change.prechange_data["name"] == "流式旧名" and change.postchange_data["name"] == "流式新名"
