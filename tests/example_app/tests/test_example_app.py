"""What the guide promises a new object type beyond the generated suite: installed for tests only,
its API in the schema, its panel on another app's page, without an edit to core/ or another app."""

import io

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse

from customers.tests.factories import CustomerFactory
from tests.example_app.tests.factories import ProjectFactory


@pytest.mark.django_db
def test_demo_data_through_the_registry():
    """`demo_data` runs the app's registered demo builder (the command imports no app): projects
    owned by their customer's owner, in that owner's unit; a second run adds nothing."""
    from tests.example_app.models import Project

    call_command("demo_data", customers=100, stdout=io.StringIO())
    from customers.models import Customer

    projects = list(Project.objects.select_related("customer", "owner"))
    # Every tenth customer that has an owner (a customer in the public pool has none).
    every_tenth = list(Customer.objects.order_by("pk").values_list("owner_id", flat=True))[::10]
    expected = sum(1 for owner in every_tenth if owner is not None)
    assert expected >= 10 and len(projects) == expected
    assert all(p.owner_id == p.customer.owner_id and p.org_unit_id == p.owner.unit_id for p in projects)
    assert all(p.search_key for p in projects)
    out = io.StringIO()
    call_command("demo_data", customers=100, stdout=out)
    assert Project.objects.count() == expected


def test_installed_for_tests_only():
    import kedao.settings as production

    assert "tests.example_app" not in production.INSTALLED_APPS
    assert production.ROOT_URLCONF == "kedao.urls"


def test_api_documented_in_the_schema():
    """Paths, fields, filters and sort fields of the API come from the viewset, the serializer and
    the filterset: `spectacular --validate --fail-on-warn` accepts them with no hand-written doc."""
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    schema = yaml.safe_load(out.getvalue())
    listing = schema["paths"]["/api/example/projects/"]["get"]
    parameters = {parameter["name"]: parameter for parameter in listing["parameters"]}
    assert {"q", "ordering", "stage", "customer", "owner", "tag"} <= set(parameters)
    assert "customer" in str(parameters["ordering"]) and "-budget" in str(parameters["ordering"])
    create = schema["paths"]["/api/example/projects/"]["post"]["requestBody"]["content"]["application/json"]
    fields = schema["components"]["schemas"][create["schema"]["$ref"].rsplit("/", 1)[-1]]["properties"]
    assert {"name", "customer", "stage", "sponsor", "tags"} <= set(fields)


@pytest.mark.django_db
def test_projects_panel_on_the_customer_page(world, client):
    """The app that owns projects shows them on a customer's page (customers never imports it),
    scoped like any list: a seller sees their own project, not a colleague's. The panel is not the
    first one, so it loads lazily from core:panel."""
    customer = CustomerFactory(owner=world.seller1)
    mine = ProjectFactory(owner=world.seller1, customer=customer, name="本人的项目")
    ProjectFactory(owner=world.seller2, customer=customer, name="同事的项目")
    client.force_login(world.seller1)
    page = client.get(reverse("customers:customer_detail", args=[customer.pk]))
    panel_url = reverse("core:panel", args=["customers.customer", customer.pk, "projects"])
    assert page.status_code == 200 and panel_url in page.content.decode()
    panel = client.get(panel_url)
    assert panel.status_code == 200
    content = panel.content.decode()
    assert mine.name in content and "同事的项目" not in content


@pytest.mark.django_db
def test_search_key_finds_a_project_by_pinyin_and_initials(world, client):
    """The guide's search key (core.search.SearchKeyModel) on a new type: the list's `q` finds a
    project by its name in pinyin and by initials, and no other."""
    wanted = ProjectFactory(owner=world.ceo, name="数据迁移")
    ProjectFactory(owner=world.ceo, name="机房改造")
    client.force_login(world.ceo)
    for term in ("shuju", "sjqy", "数据"):
        rows = client.get(reverse("example_app-api:project-list"), {"q": term}).json()["results"]
        assert [row["id"] for row in rows] == [wanted.pk], term


@pytest.mark.django_db
def test_a_shared_record_does_not_name_a_related_record_the_reader_cannot_see(client, world):
    """A project shared with seller1, for a customer only south_seller may see: the project's page
    (header strip and fields) says a record is there, not the customer's name."""
    from django.contrib.contenttypes.models import ContentType

    from core.models import Share
    from tests.example_app.models import Project

    hidden = CustomerFactory(owner=world.south_seller, name="华南保密客户有限公司")
    project = ProjectFactory(owner=world.south_seller, customer=hidden, name="共享给北区的项目")
    Share.objects.create(content_type=ContentType.objects.get_for_model(Project), object_id=project.pk,
                         employee=world.seller1)
    client.force_login(world.seller1)
    page = client.get(reverse("example_app:project_detail", args=[project.pk])).content.decode()
    assert "共享给北区的项目" in page
    assert "华南保密客户有限公司" not in page
    assert "一条您无权查看的记录" in page or "a record you cannot see" in page
    client.force_login(world.south_seller)
    assert "华南保密客户有限公司" in client.get(reverse("example_app:project_detail", args=[project.pk])).content.decode()


@pytest.mark.django_db
def test_lists_and_exports_do_not_name_a_related_record_the_reader_cannot_see(client, world):
    from django.contrib.contenttypes.models import ContentType

    from core.models import Share
    from tests.example_app.models import Project

    hidden = CustomerFactory(owner=world.south_seller, name="华南保密客户有限公司")
    project = ProjectFactory(owner=world.south_seller, customer=hidden, name="共享给北区的项目")
    own = ProjectFactory(owner=world.seller1, name="自己的项目")
    Share.objects.create(content_type=ContentType.objects.get_for_model(Project), object_id=project.pk,
                         employee=world.seller1)
    client.force_login(world.seller1)
    url = reverse("example_app:project_list")
    page = client.get(url).content.decode()
    assert "共享给北区的项目" in page and "自己的项目" in page and own.customer.name in page
    assert "华南保密客户有限公司" not in page
    export = client.get(url, {"export": "csv"})
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "共享给北区的项目" in text and "华南保密客户有限公司" not in text
