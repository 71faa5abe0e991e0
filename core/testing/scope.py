"""Generated scope tests: every user of the world sees exactly the rows the expectation computes.

The expectation comes from core.testing.expectations (written independently of org.permissions);
the observed rows come from the list page (and its count), the API list, global search,
autocomplete, both exports, the recycle bin, a bulk delete of everything, and the detail / edit /
delete pages (404 outside the view scope, 403 outside the change scope).
"""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from core.views.pages import SEARCH_LIMIT

from .base import WORLD_USERS, ObjectTestCase, needs
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
    scope_users = WORLD_USERS

    @classmethod
    def parameters(cls):
        return super().parameters() + [("scope_user", list(cls.scope_users), list(cls.scope_users))]

    def facts_for(self, ctx, scope_user):
        return ctx.users[scope_user], ctx.facts

    def granted(self, facts, user, action):
        return self.rule.granted(facts, self.model, user.pk, action)

    def scope_row_pks(self, ctx):
        return {row.pk for row in ctx.scope_rows}

    def assert_discriminates(self, ctx, action, deleted=False):
        """The expectation itself must let the test fail: among `scope_users`, someone may `action`
        at least one row and someone may not reach at least one row; for records with owners,
        someone granted the action still misses a row. Otherwise "403 for everyone" (roles that
        grant nothing on the type) or "everyone sees everything" (scope ignored) would pass.
        Checked once per class and action, from the expectations only."""
        checked = ctx.__dict__.setdefault("discriminating", {})
        if (action, deleted) in checked:
            assert checked[action, deleted] is None, checked[action, deleted]
            return
        rows = self.rows()
        if self.soft_deletes():
            rows = rows.filter(deleted_at__isnull=not deleted)
        every = set(rows.values_list("pk", flat=True))
        seen = {name: self.expected(ctx, name, action, ctx.facts, deleted=deleted) for name in self.scope_users}
        problem = None
        if not any(seen.values()):
            problem = (f"{self.key()}: no user of the world may {action} any {'deleted ' if deleted else ''}row, "
                       f"so every check would pass on a blanket refusal; the test roles grant nothing on this "
                       f"type, or the scope rows are missing")
        elif not any(every - found for found in seen.values()):
            problem = f"{self.key()}: every user may {action} every row; the scope rows prove nothing"
        elif self.rule.kind in ("owned", "parent") and not any(
            every - found for name, found in seen.items() if self.granted(ctx.facts, ctx.users[name], action)
        ):
            problem = (f"{self.key()}: every user granted {action} reaches every row; the scope rows do not "
                       f"tell the data scopes apart (see SCOPE_ROW_PLAN in core/testing/base.py)")
        checked[action, deleted] = problem
        assert problem is None, problem

    def test_services_refuse_writes_outside_the_scope(self, ctx):
        """object_save, object_delete and object_restore, called directly (as workflow services
        will), refuse a row the actor may not change: PermissionDenied, nothing written."""
        from django.core.exceptions import PermissionDenied

        from core import services

        if self.rule.kind in ("owned", "parent"):
            caller, owner = self.outside_scope
            obj = self.make(ctx, owner=ctx.users[owner])
            # The same caller may write a row of their own: the refusal below is about scope.
            own = self.fresh(self.make(ctx, owner=ctx.users[caller]))
            setattr(own, self.label_field, "本人可写")
            services.object_save(instance=own, actor=ctx.users[caller])
            assert self.label(self.fresh(own)) == "本人可写"
        else:
            caller, obj = self.view_only_user, self.make(ctx)
        actor = ctx.users[caller]
        before, changes = self.snapshot(obj), self.changes(obj).count()
        instance = self.fresh(obj)
        setattr(instance, self.label_field, "越权写入")
        with pytest.raises(PermissionDenied):
            services.object_save(instance=instance, actor=actor)
        assert self.snapshot(obj) == before, "object_save wrote a row outside the actor's scope"
        if self.soft_deletes() and ("delete" in self.views or "delete" in self.api_actions):
            with pytest.raises(PermissionDenied):
                services.object_delete(instance=self.fresh(obj), actor=actor)
            assert self.snapshot(obj) == before, "object_delete deleted a row outside the actor's scope"
            self.model._base_manager.filter(pk=obj.pk).update(deleted_at=timezone.now())
            with pytest.raises(PermissionDenied):
                services.object_restore(instance=self.fresh(obj), actor=actor)
            assert self.fresh(obj).deleted_at is not None, "object_restore restored a row outside the scope"
        assert self.changes(obj).count() == changes

    @needs("rule:owned")
    def test_services_refuse_moving_a_row_out_of_the_scope(self, ctx):
        """A seller who gives their row to someone they cannot see would lose it: refused on
        `owner`, nothing written."""
        from django.core.exceptions import ValidationError

        from core import services

        caller, outsider = self.outside_scope
        obj = self.make(ctx, owner=ctx.users[caller])
        before, changes = self.snapshot(obj), self.changes(obj).count()
        instance = self.fresh(obj)
        instance.owner = ctx.users[outsider]
        with pytest.raises(ValidationError) as refused:
            services.object_save(instance=instance, actor=ctx.users[caller])
        assert "owner" in refused.value.message_dict
        assert self.snapshot(obj) == before and self.changes(obj).count() == changes

    @needs("page:list")
    def test_scope_list_page(self, ctx, client, scope_user):
        self.assert_discriminates(ctx, "view")
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
        self.assert_discriminates(ctx, "view")
        user, facts = self.facts_for(ctx, scope_user)
        self.login(client, ctx, user)
        if not self.granted(facts, user, "view"):
            assert client.get(self.api_url()).status_code == 403
            return
        assert_same_rows(api_pks(client, self.api_url(), {"page_size": 3}),
                         self.expected(ctx, user, "view", facts), "API list")

    @needs("search")
    def test_scope_search(self, ctx, client, scope_user):
        self.assert_discriminates(ctx, "view")
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
        self.assert_discriminates(ctx, "view")
        user, facts = self.facts_for(ctx, scope_user)
        self.login(client, ctx, user)
        url = reverse("core:autocomplete", args=[self.key()])
        # Reference data is offered to anyone signed in, as its form fields accept it (core.related).
        reference = getattr(self.model, "reference_data", False)
        if not reference and not self.granted(facts, user, "view"):
            assert client.get(url, {"q": self.search_terms[0]}).status_code == 403
            return
        if reference:
            expected = set(self.model.objects.values_list("pk", flat=True))
        else:
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
        self.assert_discriminates(ctx, "export")
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

    def test_scope_recycle_bin(self, ctx, client, scope_user):
        """The bin lists exactly the deleted rows the user could delete; restoring others is refused."""
        if not self.soft_deletes():
            return
        self.assert_discriminates(ctx, "delete", deleted=True)
        user, facts = self.facts_for(ctx, scope_user)
        self.login(client, ctx, user)
        expected = self.expected(ctx, user, "delete", facts, deleted=True)
        page = client.get(reverse("core:recycle_bin")).content.decode()
        listed = [int(pk) for pk in re.findall(rf"/recycle-bin/{re.escape(self.key())}/(\d+)/restore/", page)]
        assert_same_rows(listed, expected, "recycle bin")
        # No delete grant at all: 403; granted, but the row is outside the scope: 404.
        refused = 404 if self.granted(facts, user, "delete") else 403
        for obj in self.rows().filter(deleted_at__isnull=False).exclude(pk__in=expected):
            assert client.post(reverse("core:restore", args=[self.key(), obj.pk])).status_code == refused
            assert self.fresh(obj).deleted_at is not None

    @needs("page:bulk_delete")
    def test_scope_bulk_delete(self, ctx, client, scope_user):
        """Selecting every row deletes exactly those the user may delete; the others stay."""
        self.assert_discriminates(ctx, "delete")
        user, facts = self.facts_for(ctx, scope_user)
        self.login(client, ctx, user)
        alive = set(self.alive().values_list("pk", flat=True))
        granted = self.granted(facts, user, "delete")
        expected = self.expected(ctx, user, "delete", facts)
        response = client.post(self.url("bulk_delete"), {"pk": [str(pk) for pk in sorted(alive)], "_confirm": "1"})
        assert response.status_code == (302 if granted else 403)
        deleted = alive - set(self.alive().values_list("pk", flat=True))
        assert_same_rows(deleted, expected, "bulk delete")

    @needs("page:detail")
    def test_scope_detail_pages(self, ctx, client, scope_user):
        """Invisible → 404 (403 when no role grants viewing at all); visible but not editable → 403.

        Every refusal is tried: the detail page of every row the user may not see (deleted ones
        too), the edit and delete pages of every visible row they may not change. Pages that
        render are tried on a few rows only: the list, API, search and export tests above already
        prove the visible set row by row, and a rendered page costs ten refusals."""
        self.assert_discriminates(ctx, "view")
        self.assert_discriminates(ctx, "change")
        user, facts = self.facts_for(ctx, scope_user)
        self.login(client, ctx, user)
        granted = self.granted(facts, user, "view")
        visible = self.expected(ctx, user, "view", facts)
        editable = self.expected(ctx, user, "change", facts)
        deletable = self.expected(ctx, user, "delete", facts)
        rendered = {"detail": 2, "edit": 1}  # how many successful pages of each kind to render
        wrong = []

        def check(view, obj, wanted):
            if wanted == 200:
                if not rendered.get(view):
                    return
                rendered[view] -= 1
            status = client.get(self.url(view, obj)).status_code
            if status != wanted:
                wrong.append(f"{view} of {obj.pk} ({obj}): {status}, expected {wanted}")

        for obj in self.rows().order_by("pk"):
            check("detail", obj, 200 if obj.pk in visible else 404 if granted else 403)
            if obj.pk not in visible or "edit" not in self.views:
                continue
            check("edit", obj, 200 if obj.pk in editable else 403)
            if obj.pk not in editable and "delete" in self.views:
                check("delete", obj, 200 if obj.pk in deletable else 403)
        assert not wrong, "\n".join(wrong)
