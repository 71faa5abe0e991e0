"""Org pages: the org chart (an indented, collapsible tree with head counts and managers; a
unit's page shows its subtree) and the role matrix's labelled selects."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from org.models import OrgUnit
from org.tests.factories import EmployeeFactory, OrgUnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(world):
    return EmployeeFactory(username="tree.admin", unit=world.units["hq"], is_superuser=True, is_staff=True)


def _unit_block(html, code):
    return re.search(rf'<li data-unit="{code}">(.*?)</li>', html, re.S).group(1)


def test_org_chart_nests_units_with_head_counts_and_managers(client, world, admin):
    client.force_login(admin)
    response = client.get("/org/chart/")
    assert response.status_code == 200
    html = response.content.decode()
    tree = html.split('data-testid="org-tree"')[1]
    # Nested: 北京销售一部 sits inside 北京分公司, which sits inside 北区.
    north = tree[tree.index('data-unit="NORTH"'):tree.index('data-unit="SOUTH"')]
    assert north.index('data-unit="NB1"') < north.index('data-unit="ND1"')
    assert "<details" in north and "<summary>" in north
    # Head counts cover the subtree: nd1 has dept_head, seller1, seller2; North adds its manager,
    # nb1's manager and seller3.
    assert 'data-headcount="3"' in _unit_block(html, "ND1")
    assert re.search(r'data-unit="NORTH">\s*<details open><summary>.*?data-headcount="6"', html, re.S)
    assert str(world.north_manager) in html.split('data-unit="NORTH"')[1].split("</summary>")[0]


def test_org_chart_costs_the_same_queries_for_a_bigger_tree(client, world, admin):
    client.force_login(admin)
    client.get("/org/chart/")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/org/chart/").status_code == 200
        return len(captured.captured_queries)

    before = queries()
    parent = world.units["south"]
    for n in range(5):
        parent = OrgUnitFactory(name=f"南区下级{n}", code=f"S{n}", parent=parent, manager=world.south_seller)
        EmployeeFactory(unit=parent)
    assert queries() == before


def test_unit_page_shows_its_subtree(client, world, admin):
    client.force_login(admin)
    unit = world.units["north"]
    response = client.get(f"/panels/org.orgunit/{unit.pk}/unit-members/")
    html = response.content.decode()
    assert 'data-unit="NB1"' in html and 'data-unit="ND1"' in html and 'data-unit="NB2"' in html
    assert 'data-unit="SOUTH"' not in html and 'data-unit="NORTH"' not in html
    assert OrgUnit.objects.get(code="ND1").name in html


def test_org_chart_needs_the_view_grant(client, world):
    client.force_login(world.nobody)
    assert client.get("/org/chart/").status_code == 403


def test_role_matrix_selects_are_labelled_with_object_type_and_action(client, world, admin):
    client.force_login(admin)
    html = client.get(f"/org/roles/{world.roles['seller'].pk}/edit/").content.decode()
    selects = re.findall(r"<select[^>]*name=\"grant__[^\"]+\"[^>]*>", html)
    assert selects
    for select in selects:
        assert re.search(r'aria-label="[^"]+ · [^"]+"', select), select
    assert 'aria-label="客户 · 查看"' in html
