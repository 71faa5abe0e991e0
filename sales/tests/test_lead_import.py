"""Importing leads: source and product line by name, rows without an owner assigned by the rules
(else into the importer's unit queue), rows naming an owner kept — all audited."""

import pytest
from django.contrib.contenttypes.models import ContentType

from core.models import ObjectChange
from customers.tests.test_imports import IMMEDIATE, job_of, post_mapping, upload, xlsx_bytes
from org.tests.factories import ProductLineFactory
from sales.models import Lead
from sales.tests.factories import LeadAssignmentRuleFactory, LeadSourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_and_tasks(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = IMMEDIATE


def test_imported_leads_go_by_the_rules_or_to_the_queue(client, world):
    web = LeadSourceFactory(name="网站", code="website")
    ProductLineFactory(name="机床", code="JC")
    LeadAssignmentRuleFactory(name="江苏网站", province="江苏省", source=web, assignees=[world.seller1, world.seller2])
    client.force_login(world.branch_manager)
    rows = [["姓名", "公司", "省份", "来源", "产品线", "负责人"],
            ["甲", "甲公司", "江苏", "网站", "机床", ""],
            ["乙", "乙公司", "江苏省", "website", "JC", ""],
            ["丙", "丙公司", "浙江省", "网站", "", ""],
            ["丁", "丁公司", "江苏省", "网站", "", world.dept_head.username]]
    job = job_of(upload(client, xlsx_bytes(rows), name="线索.xlsx", object_type="sales.lead"))
    assert job.mapping == ["name", "company", "province", "source", "product_line", "owner"]
    post_mapping(client, job, "commit")
    job.refresh_from_db()
    assert job.status == "done" and job.created_count == 4, job.message
    owners = dict(Lead.objects.values_list("name", "owner__username"))
    assert owners == {"甲": world.seller1.username, "乙": world.seller2.username, "丙": None,
                      "丁": world.dept_head.username}
    queued = Lead.objects.get(name="丙")
    assert queued.org_unit == world.units["nb1"] and queued.source == web
    assert Lead.objects.get(name="甲").product_line.code == "JC"
    lead_type = ContentType.objects.get_for_model(Lead)
    history = list(ObjectChange.objects.filter(content_type=lead_type, object_id=Lead.objects.get(name="甲").pk)
                   .order_by("time", "id").values_list("action", flat=True))
    assert history == ["create", "update"]  # imported by the manager, then given by the rule


def test_unknown_source_is_an_error_on_its_row(client, world):
    client.force_login(world.seller1)
    job = job_of(upload(client, xlsx_bytes([["姓名", "来源"], ["甲", "不存在的来源"]]), name="线索.xlsx",
                        object_type="sales.lead"))
    post_mapping(client, job, "commit")
    job.refresh_from_db()
    assert job.status == "failed" and not Lead.objects.exists()
