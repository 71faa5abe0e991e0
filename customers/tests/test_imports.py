"""Importing customers and contacts from spreadsheets (issue 8, point 8), pages and API.

The commit runs as a django-tasks task: the immediate backend here (the task runs inside the
request), the database backend and its worker in `test_commit_through_the_database_queue`.
"""

import csv
import io
import zipfile

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from rest_framework.test import APIClient

from core.imports import engine
from core.imports.models import ImportJob, ImportMapping
from core.models import ObjectChange
from customers.models import Contact, Customer
from customers.tests.factories import CustomerFactory, bad_check_digit, make_credit_code

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}


@pytest.fixture(autouse=True)
def _media_and_tasks(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = IMMEDIATE


def xlsx_bytes(rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, encoding="utf-8"):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def upload(client, data, name="客户.xlsx", object_type="customers.customer"):
    file = io.BytesIO(data)
    file.name = name
    return client.post(reverse("core:import_upload", kwargs={"object_type": object_type}), {"file": file})


def job_of(response):
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportJob.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))


def post_mapping(client, job, action, mapping=None, **options):
    data = {f"column-{i}": name for i, name in enumerate(mapping if mapping is not None else job.mapping)}
    data.update({"action": action, "mode": options.get("mode", "create"), "match_key": options.get("match_key", "")})
    if options.get("skip"):
        data["skip_bad_rows"] = "on"
    return client.post(reverse("core:import_detail", kwargs={"pk": job.pk}), data)


@pytest.fixture
def seller(client, world, settings):
    client.force_login(world.seller1)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # messages compared in English below
    return world.seller1


def test_messages_are_in_the_companys_language(client, world):
    client.force_login(world.seller1)
    response = upload(client, b"%PDF-1.4", name="a.pdf")
    assert response.status_code == 400 and "这不是客道能读取的表格文件" in response.content.decode()


HEADER = ["客户名称", "统一社会信用代码", "电话", "客户级别", "备注"]


def test_whole_customer_flow_guess_preview_commit_log_and_audit(client, seller):
    code = make_credit_code()
    existing = CustomerFactory(name="北京已有科技有限公司", owner=seller)
    data = xlsx_bytes([HEADER, ["杭州新客户有限公司", code, "0571-88886666", "潜在客户", "展会"],
                       ["北京已有科技有限公司", "", "13800138000", "", ""]])
    job = job_of(upload(client, data))
    assert job.mapping == ["name", "credit_code", "phone", "level", "notes"]
    page = client.get(reverse("core:import_detail", kwargs={"pk": job.pk}))
    assert page.status_code == 200 and "杭州新客户有限公司" not in page.content.decode()  # mapping first
    preview = post_mapping(client, job, "preview")
    body = preview.content.decode()
    assert preview.status_code == 200 and "杭州新客户有限公司" in body
    assert 'data-testid="row-duplicates"' in body  # the second row names an existing customer
    assert not Customer.objects.filter(name="杭州新客户有限公司").exists()  # a preview writes nothing
    response = post_mapping(client, job, "commit")
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.created_count, job.failed_count, job.duplicate_count) == ("done", 2, 0, 1)
    created = Customer.objects.get(name="杭州新客户有限公司")
    assert created.credit_code == code and created.level == "potential" and created.owner == seller
    assert created.org_unit == seller.unit and created.created_by == seller and created.search_key
    assert Customer.objects.filter(name=existing.name).count() == 2
    change = ObjectChange.objects.get(content_type=ContentType.objects.get_for_model(Customer), object_id=created.pk)
    assert change.action == "create" and change.user == seller and change.postchange_data["name"] == created.name
    # The log: the job page and the list of imports.
    page = client.get(reverse("core:import_detail", kwargs={"pk": job.pk})).content.decode()
    assert 'data-testid="count-created">2<' in page
    assert "客户.xlsx" in client.get(reverse("core:import_list")).content.decode()
    # The mapping is remembered for this user and type.
    assert ImportMapping.objects.get(user=seller, object_type="customers.customer").columns["客户名称"] == "name"


def test_english_headers_and_saved_mapping_are_guessed(client, seller):
    job = job_of(upload(client, xlsx_bytes([["Company name", "Credit code", "Telephone", "Whatever"], ["A公司", "", "", "x"]])))
    assert job.mapping == ["name", "credit_code", "phone", ""]
    post_mapping(client, job, "preview", mapping=["name", "credit_code", "phone", "notes"])
    again = job_of(upload(client, xlsx_bytes([["Company name", "Whatever"], ["B公司", "y"]])))
    assert again.mapping == ["name", "notes"]


def test_all_or_nothing_then_skip_bad_rows_and_error_report(client, seller):
    rows = [HEADER, ["好公司甲", make_credit_code(), "", "", ""], ["坏公司", bad_check_digit(make_credit_code()), "", "", ""],
            ["", "", "abc", "", ""], ["好公司乙", "", "", "", ""]]
    job = job_of(upload(client, xlsx_bytes(rows)))
    post_mapping(client, job, "commit")
    job.refresh_from_db()
    assert job.status == "failed" and job.failed_count == 2 and "nothing was imported" in job.message
    assert not Customer.objects.filter(name__startswith="好公司").exists()
    report = client.get(reverse("core:import_errors", kwargs={"pk": job.pk, "export_format": "xlsx"}))
    sheet = load_workbook(io.BytesIO(report.content)).active
    reported = [row for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert {row[0] for row in reported} == {3, 4}
    assert any(row[1] == "统一社会信用代码" for row in reported)

    job2 = job_of(upload(client, xlsx_bytes(rows)))
    post_mapping(client, job2, "commit", skip=True)
    job2.refresh_from_db()
    assert (job2.status, job2.created_count, job2.skipped_count) == ("done", 2, 2)
    assert Customer.objects.filter(name__startswith="好公司").count() == 2


def test_unique_credit_code_against_database_and_within_file(client, seller):
    taken = CustomerFactory(owner=seller)
    code = make_credit_code()
    job = job_of(upload(client, xlsx_bytes([HEADER, ["甲", taken.credit_code, "", "", ""], ["乙", code, "", "", ""],
                                            ["丙", code.lower(), "", "", ""]])))
    post_mapping(client, job, "commit", skip=True)
    job.refresh_from_db()
    assert job.created_count == 1 and job.failed_count == 2
    assert {error[0] for error in job.errors} == {2, 4}
    assert "3" in dict((error[0], error[2]) for error in job.errors)[4]  # names the row it repeats


def test_upsert_by_credit_code_updates_own_and_refuses_someone_elses(client, seller, world):
    mine = CustomerFactory(owner=seller, name="我的客户", phone="010-1")
    theirs = CustomerFactory(owner=world.south_seller, name="别人的客户")
    rows = [["客户名称", "信用代码", "电话"], ["我的客户（新名）", mine.credit_code, "010-2"], ["偷改", theirs.credit_code, "1"]]
    job = job_of(upload(client, xlsx_bytes(rows)))
    post_mapping(client, job, "commit", mode="upsert", match_key="credit_code")
    job.refresh_from_db()
    assert job.status == "failed"  # all or nothing: the refused row stops the file
    mine.refresh_from_db()
    assert mine.name == "我的客户"
    job = job_of(upload(client, xlsx_bytes(rows)))
    post_mapping(client, job, "commit", mode="upsert", match_key="credit_code", skip=True)
    job.refresh_from_db()
    assert (job.updated_count, job.created_count, job.failed_count) == (1, 0, 1)
    assert "may not change" in job.errors[0][2]
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.name, mine.phone, mine.version) == ("我的客户（新名）", "010-2", 2)
    assert theirs.name == "别人的客户"
    change = ObjectChange.objects.filter(object_id=mine.pk, action="update").get()
    assert change.prechange_data["name"] == "我的客户" and change.postchange_data["name"] == "我的客户（新名）"


def test_owner_column_only_for_users_the_actor_may_assign(client, world):
    client.force_login(world.dept_head)  # subordinates: seller1, seller2
    job = job_of(upload(client, xlsx_bytes([["客户名称", "负责人"], ["给下属", "north.seller1"],
                                            ["给别人", "south.seller"], ["给不存在", "nobody"]])))
    post_mapping(client, job, "commit", skip=True)
    job.refresh_from_db()
    assert job.created_count == 1 and job.failed_count == 2
    assert Customer.objects.get(name="给下属").owner == world.seller1
    assert not Customer.objects.filter(name="给别人").exists()


def test_contacts_flow_customer_by_name_or_code_within_scope(client, seller, world):
    mine = CustomerFactory(owner=seller, name="联系人客户有限公司")
    theirs = CustomerFactory(owner=world.south_seller, name="南方客户有限公司")
    rows = [["所属客户", "姓名", "手机", "邮箱"], [mine.name, "张三", "13900000001", "z@example.cn"],
            [mine.credit_code, "李四", "13900000002", ""], [theirs.name, "王五", "13900000003", ""],
            [mine.name, "赵六", "not a phone", "bad"]]
    job = job_of(upload(client, csv_bytes(rows), name="联系人.csv", object_type="customers.contact"))
    assert job.mapping == ["customer", "name", "mobile", "email"]
    post_mapping(client, job, "commit", skip=True)
    job.refresh_from_db()
    assert (job.created_count, job.failed_count) == (2, 2)
    assert set(Contact.objects.filter(customer=mine).values_list("name", flat=True)) == {"张三", "李四"}
    assert not Contact.objects.filter(name="王五").exists()
    # Upsert by mobile.
    job = job_of(upload(client, csv_bytes([["客户", "姓名", "手机", "职位"], [mine.name, "张三", "13900000001", "总经理"]]),
                        name="c.csv", object_type="customers.contact"))
    post_mapping(client, job, "commit", mode="upsert", match_key="mobile")
    job.refresh_from_db()
    assert job.updated_count == 1 and Contact.objects.get(mobile="13900000001").title == "总经理"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_encodings_are_detected(client, seller, encoding):
    job = job_of(upload(client, csv_bytes([["客户名称", "备注"], ["编码测试公司", "中文备注"]], encoding), name="a.csv"))
    post_mapping(client, job, "commit")
    assert Customer.objects.get(name="编码测试公司").notes == "中文备注"


def zip_bomb():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b"a" * (60 * 1024 * 1024) + b">")
    return buffer.getvalue()


@pytest.mark.parametrize("kind", ["not_spreadsheet", "zip_bomb", "wrong_encoding", "empty_sheet", "garbage",
                                  "header_only", "too_many_rows", "too_many_columns", "too_large", "xls"])
def test_bad_files_are_refused_with_a_clear_message(client, seller, settings, kind):
    import random

    settings.KEDAO = {**settings.KEDAO, "IMPORT_MAX_UNCOMPRESSED_BYTES": 50 * 1024 * 1024,
                      "IMPORT_MAX_ROWS": 5, "IMPORT_MAX_COLUMNS": 10, "IMPORT_MAX_BYTES": 12 * 1024 * 1024}
    rng = random.Random(8)
    files = {
        "not_spreadsheet": (b"%PDF-1.4 not a sheet", "a.pdf", "not a spreadsheet"),
        "zip_bomb": (zip_bomb(), "bomb.xlsx", "unpacks to more than"),
        "wrong_encoding": ("客户名称\n测试公司\n".encode("utf-16"), "a.csv", "not a text file"),
        "empty_sheet": (xlsx_bytes([]), "empty.xlsx", "sheet is empty"),
        "garbage": (bytes(rng.getrandbits(8) for _ in range(10 * 1024 * 1024)), "garbage.csv", ""),
        "header_only": (xlsx_bytes([["客户名称"]]), "h.xlsx", "no rows"),
        "too_many_rows": (xlsx_bytes([["客户名称"]] + [[f"公司{i}"] for i in range(6)]), "r.xlsx", "more than 5 rows"),
        "too_many_columns": (xlsx_bytes([[f"c{i}" for i in range(11)], ["x"] * 11]), "c.xlsx", "more than 10 columns"),
        "too_large": (b"a" * (13 * 1024 * 1024), "big.csv", "too large"),
        "xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old.xls", ".xls"),
    }
    data, name, message = files[kind]
    response = upload(client, data, name=name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'data-testid="import-error"' in response.content.decode()
    assert not ImportJob.objects.exists() and not Customer.objects.exists()


def test_formula_cell_is_text_never_evaluated_and_neutralised_in_exports(client, seller):
    data = xlsx_bytes([["客户名称", "备注"], ["公式公司", '=HYPERLINK("http://evil.example","点我")'], ["=1+1", "x"]])
    job = job_of(upload(client, data))
    post_mapping(client, job, "commit")
    customer = Customer.objects.get(name="公式公司")
    assert customer.notes == '=HYPERLINK("http://evil.example","点我")'
    assert Customer.objects.filter(name="=1+1").exists()  # the text, not 2
    export = client.get(reverse("customers:customer_list") + "?export=csv")
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "'=1+1" in text and "\n=1+1" not in text


def test_mapping_errors_are_shown_and_nothing_runs(client, seller):
    job = job_of(upload(client, xlsx_bytes([["备注", "电话"], ["x", "1"]])))
    response = post_mapping(client, job, "commit")
    assert response.status_code == 400 and 'data-testid="mapping-error"' in response.content.decode()
    job.refresh_from_db()
    assert job.status == "uploaded"
    response = post_mapping(client, job, "commit", mapping=["name", "name"])
    assert response.status_code == 400


def test_someone_elses_job_is_404_and_progress_polls_until_done(client, seller, world):
    job = job_of(upload(client, xlsx_bytes([["客户名称"], ["进度公司"]])))
    progress = client.get(reverse("core:import_progress", kwargs={"pk": job.pk})).content.decode()
    assert 'data-status="uploaded"' in progress and "hx-trigger" in progress
    post_mapping(client, job, "commit")
    progress = client.get(reverse("core:import_progress", kwargs={"pk": job.pk})).content.decode()
    assert 'data-status="done"' in progress and 'value="100"' in progress and "hx-trigger" not in progress
    other = APIClient()
    client.force_login(world.south_seller)
    assert client.get(reverse("core:import_detail", kwargs={"pk": job.pk})).status_code == 404
    other.force_authenticate(world.south_seller)
    assert other.get(f"/api/imports/{job.pk}/").status_code == 404


def test_import_button_on_lists_and_menu(client, seller):
    for name in ("customers:customer_list", "customers:contact_list"):
        assert 'data-testid="import-button"' in client.get(reverse(name)).content.decode()


def test_commit_through_the_database_queue(client, seller, settings, monkeypatch):
    """The real backend: the request only queues; the worker (`db_worker`) imports."""
    # The worker drops connections it deems stale: the test's own (inside its transaction) is not.
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    job = job_of(upload(client, xlsx_bytes([["客户名称"], ["队列公司"]])))
    post_mapping(client, job, "commit")
    job.refresh_from_db()
    assert job.status == "queued" and not Customer.objects.filter(name="队列公司").exists()
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    job.refresh_from_db()
    assert job.status == "done" and Customer.objects.filter(name="队列公司").exists()


def test_checks_cost_a_fixed_number_of_queries_per_batch(seller, django_assert_max_num_queries):
    from core.registry import get_importer

    importer = get_importer("customers.customer")
    headers = ["客户名称", "统一社会信用代码", "负责人"]
    checker = engine.Checker(importer, actor=seller, headers=headers, mapping=["name", "credit_code", "owner"],
                             mode="upsert", match_key="credit_code")
    rows = [[f"公司{i}", make_credit_code(), "north.seller1"] for i in range(300)]
    with django_assert_max_num_queries(15):
        results = checker.check(rows, list(range(2, 302)))
    assert all(result.action == "create" for result in results), results[0].errors


# --- API -------------------------------------------------------------------------------------------


@pytest.fixture
def api(world):
    client = APIClient()
    client.force_authenticate(world.seller1)
    return client


def api_upload(api, data, name="a.xlsx", object_type="customers.customer"):
    file = io.BytesIO(data)
    file.name = name
    return api.post("/api/imports/", {"object_type": object_type, "file": file}, format="multipart")


def test_api_flow_upload_mapping_preview_commit_poll_errors(api, world):
    response = api_upload(api, xlsx_bytes([["公司名称", "信用代码"], ["接口公司", make_credit_code()],
                                           ["坏代码公司", "123"]]))
    assert response.status_code == 201, response.json()
    job = response.json()
    assert job["mapping"] == ["name", "credit_code"] and job["status"] == "uploaded" and job["total_rows"] == 2
    assert api.put(f"/api/imports/{job['id']}/mapping/", {"mapping": ["notes"]}, format="json").status_code == 400
    response = api.put(f"/api/imports/{job['id']}/mapping/", {"mapping": ["name", "credit_code"],
                                                               "skip_bad_rows": True}, format="json")
    assert response.status_code == 200 and response.json()["skip_bad_rows"] is True
    rows = api.get(f"/api/imports/{job['id']}/preview/").json()["rows"]
    assert [row["action"] for row in rows] == ["create", "error"] and rows[1]["errors"][0]["column"] == "信用代码"
    response = api.post(f"/api/imports/{job['id']}/commit/")
    assert response.status_code == 202
    polled = api.get(f"/api/imports/{job['id']}/").json()
    assert (polled["status"], polled["percent"], polled["created_count"], polled["failed_count"]) == ("done", 100, 1, 1)
    assert api.post(f"/api/imports/{job['id']}/commit/").status_code == 400  # once only
    report = api.get(f"/api/imports/{job['id']}/errors/?file_format=csv")
    assert report.status_code == 200 and "信用代码" in b"".join(report.streaming_content).decode("utf-8-sig")
    assert Customer.objects.filter(name="接口公司", owner=world.seller1).exists()


@pytest.mark.parametrize("data,name,field", [
    (b"garbage\x00\x01", "x.csv", "file"), (zip_bomb.__name__, "bomb.xlsx", "file"), (b"a,b\n", "x.pdf", "file")])
def test_api_bad_files_are_400(api, settings, data, name, field):
    settings.KEDAO = {**settings.KEDAO, "IMPORT_MAX_UNCOMPRESSED_BYTES": 10 * 1024 * 1024}
    if data == zip_bomb.__name__:
        data = zip_bomb()
    response = api_upload(api, data, name=name)
    assert response.status_code == 400 and field in response.json()
    assert not ImportJob.objects.exists()


def test_api_unknown_type_is_400(api):
    assert api_upload(api, xlsx_bytes([["a"], ["b"]]), object_type="org.role").status_code == 400


# --- background export ----------------------------------------------------------------------------


def test_large_export_runs_in_the_background_scoped_and_neutralised(client, seller, world, settings):
    settings.KEDAO = {**settings.KEDAO, "EXPORT_BACKGROUND_ROWS": 3}
    for index in range(4):
        CustomerFactory(owner=seller, name=f"=导出{index}")
    CustomerFactory(owner=world.south_seller, name="看不见的")
    response = client.get(reverse("customers:customer_list") + "?export=xlsx&q=导出")
    assert response.status_code == 302 and "/exports/" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="export-download"' in page
    from core.imports.models import ExportJob

    job = ExportJob.objects.get()
    assert job.status == "done" and job.total_rows == 4
    download = client.get(reverse("core:export_download", kwargs={"pk": job.pk}))
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row if cell]
    assert "'=导出0" in values and "=导出0" not in values  # neutralised
    assert "看不见的" not in values
    client.force_login(world.south_seller)
    assert client.get(reverse("core:export_download", kwargs={"pk": job.pk})).status_code == 404
    # A small export stays immediate.
    client.force_login(seller)
    settings.KEDAO = {**settings.KEDAO, "EXPORT_BACKGROUND_ROWS": 100}
    assert client.get(reverse("customers:customer_list") + "?export=xlsx").status_code == 200


def test_industry_by_code_or_name_and_region_from_the_address(client, seller):
    """An industry column takes a GB/T 4754 code or name; an unknown one is an error on the row.
    Province, city and district come from the address when the file has none of them."""
    rows = [["客户名称", "行业", "地址"],
            ["行业甲有限公司", "C", "广东省深圳市南山区科技园南路1号"],
            ["行业乙有限公司", "软件和信息技术服务业", "北京市朝阳区建国路88号"],
            ["行业丙有限公司", "不存在的行业", ""]]
    job = job_of(upload(client, xlsx_bytes(rows)))
    assert job.mapping == ["name", "industry", "address"]
    post_mapping(client, job, "commit", skip=True)
    job.refresh_from_db()
    assert (job.created_count, job.failed_count) == (2, 1)
    assert "Unknown industry" in job.errors[0][2]
    first, second = (Customer.objects.get(name=n) for n in ("行业甲有限公司", "行业乙有限公司"))
    assert first.industry.code == "C" and second.industry.code == "65"
    assert (first.province, first.city, first.district) == ("广东省", "深圳市", "南山区")
    assert (second.province, second.city, second.district) == ("北京市", "北京市", "朝阳区")
    assert first.region_code == "440305"


def test_a_duplicate_outside_the_importers_scope_shows_its_owner_not_its_name(client, seller, world):
    """As in the duplicates API: a seller learns the customer is taken, by whom, not its data."""
    CustomerFactory(owner=world.south_seller, name="南区秘密客户科技有限公司", phone="020-87654321")
    job = job_of(upload(client, xlsx_bytes([HEADER, ["南区秘密客户科技有限公司", "", "", "", ""]])))
    body = post_mapping(client, job, "preview").content.decode()
    assert 'data-testid="row-duplicates"' in body
    duplicates = body.split('data-testid="row-duplicates"', 1)[1].split("</td>", 1)[0]
    assert "南区秘密客户" not in duplicates and str(world.south_seller) in duplicates
