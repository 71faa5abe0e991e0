"""Deal documents: upload limits checked by content, private storage, download only through the
scope check (another region's seller and another product line's account manager get 404), the
recycle bin, and the API's multipart upload."""

import io
import zipfile
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.urls import reverse

from core.files import safe_filename
from customers.models import AccountTeamMember
from customers.tests.factories import CustomerFactory
from org.models import Role, RolePermission
from org.tests.factories import EmployeeFactory, ProductLineFactory
from sales.models import OpportunityDocument
from sales.tests.factories import OpportunityFactory
from sales.tests.test_workspace_types import EXE, upload
from sales.tests.workspace_factories import PDF, OpportunityDocumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    return settings.PRIVATE_FILES_ROOT


def stored_files(root):
    return sorted(p for p in Path(root).rglob("*") if p.is_file())


def add(client, deal, file, **fields):
    return client.post(reverse("sales:opportunitydocument_add"),
                       {"opportunity": deal.pk, "file": file, "kind": "proposal", **fields})


def download(client, document):
    return client.get(reverse("sales:opportunitydocument_download", args=[document.pk]))


def content(response):
    return b"".join(response.streaming_content)


def test_upload_is_stored_privately_and_downloaded_as_an_attachment(client, world, private_root):
    seller = world.users["seller1"]
    deal = OpportunityFactory(owner=seller)
    client.force_login(seller)
    response = add(client, deal, upload("技术方案 v2.pdf"))
    assert response.status_code == 302, response.content.decode()[-2000:]
    document = OpportunityDocument.objects.get(opportunity=deal)
    assert (document.original_name, document.title, document.content_type, document.size) == \
        ("技术方案 v2.pdf", "技术方案 v2", "application/pdf", len(PDF))
    # Under the private root, by a random name; nothing under MEDIA_ROOT or the static files.
    [path] = stored_files(private_root)
    assert path.read_bytes() == PDF and "技术方案" not in str(path) and path.suffix == ".pdf"
    assert not Path(settings.MEDIA_ROOT).joinpath(document.file.name).exists()
    with pytest.raises(ValueError):
        document.file.url  # noqa: B018  (no URL serves a private file)

    got = download(client, document)
    assert got.status_code == 200 and content(got) == PDF
    assert got["Content-Type"] == "application/pdf"
    assert got["Content-Disposition"] == f"attachment; filename*=utf-8''{quote('技术方案 v2.pdf')}"
    assert got["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in got["Cache-Control"]


def test_a_seller_of_another_region_gets_404(client, world):
    document = OpportunityDocumentFactory(opportunity=OpportunityFactory(owner=world.users["seller1"]))
    client.force_login(world.users["south_seller"])
    assert download(client, document).status_code == 404
    assert client.get(document.get_absolute_url()).status_code == 404
    assert client.get(f"/api/sales/opportunity-documents/{document.pk}/download/").status_code == 404
    # Without any grant on documents: 403, as on every page.
    client.force_login(world.users["nobody"])
    assert download(client, document).status_code == 403
    # The owner's manager sees it (the deal's scope).
    client.force_login(world.users["dept_head"])
    assert download(client, document).status_code == 200


def test_documents_follow_product_line_isolation():
    """Two account managers of one customer, one per line: each downloads only their line's documents."""
    owner = EmployeeFactory()
    customer = CustomerFactory(owner=owner)
    line_a, line_b = ProductLineFactory(code="DOC-A"), ProductLineFactory(code="DOC-B")
    role = Role.objects.create(name="文档客户经理")
    for key in ("sales.opportunity", "sales.opportunitydocument"):
        for action in ("view", "change"):
            RolePermission.objects.create(role=role, object_type=key, action=action, scope="own")
    manager_a = EmployeeFactory(roles=[role])
    AccountTeamMember.objects.create(customer=customer, employee=manager_a, product_line=line_a)
    doc_a = OpportunityDocumentFactory(opportunity=OpportunityFactory(owner=owner, customer=customer,
                                                                      product_line=line_a))
    doc_b = OpportunityDocumentFactory(opportunity=OpportunityFactory(owner=owner, customer=customer,
                                                                      product_line=line_b))
    from django.test import Client

    client = Client()
    client.force_login(manager_a)
    assert download(client, doc_a).status_code == 200
    assert download(client, doc_b).status_code == 404
    assert list(OpportunityDocument.objects.visible_to(manager_a, "view")) == [doc_a]


def test_too_big_is_refused_beside_the_field(client, world, private_root, settings):
    settings.KEDAO = {**settings.KEDAO, "DOCUMENT_MAX_BYTES": 1024}
    seller = world.users["seller1"]
    deal = OpportunityFactory(owner=seller)
    client.force_login(seller)
    response = add(client, deal, upload("大文件.pdf", PDF + b"0" * 2048))
    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-field-error="file"' in body
    error = body[body.index('data-field-error="file"'):]
    assert "2 KB" in error[:300] and "1 KB" in error[:300]
    assert not OpportunityDocument.all_objects.exists() and not stored_files(private_root)


def test_far_too_big_is_refused_before_it_is_read(client, world, private_root, settings):
    settings.KEDAO = {**settings.KEDAO, "DOCUMENT_MAX_BYTES": 1024}
    seller = world.users["seller1"]
    deal = OpportunityFactory(owner=seller)
    client.force_login(seller)
    response = add(client, deal, upload("巨大.pdf", PDF + b"0" * (400 * 1024)))
    assert response.status_code == 413
    assert not OpportunityDocument.all_objects.exists() and not stored_files(private_root)


@pytest.mark.parametrize(("name", "data"), [
    ("setup.pdf", EXE),                                      # an .exe renamed .pdf
    ("readme.txt", EXE),                                     # … or .txt
    ("report.docx", b"PK\x03\x04" + b"\x00" * 100),          # a broken zip named .docx
    ("setup.exe", EXE),                                      # not on the allow-list at all
    ("noextension", PDF),
    ("empty.pdf", b""),
])
def test_wrong_content_is_refused(client, world, private_root, name, data):
    seller = world.users["seller1"]
    deal = OpportunityFactory(owner=seller)
    client.force_login(seller)
    response = add(client, deal, upload(name, data))
    assert response.status_code == 400
    assert 'data-field-error="file"' in response.content.decode()
    assert not OpportunityDocument.all_objects.exists() and not stored_files(private_root)


def docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "data", "served_as"), [
    ("纪要.txt", "会议纪要：下周技术交流。".encode("gb18030"), "text/plain; charset=utf-8"),
    ("清单.csv", "产品,数量\n交换机,2\n".encode(), "text/csv; charset=utf-8"),
    ("方案.docx", docx_bytes(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("现场.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png"),
])
def test_allowed_types_by_content(client, world, name, data, served_as):
    seller = world.users["seller1"]
    deal = OpportunityFactory(owner=seller)
    client.force_login(seller)
    assert add(client, deal, upload(name, data)).status_code == 302
    document = OpportunityDocument.objects.get(opportunity=deal)
    assert document.content_type == served_as
    assert download(client, document)["Content-Type"] == served_as


def multipart(boundary, fields, filename, data):
    parts = []
    for key, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode())
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                 f"Content-Type: application/pdf\r\n\r\n".encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts)


@pytest.mark.parametrize("filename", ["../../../../etc/passwd.pdf", "..\\..\\windows\\win.ini.pdf",
                                      "/tmp/evil.pdf", "%2e%2e%2fsecret.pdf"])  # noqa: S108
def test_path_traversal_in_the_file_name_is_harmless(client, world, private_root, filename):
    seller = world.users["seller1"]
    deal = OpportunityFactory(owner=seller)
    client.force_login(seller)
    boundary = "KedaoBoundary"
    body = multipart(boundary, {"opportunity": deal.pk, "kind": "other"}, filename, PDF)
    response = client.generic("POST", reverse("sales:opportunitydocument_add"), body,
                              content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 302
    document = OpportunityDocument.objects.get(opportunity=deal)
    [path] = stored_files(private_root)
    assert path.resolve().is_relative_to(Path(private_root).resolve())
    assert path.parent.name == str(deal.pk) and ".." not in document.file.name
    assert "/" not in document.original_name and "\\" not in document.original_name
    assert "passwd" not in str(path) and "win.ini" not in str(path)


def test_safe_filename():
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("C:\\Users\\王伟\\投标文件.pdf") == "投标文件.pdf"
    assert safe_filename('a"b<c>\u202egpj.exe') == "a_b_c_gpj.exe"  # no quote, no bidi override
    assert safe_filename("  ..  ") == "document"
    assert safe_filename("方" * 300 + ".pdf").endswith(".pdf") and len(safe_filename("方" * 300 + ".pdf")) == 150


def test_delete_moves_to_the_recycle_bin_and_restore_brings_it_back(client, world, private_root):
    seller = world.users["seller1"]
    document = OpportunityDocumentFactory(opportunity=OpportunityFactory(owner=seller))
    client.force_login(seller)
    response = client.post(reverse("sales:opportunitydocument_delete", args=[document.pk]), {"confirm": "on"})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.deleted_at is not None
    assert download(client, document).status_code == 404
    assert stored_files(private_root), "the file stays while the document is in the recycle bin"
    from core.services import object_restore

    object_restore(instance=OpportunityDocument.all_objects.get(pk=document.pk), actor=seller)
    assert download(client, document).status_code == 200


def test_api_upload_download_and_no_file_replacement(client, world, private_root):
    seller = world.users["seller1"]
    deal = OpportunityFactory(owner=seller)
    client.force_login(seller)
    url = "/api/sales/opportunity-documents/"
    response = client.post(url, {"opportunity": deal.pk, "file": upload("招标文件.pdf"), "kind": "tender"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["original_name"] == "招标文件.pdf" and body["size"] == len(PDF) and "file" not in body
    got = client.get(body["download_url"])
    assert got.status_code == 200 and content(got) == PDF
    assert content(client.get(f"{url}{body['id']}/download/")) == PDF

    refused = client.post(url, {"opportunity": deal.pk, "file": upload("setup.pdf", EXE)})
    assert refused.status_code == 400 and "file" in refused.json()
    missing = client.post(url, {"opportunity": deal.pk, "title": "无文件"}, content_type="application/json")
    assert missing.status_code == 400 and "file" in missing.json()

    document = OpportunityDocument.objects.get(pk=body["id"])
    patched = client.patch(f"{url}{document.pk}/", {"title": "招标文件（终稿）", "file": "x"},
                           content_type="application/json", headers={"If-Match": document.etag})
    assert patched.status_code == 200, patched.content
    document.refresh_from_db()
    assert document.title == "招标文件（终稿）" and stored_files(private_root)[0].read_bytes() == PDF
    assert OpportunityDocument.objects.count() == 1
