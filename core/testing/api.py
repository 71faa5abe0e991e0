"""Generated API tests: pagination, ordering, create, validation, ETag/If-Match, delete, 403/404, token."""

import json

import pytest
from django.core.cache import cache
from django.urls import reverse

from core.models import ObjectChange

from .base import ObjectTestCase, needs, scoped_relations


class APITests(ObjectTestCase):
    """Declare `api_create_data()`, `api_invalid`, `api_changes()`, `ordering_field`; for scoped
    objects `outside_scope` (caller, owner of a record the caller cannot see)."""

    suite = "api"

    # [(field that must carry the error, {overrides} or callable(data) → data)]
    api_invalid = []
    # A field the API sorts by (its filterset's allow-list); rows are made with these values.
    ordering_field = "name"
    ordering_values = ("Sort-B", "Sort-A", "Sort-C")

    def api_create_data(self, ctx):
        raise NotImplementedError

    def api_changes(self, ctx):
        """Two different PATCH bodies."""
        raise NotImplementedError

    @classmethod
    def parameters(cls):
        cases = [
            ("api_invalid_case", list(range(len(cls.api_invalid))),
             [f"{field}-{index}" for index, (field, _change) in enumerate(cls.api_invalid)]),
        ]
        return super().parameters() + cases

    def make_own(self, ctx, **fields):
        return self.make(ctx, owner=ctx.users[self.actor], **fields)

    @staticmethod
    def send(client, method, url, data=None, **headers):
        body = json.dumps(data) if data is not None else None
        return getattr(client, method)(url, body, content_type="application/json", headers=headers)

    def assert_refused(self, client, ctx, obj, status):
        """GET, PATCH and DELETE of `obj` all answer `status`, and the row is unchanged."""
        before = self.snapshot(obj)
        changes = self.changes(obj).count()
        url = self.api_url(obj)
        first, _second = self.api_changes(ctx)
        assert client.get(url).status_code == status, "GET"
        assert self.send(client, "patch", url, first).status_code == status, "PATCH"
        if "delete" in self.api_actions:
            assert client.delete(url).status_code == status, "DELETE"
        assert self.snapshot(obj) == before
        assert self.changes(obj).count() == changes

    # --- tests ----------------------------------------------------------------------------------

    @needs("api:list")
    def test_api_list_is_paginated_without_count(self, ctx, client):
        made = {self.make_own(ctx).pk for _ in range(3)}
        self.login(client, ctx, self.actor)
        response = client.get(self.api_url(), {"page_size": 2})
        assert response.status_code == 200
        body = response.json()
        assert set(body) >= {"results", "next"} and "count" not in body
        assert len(body["results"]) == 2 and body["next"]
        seen = [row["id"] for row in body["results"]]
        while body["next"]:
            body = client.get(body["next"]).json()
            seen.extend(row["id"] for row in body["results"])
        assert len(seen) == len(set(seen)), "pages overlap"
        assert made <= set(seen)

    @needs("api:list")
    @pytest.mark.parametrize("descending", [False, True], ids=["asc", "desc"])
    def test_api_ordering(self, ctx, client, descending):
        for value in self.ordering_values:
            self.make_own(ctx, **{self.ordering_field: value})
        self.login(client, ctx, self.actor)
        prefix = "-" if descending else ""
        response = client.get(self.api_url(), {"ordering": prefix + self.ordering_field, "q": "Sort-"})
        assert response.status_code == 200
        values = [row[self.ordering_field] for row in response.json()["results"]]
        assert values == sorted(self.ordering_values, reverse=descending)

    @needs("api:list")
    def test_api_unknown_ordering_is_400(self, ctx, client):
        self.login(client, ctx, self.actor)
        response = client.get(self.api_url(), {"ordering": "password"})
        assert response.status_code == 400
        assert "ordering" in response.json()

    @needs("api:create")
    def test_api_create(self, ctx, client):
        self.login(client, ctx, self.actor)
        before = set(self.rows().values_list("pk", flat=True))
        response = self.send(client, "post", self.api_url(), self.api_create_data(ctx))
        assert response.status_code == 201, response.content
        created = set(self.rows().values_list("pk", flat=True)) - before
        assert created == {response.json()["id"]}
        obj = self.fresh(self.model(pk=created.pop()))
        assert response["ETag"] == obj.etag
        assert list(self.changes(obj).values_list("action", flat=True)) == [ObjectChange.Action.CREATE]

    @needs("api:create")
    def test_api_create_invalid(self, ctx, client, api_invalid_case):
        field, change = self.api_invalid[api_invalid_case]
        data = self.api_create_data(ctx)
        data = change(data) if callable(change) else {**data, **change}
        self.login(client, ctx, self.actor)
        rows, changes = self.rows().count(), ObjectChange.objects.count()
        response = self.send(client, "post", self.api_url(), data)
        assert response.status_code == 400, response.content
        body = response.json()
        assert isinstance(body.get(field), list) and body[field], body
        assert self.rows().count() == rows
        assert ObjectChange.objects.count() == changes

    @needs("api:create", "scoped-relations")
    def test_api_related_fields_are_scoped(self, ctx, client):
        """Creating with a related row the caller cannot see (a customer of another region) is a
        400 naming the field and writes nothing; one the caller may see is accepted."""
        from django.urls import resolve

        caller, outsider = self.outside_scope
        serializer = resolve(self.api_url()).func.cls.serializer_class()
        names = [name for name in scoped_relations(self.model)
                 if name in serializer.fields and not serializer.fields[name].read_only]
        assert names, f"no writable API field for {scoped_relations(self.model)}"
        self.login(client, ctx, caller)
        for name in names:
            many = self.model._meta.get_field(name).many_to_many
            inside = self.make_related(ctx, name, ctx.users[caller])
            outside = self.make_related(ctx, name, ctx.users[outsider])
            data = self.api_create_data(ctx)
            rows, changes = self.rows().count(), ObjectChange.objects.count()
            response = self.send(client, "post", self.api_url(), {**data, name: [outside.pk] if many else outside.pk})
            assert response.status_code == 400, f"{name}: {response.status_code} {response.content[:500]}"
            assert isinstance(response.json().get(name), list), response.json()
            assert self.rows().count() == rows and ObjectChange.objects.count() == changes
            response = self.send(client, "post", self.api_url(), {**data, name: [inside.pk] if many else inside.pk})
            assert response.status_code == 201, f"{name}: {response.status_code} {response.content[:500]}"

    @needs("api:create")
    def test_api_create_malformed_json(self, ctx, client):
        self.login(client, ctx, self.actor)
        rows = self.rows().count()
        response = client.post(self.api_url(), '{"name": ', content_type="application/json")
        assert response.status_code == 400
        assert self.rows().count() == rows

    @needs("api:retrieve")
    def test_api_retrieve_sends_etag(self, ctx, client):
        obj = self.make_own(ctx)
        self.login(client, ctx, self.actor)
        response = client.get(self.api_url(obj))
        assert response.status_code == 200
        assert response["ETag"] == self.fresh(obj).etag
        assert response.json()["id"] == obj.pk

    @needs("api:update")
    def test_api_patch_with_if_match(self, ctx, client):
        obj = self.make_own(ctx)
        first, second = self.api_changes(ctx)
        self.login(client, ctx, self.actor)
        etag = client.get(self.api_url(obj))["ETag"]
        response = self.send(client, "patch", self.api_url(obj), first, **{"If-Match": etag})
        assert response.status_code == 200, response.content
        assert response["ETag"] == self.fresh(obj).etag != etag
        after_first = self.snapshot(obj)
        # The same edit base again: the record moved on, so 412 and nothing written.
        stale = self.send(client, "patch", self.api_url(obj), second, **{"If-Match": etag})
        assert stale.status_code == 412
        assert stale["ETag"] == self.fresh(obj).etag
        assert self.snapshot(obj) == after_first
        for name, value in first.items():
            assert response.json()[name] == value
        assert self.changes(obj, ObjectChange.Action.UPDATE).count() == 1

    @needs("api:delete")
    def test_api_delete_is_a_soft_delete(self, ctx, client):
        obj = self.make_own(ctx)
        self.login(client, ctx, self.actor)
        stale = client.delete(self.api_url(obj), headers={"If-Match": '"0-0"'})
        assert stale.status_code == 412 and self.fresh(obj).deleted_at is None
        response = client.delete(self.api_url(obj), headers={"If-Match": self.fresh(obj).etag})
        assert response.status_code == 204
        assert self.fresh(obj).deleted_at is not None
        assert client.get(self.api_url(obj)).status_code == 404
        assert self.changes(obj, ObjectChange.Action.DELETE).count() == 1

    @needs("no-api:delete")
    def test_api_delete_not_offered(self, ctx, client):
        obj = self.make_own(ctx)
        before = self.snapshot(obj)
        self.login(client, ctx, self.actor)
        assert client.delete(self.api_url(obj)).status_code == 405
        assert self.snapshot(obj) == before

    @needs("api:list")
    def test_api_without_grant_is_403(self, ctx, client):
        obj = self.make_own(ctx)
        self.login(client, ctx, "nobody")
        assert client.get(self.api_url()).status_code == 403
        rows = self.rows().count()
        assert self.send(client, "post", self.api_url(), self.api_create_data(ctx)).status_code == 403
        assert self.rows().count() == rows
        self.assert_refused(client, ctx, obj, 403)

    @needs("api:update")
    def test_api_visible_but_not_editable_is_403(self, ctx, client):
        obj = self.make_own(ctx)
        self.login(client, ctx, self.view_only_user)
        assert client.get(self.api_url(obj)).status_code == 200
        before = self.snapshot(obj)
        first, _second = self.api_changes(ctx)
        assert self.send(client, "patch", self.api_url(obj), first).status_code == 403
        if "delete" in self.api_actions:
            assert client.delete(self.api_url(obj)).status_code == 403
        assert self.snapshot(obj) == before

    @needs("scoped", "api:retrieve")
    def test_api_outside_scope_is_404(self, ctx, client):
        caller, owner = self.outside_scope
        obj = self.make(ctx, owner=ctx.users[owner])
        self.login(client, ctx, caller)
        assert obj.pk not in {row["id"] for row in client.get(self.api_url(), {"page_size": 200}).json()["results"]}
        self.assert_refused(client, ctx, obj, 404)

    @needs("api:list")
    def test_api_token_auth(self, ctx, client):
        cache.clear()  # the login throttle counts per address across tests
        user = ctx.users[self.actor]
        response = client.post(reverse("api_token"), {"username": user.username, "password": "demo"},
                               content_type="application/json")
        assert response.status_code == 200, response.content
        token = response.json()["token"]
        client.logout()
        assert client.get(self.api_url()).status_code in (401, 403)
        assert client.get(self.api_url(), headers={"Authorization": "Token wrong"}).status_code == 401
        assert client.get(self.api_url(), headers={"Authorization": f"Token {token}"}).status_code == 200

    # --- lost updates (no silent overwrite of a colleague's edit) -------------------------------

    def colleague_field(self, sent):
        """A plain text field the API does not send in `sent`, for a colleague to change meanwhile."""
        from django.db import models

        serializer_fields = set(self.api_create_data_fields())
        for field in self.model._meta.concrete_fields:
            if (isinstance(field, models.CharField | models.TextField) and field.editable and not field.choices
                    and field.name not in sent and field.name in serializer_fields
                    and (field.max_length or 1000) >= 10 and not field._validators):
                return field.name
        pytest.fail(f"{self.model.__name__} has no plain text field outside {sorted(sent)}: "
                    "choose api_changes() so that one is left")

    def api_create_data_fields(self):
        from django.urls import resolve

        view = resolve(self.api_url()).func
        return view.cls.serializer_class.Meta.fields

    @needs("api:update", "api:retrieve")
    def test_api_patch_writes_only_the_fields_it_sends(self, ctx, client, monkeypatch):
        """A colleague changes another field between our read and our write: theirs is kept."""
        from core.api.viewsets import KedaoModelViewSet

        obj = self.make_own(ctx)
        first, _second = self.api_changes(ctx)
        other = self.colleague_field(first)
        original = KedaoModelViewSet.get_object

        def get_object_then_colleague_saves(view):
            loaded = original(view)  # what our request read…
            if view.action == "partial_update":  # …before the colleague's save landed
                self.model._base_manager.filter(pk=loaded.pk).update(**{other: f"同事{loaded.pk}"})
            return loaded

        monkeypatch.setattr(KedaoModelViewSet, "get_object", get_object_then_colleague_saves)
        self.login(client, ctx, self.actor)
        response = self.send(client, "patch", self.api_url(obj), first)
        assert response.status_code == 200, response.content
        assert getattr(self.fresh(obj), other) == f"同事{obj.pk}", "the PATCH overwrote a field it did not send"

    @needs("api:update", "api:retrieve")
    def test_api_patch_that_changes_nothing_keeps_the_version(self, ctx, client):
        obj = self.make_own(ctx)
        self.login(client, ctx, self.actor)
        first, _second = self.api_changes(ctx)
        current = client.get(self.api_url(obj)).json()
        unchanged = {name: current[name] for name in first}
        version = self.fresh(obj).version
        updates = self.changes(obj, ObjectChange.Action.UPDATE).count()
        response = self.send(client, "patch", self.api_url(obj), unchanged)
        assert response.status_code == 200, response.content
        assert self.fresh(obj).version == version
        assert response.json()["version"] == version
        assert self.changes(obj, ObjectChange.Action.UPDATE).count() == updates
        # A real change still counts.
        assert self.send(client, "patch", self.api_url(obj), first).status_code == 200
        assert self.fresh(obj).version == version + 1

    @needs("api:update", "api:retrieve")
    def test_api_write_without_if_match_is_428_when_required(self, ctx, client, settings):
        settings.KEDAO = {**settings.KEDAO, "REQUIRE_IF_MATCH": True}
        obj = self.make_own(ctx)
        before = self.snapshot(obj)
        first, _second = self.api_changes(ctx)
        self.login(client, ctx, self.actor)
        response = self.send(client, "patch", self.api_url(obj), first)
        assert response.status_code == 428 and "If-Match" in response.json()["detail"]
        if "delete" in self.api_actions:
            assert client.delete(self.api_url(obj)).status_code == 428
        assert self.snapshot(obj) == before
        etag = client.get(self.api_url(obj))["ETag"]
        assert self.send(client, "patch", self.api_url(obj), first, **{"If-Match": etag}).status_code == 200
