"""Generated page tests: list, detail, create, edit (with a stale version), delete, restore, bulk."""

import html

from django.urls import NoReverseMatch, reverse

from core.models import ObjectChange

from .base import PAGE_VIEWS, ObjectTestCase, form_post_data, needs, scoped_relations
from .reading import column_headers, export_rows, field_errors, listed_pks


def assert_fields(obj, expected):
    """Each posted value is what the stored row now holds."""
    for name, value in expected.items():
        field = obj._meta.get_field(name)
        if name == "tags":
            wanted = sorted(t.strip() for t in value.replace("，", ",").split(",") if t.strip()) \
                if isinstance(value, str) else sorted(value)
            assert sorted(obj.tags.names()) == wanted, name
        elif field.many_to_many:
            assert sorted(str(pk) for pk in getattr(obj, name).values_list("pk", flat=True)) == \
                sorted(str(v) for v in value), name
        elif field.is_relation:
            assert str(getattr(obj, field.attname) or "") == str(value), name
        else:
            assert str(getattr(obj, name)) == str(value), name


def shown_values(obj, changes):
    """How each changed field of `obj` reads on a page: labels of related rows and choices."""
    shown = {}
    for name, value in changes.items():
        field = obj._meta.get_field(name)
        if name == "tags":
            shown[name] = sorted(obj.tags.names())
        elif field.many_to_many:
            shown[name] = [str(item) for item in getattr(obj, name).all()]
        elif field.is_relation:
            shown[name] = [str(getattr(obj, name))]
        elif field.choices:
            shown[name] = [str(getattr(obj, f"get_{name}_display")())]
        else:
            shown[name] = [str(value)]
    return shown


def current_values_block(response):
    content = response.content.decode()
    start = content.find('data-testid="current-values"')
    assert start >= 0, "a refused stale edit shows the current values"
    return html.unescape(content[start:content.find("</dl>", start)])


class PageTests(ObjectTestCase):
    """Declare `create_fields()`, `invalid_fields`, `edit_changes()`; `bulk_edit_changes()` when the
    object has a bulk edit view."""

    suite = "pages"

    # [(field that must carry the error, {overrides} or callable(data) → data)]
    invalid_fields = []

    def create_fields(self, ctx):
        """Form fields to fill in on the add page (the rest keep the form's initial values)."""
        raise NotImplementedError

    def edit_changes(self, ctx):
        """Two different sets of changes to the edit form (used by the stale-version test)."""
        raise NotImplementedError

    def bulk_edit_changes(self, ctx):
        raise NotImplementedError

    @classmethod
    def parameters(cls):
        cases = [
            ("invalid_case", list(range(len(cls.invalid_fields))),
             [f"{field}-{index}" for index, (field, _change) in enumerate(cls.invalid_fields)]),
        ]
        return super().parameters() + cases

    # --- data -----------------------------------------------------------------------------------

    def create_data(self, ctx):
        actor = ctx.users[self.actor]
        data = form_post_data(self.form_class("add")(instance=self.model(), user=actor))
        data.update(self.create_fields(ctx))
        return data

    def edit_data(self, ctx, obj, changes):
        actor = ctx.users[self.actor]
        data = form_post_data(self.form_class("edit")(instance=self.fresh(obj), user=actor))
        data.update(changes)
        return data

    def make_own(self, ctx, **fields):
        return self.make(ctx, owner=ctx.users[self.actor], **fields)

    # --- tests ----------------------------------------------------------------------------------

    def test_page_views_match_declaration(self):
        for view in PAGE_VIEWS:
            try:
                self.url(view) if view in ("list", "add", "bulk_edit", "bulk_delete") else \
                    reverse(f"{self.model._meta.app_label}:{self.model._meta.model_name}_{view}", kwargs={"pk": 1})
                exists = True
            except NoReverseMatch:
                exists = False
            assert exists == (view in self.views), f"{view}: declared {view in self.views}, exists {exists}"

    @needs("page:list")
    def test_page_list_shows_rows(self, ctx, client):
        rows = [self.make_own(ctx) for _ in range(3)]
        self.login(client, ctx, self.actor)
        response = client.get(self.url("list"), {"per_page": 200})
        assert response.status_code == 200
        listed = listed_pks(response)
        assert {row.pk for row in rows} <= set(listed)
        assert len(listed) == len(set(listed)), "a row is listed twice"

    @needs("page:list")
    def test_page_list_unknown_ordering_is_a_field_error(self, ctx, client):
        self.login(client, ctx, self.actor)
        response = client.get(self.url("list"), {"ordering": "password"})
        assert response.status_code == 400
        assert "ordering" in field_errors(response)

    @needs("page:list")
    def test_page_export_has_the_list_columns(self, ctx, client):
        """Both exports head their columns as the list page does (translated labels)."""
        self.make_own(ctx)
        self.login(client, ctx, self.actor)
        shown = column_headers(client.get(self.url("list")))
        assert shown
        for export_format in ("csv", "xlsx"):
            response = client.get(self.url("list"), {"export": export_format})
            assert response.status_code == 200
            headers = export_rows(response, export_format, header=True)[0]
            assert set(shown) <= set(headers), f"{export_format}: page {shown}, export {headers}"

    @needs("page:list")
    def test_page_export_follows_the_list_filter(self, ctx, client):
        wanted = self.make_own(ctx, **{self.label_field: "Filtered-Yes"})
        self.make_own(ctx, **{self.label_field: "Filtered-No"})
        self.login(client, ctx, self.actor)
        listed = listed_pks(client.get(self.url("list"), {"q": "Filtered-Yes"}))
        assert listed == [wanted.pk]
        for export_format in ("csv", "xlsx"):
            response = client.get(self.url("list"), {"q": "Filtered-Yes", "export": export_format})
            assert [row[0] for row in export_rows(response, export_format)] == [self.label(wanted)]

    @needs("page:detail")
    def test_page_detail(self, ctx, client):
        obj = self.make_own(ctx)
        self.login(client, ctx, self.actor)
        response = client.get(self.url("detail", obj))
        assert response.status_code == 200
        assert html.escape(str(obj)) in response.content.decode()

    @needs("page:add")
    def test_page_create(self, ctx, client):
        self.login(client, ctx, self.actor)
        assert client.get(self.url("add")).status_code == 200
        before = set(self.rows().values_list("pk", flat=True))
        response = client.post(self.url("add"), self.create_data(ctx))
        assert response.status_code == 302, field_errors(response) or response.content.decode()[-3000:]
        created = set(self.rows().values_list("pk", flat=True)) - before
        assert len(created) == 1
        obj = self.model._base_manager.get(pk=created.pop())
        assert response["Location"] == self.url("detail", obj)
        assert list(self.changes(obj).values_list("action", flat=True)) == [ObjectChange.Action.CREATE]
        assert self.changes(obj).get().user_id == ctx.users[self.actor].pk

    @needs("page:add")
    def test_page_create_invalid(self, ctx, client, invalid_case):
        field, change = self.invalid_fields[invalid_case]
        data = self.create_data(ctx)
        data = change(data) if callable(change) else {**data, **change}
        self.login(client, ctx, self.actor)
        rows, changes = self.rows().count(), ObjectChange.objects.count()
        response = client.post(self.url("add"), data)
        assert response.status_code == 400
        assert field in field_errors(response), f"no error shown next to {field!r}: {field_errors(response)}"
        assert self.rows().count() == rows, "an invalid form wrote a row"
        assert ObjectChange.objects.count() == changes

    @needs("page:add", "scoped-relations")
    def test_page_related_fields_are_scoped(self, ctx, client):
        """The add form refuses a related row the user cannot see (400 with the error by the field,
        nothing written) and takes one they may see."""
        caller, outsider = self.outside_scope
        user = ctx.users[caller]
        form_fields = self.form_class("add")(instance=self.model(), user=user).fields
        names = [name for name in scoped_relations(self.model) if name in form_fields]
        assert names, f"no form field for {scoped_relations(self.model)}"
        self.login(client, ctx, caller)
        for name in names:
            many = self.model._meta.get_field(name).many_to_many
            inside = self.make_related(ctx, name, user)
            outside = self.make_related(ctx, name, ctx.users[outsider])
            data = form_post_data(self.form_class("add")(instance=self.model(), user=user))
            data.update(self.create_fields(ctx))
            rows, changes = self.rows().count(), ObjectChange.objects.count()
            response = client.post(self.url("add"), {**data, name: [str(outside.pk)] if many else str(outside.pk)})
            assert response.status_code == 400, f"{name}: {response.status_code}"
            assert name in field_errors(response), f"no error shown next to {name!r}: {field_errors(response)}"
            assert self.rows().count() == rows and ObjectChange.objects.count() == changes
            response = client.post(self.url("add"), {**data, name: [str(inside.pk)] if many else str(inside.pk)})
            assert response.status_code == 302, f"{name}: {response.status_code} {field_errors(response)}"

    @needs("page:edit")
    def test_page_edit(self, ctx, client):
        obj = self.make_own(ctx)
        version = self.fresh(obj).version
        changes, _other = self.edit_changes(ctx)
        self.login(client, ctx, self.actor)
        assert client.get(self.url("edit", obj)).status_code == 200
        response = client.post(self.url("edit", obj), self.edit_data(ctx, obj, changes))
        assert response.status_code == 302, field_errors(response) or response.content.decode()[-3000:]
        fresh = self.fresh(obj)
        assert_fields(fresh, changes)
        assert fresh.version == version + 1
        assert self.changes(obj, ObjectChange.Action.UPDATE).count() == 1

    @needs("page:edit")
    def test_page_edit_from_stale_version_is_refused(self, ctx, client):
        obj = self.make_own(ctx)
        first, second = self.edit_changes(ctx)
        # Two people open the edit form at the same version…
        first_data, second_data = self.edit_data(ctx, obj, first), self.edit_data(ctx, obj, second)
        self.login(client, ctx, self.actor)
        assert client.post(self.url("edit", obj), first_data).status_code == 302
        after_first = self.snapshot(obj)
        # …the second save is refused, shows what is stored now and changes nothing.
        response = client.post(self.url("edit", obj), second_data)
        assert response.status_code == 409
        block = current_values_block(response)
        for name, values in shown_values(self.fresh(obj), first).items():
            for value in values:
                assert value in block, f"current value of {name} ({value!r}) not shown: {block[:500]}"
        assert self.snapshot(obj) == after_first
        assert_fields(self.fresh(obj), first)
        assert self.changes(obj, ObjectChange.Action.UPDATE).count() == 1

    @needs("page:delete")
    def test_page_delete_and_restore(self, ctx, client):
        obj = self.make_own(ctx)
        self.login(client, ctx, self.actor)
        assert client.get(self.url("delete", obj)).status_code == 200
        response = client.post(self.url("delete", obj))
        assert response.status_code == 302
        assert self.fresh(obj).deleted_at is not None
        assert client.get(self.url("detail", obj)).status_code == 404
        if "list" in self.views:
            assert obj.pk not in listed_pks(client.get(self.url("list"), {"per_page": 200}))
        restore_url = reverse("core:restore", args=[self.key(), obj.pk])
        bin_page = client.get(reverse("core:recycle_bin"))
        assert bin_page.status_code == 200
        assert restore_url in bin_page.content.decode(), "the deleted record is not in the recycle bin"
        assert client.post(restore_url).status_code == 302
        assert self.fresh(obj).deleted_at is None
        assert client.get(self.url("detail", obj)).status_code == 200
        if "list" in self.views:
            assert obj.pk in listed_pks(client.get(self.url("list"), {"per_page": 200}))
        actions = sorted(self.changes(obj).values_list("action", flat=True))
        assert actions == sorted([ObjectChange.Action.DELETE, ObjectChange.Action.RESTORE])

    @needs("page:bulk_delete")
    def test_page_bulk_delete(self, ctx, client):
        first, second, kept = (self.make_own(ctx) for _ in range(3))
        self.login(client, ctx, self.actor)
        pks = [str(first.pk), str(second.pk)]
        confirm = client.post(self.url("bulk_delete"), {"pk": pks})
        assert confirm.status_code == 200
        assert self.fresh(first).deleted_at is None, "asking for confirmation deleted already"
        response = client.post(self.url("bulk_delete"), {"pk": pks, "_confirm": "1"})
        assert response.status_code == 302
        assert self.fresh(first).deleted_at is not None
        assert self.fresh(second).deleted_at is not None
        assert self.fresh(kept).deleted_at is None
        assert self.changes(action=ObjectChange.Action.DELETE).filter(
            object_id__in=[first.pk, second.pk]).count() == 2

    @needs("page:bulk_edit")
    def test_page_bulk_edit(self, ctx, client):
        first, second, kept = (self.make_own(ctx) for _ in range(3))
        untouched = self.snapshot(kept)
        changes = self.bulk_edit_changes(ctx)
        self.login(client, ctx, self.actor)
        pks = [str(first.pk), str(second.pk)]
        assert client.post(self.url("bulk_edit"), {"pk": pks}).status_code == 200
        response = client.post(self.url("bulk_edit"), {"pk": pks, "_apply": "1", **changes})
        assert response.status_code == 302, field_errors(response)
        for obj in (first, second):
            assert_fields(self.fresh(obj), changes)
            assert self.changes(obj, ObjectChange.Action.UPDATE).count() == 1
        assert self.snapshot(kept) == untouched

    def test_page_without_grant_is_forbidden(self, ctx, client):
        obj = self.make_own(ctx)
        self.login(client, ctx, "nobody")
        for view in self.views:
            url = self.url(view, obj) if view in ("detail", "edit", "delete") else self.url(view)
            method = client.post if view.startswith("bulk") else client.get
            assert method(url).status_code == 403, view
        if "add" in self.views:
            rows = self.rows().count()
            assert client.post(self.url("add"), self.create_data(ctx)).status_code == 403
            assert self.rows().count() == rows

    @needs("page:edit")
    def test_page_edit_without_version_is_refused(self, ctx, client):
        """An edit form posted without the version it was loaded at must not skip the conflict check."""
        obj = self.make_own(ctx)
        before = self.snapshot(obj)
        changes, _other = self.edit_changes(ctx)
        data = self.edit_data(ctx, obj, changes)
        data.pop("version", None)
        self.login(client, ctx, self.actor)
        response = client.post(self.url("edit", obj), data)
        assert response.status_code == 400
        assert self.snapshot(obj) == before
