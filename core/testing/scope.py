"""Generated scope tests: every user of the world sees exactly the rows the expectation computes.

The expectation comes from core.testing.expectations (written independently of org.permissions);
the observed rows come from the list page (and its count), the API list, global search,
autocomplete, both exports, and the detail / edit / delete pages of every row.
"""

import re

import pytest
from django.urls import reverse

from core.views.pages import SEARCH_LIMIT

from .base import WORLD_USERS, ObjectTestCase, needs
from .expectations import OrgFacts
from .reading import api_pks, export_rows, listed_pks, option_pks, search_pks

AUTOCOMPLETE_LIMIT = 20


def assert_same_rows(observed, expected, what):
    observed_sorted = sorted(observed)
    assert len(observed_sorted) == len(set(observed_sorted)), f"{what}: a row appears twice: {observed_sorted}"
    missing, extra = set(expected) - set(observed), set(observed) - set(expected)
    assert not missing and not extra, f"{what}: missing {sorted(missing)}, unexpected {sorted(extra)}"


class ScopeTests(ObjectTestCase):
    """Users of the world against the scope rows the class builds in `scope_rows()`."""

    suite = "scope"
    scope_users = (*WORLD_USERS, "admin")

    @classmethod
    def parameters(cls):
        return super().parameters() + [("scope_user", list(cls.scope_users), list(cls.scope_users))]

    def facts_for(self, ctx, scope_user):
        facts = OrgFacts.read()
        user = ctx.users[scope_user]
        return user, facts

    def granted(self, facts, user, action):
        return self.rule.granted(facts, self.model, user.pk, action)

    def scope_row_pks(self, ctx):
        return {row.pk for row in ctx.scope_rows}

    @needs("page:list")
    def test_scope_list_page(self, ctx, client, scope_user):
        user, facts = self.facts_for(ctx, scope_user)
        self.login(client, ctx, user)
        response = client.get(self.url("list"), {"per_page": 200})
        if not self.granted(facts, user, "view"):
            assert response.status_code == 403
            return
        assert response.status_code == 200
        expected = self.expected(ctx, user, "view", facts)
        assert len(expected) < 200, "more scope rows than one page holds"
        assert_same_rows(listed_pks(response), expected, "list page")
        shown = re.search(r'data-testid="result-count">([^<]*)<', response.content.decode()).group(1)
        assert re.sub(r"\D", "", shown) == str(len(expected)), f"count shown: {shown!r}"

    @needs("api:list")
    def test_scope_api_list(self, ctx, client, scope_user):
        user, facts = self.facts_for(ctx, scope_user)
        self.login(client, ctx, user)
        if not self.granted(facts, user, "view"):
            assert client.get(self.api_url()).status_code == 403
            return
        assert_same_rows(api_pks(client, self.api_url(), {"page_size": 3}),
                         self.expected(ctx, user, "view", facts), "API list")

    @needs("search")
    def test_scope_search(self, ctx, client, scope_user):
        user, facts = self.facts_for(ctx, scope_user)
        self.login(client, ctx, user)
        found = []
        for term in self.search_terms:
            response = client.get(reverse("core:search"), {"q": term})
            assert response.status_code == 200
            rows = search_pks(response, self.key())
            assert len(rows) < SEARCH_LIMIT, f"{term!r} finds too many rows to check the whole result"
            assert len(rows) == len(set(rows)), f"{term!r}: a row appears twice"
            found.extend(rows)
        expected = self.expected(ctx, user, "view", facts) & self.scope_row_pks(ctx)
        assert_same_rows(set(found), expected, "global search")

    def test_scope_autocomplete(self, ctx, client, scope_user):
        user, facts = self.facts_for(ctx, scope_user)
        self.login(client, ctx, user)
        url = reverse("core:autocomplete", args=[self.key()])
        if not self.granted(facts, user, "view"):
            assert client.get(url, {"q": self.search_terms[0]}).status_code == 403
            return
        expected = self.expected(ctx, user, "view", facts)
        found = []
        if self.object_type().search_fields:
            expected &= self.scope_row_pks(ctx)
            for term in self.search_terms:
                rows = option_pks(client.get(url, {"q": term}))
                assert len(rows) < AUTOCOMPLETE_LIMIT, f"{term!r} finds too many rows to check the whole result"
                assert len(rows) == len(set(rows)), f"{term!r}: a row appears twice"
                found.extend(rows)
            found = set(found)
        else:
            assert len(expected) < AUTOCOMPLETE_LIMIT
            found = option_pks(client.get(url))
        assert_same_rows(found, expected, "autocomplete")

    @needs("page:list")
    @pytest.mark.parametrize("export_format", ["csv", "xlsx"])
    def test_scope_export(self, ctx, client, scope_user, export_format):
        user, facts = self.facts_for(ctx, scope_user)
        self.login(client, ctx, user)
        response = client.get(self.url("list"), {"export": export_format})
        if not self.granted(facts, user, "export"):
            assert response.status_code == 403
            return
        assert response.status_code == 200
        expected = self.expected(ctx, user, "export", facts)
        labels = [self.label(obj) for obj in self.model._base_manager.filter(pk__in=expected)]
        assert len(labels) == len(set(labels)), "scope rows need distinct labels to be told apart in exports"
        exported = [row[0] for row in export_rows(response, export_format)]
        assert_same_rows(exported, labels, f"{export_format} export")

    @needs("page:detail")
    def test_scope_detail_pages(self, ctx, client, scope_user):
        """Invisible → 404 (403 when no role grants viewing at all); visible but not editable → 403."""
        user, facts = self.facts_for(ctx, scope_user)
        self.login(client, ctx, user)
        granted = self.granted(facts, user, "view")
        visible = self.expected(ctx, user, "view", facts)
        editable = self.expected(ctx, user, "change", facts)
        deletable = self.expected(ctx, user, "delete", facts)
        wrong = []
        for obj in self.rows().order_by("pk"):
            status = client.get(self.url("detail", obj)).status_code
            wanted = 200 if obj.pk in visible else 404 if granted else 403
            if status != wanted:
                wrong.append(f"detail of {obj.pk} ({obj}): {status}, expected {wanted}")
            if obj.pk not in visible:
                continue
            for view, allowed in (("edit", editable), ("delete", deletable)):
                if view in self.views:
                    status = client.get(self.url(view, obj)).status_code
                    wanted = 200 if obj.pk in allowed else 403
                    if status != wanted:
                        wrong.append(f"{view} of {obj.pk} ({obj}): {status}, expected {wanted}")
        assert not wrong, "\n".join(wrong)
