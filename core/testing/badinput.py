"""Generated bad-input tests: hostile values into every field of every surface of an object type.

Mixed into each object type's generated test class (next to PageTests and APITests; the
meta-test requires it), `BadInputTests` sends the values of core.testing.corpus into every field of
create and update (pages and API), every filter parameter, `ordering`, `q`, the page and page
size, the ids of bulk edit and bulk delete, and the export. Each request runs in its own savepoint,
rolled back afterwards, and must satisfy:

- never a 5xx (the exception type and the project line it came through are reported);
- a refused request (4xx) leaves the database as it was: the object's table row by row, its
  many-to-many rows and tags, the audit trail (ObjectChange), shares, and the row count of every
  other Kedao table;
- an accepted create writes one row and one audit entry;
- exports neutralise formulas (no XLSX cell is a formula, no CSV cell starts with = + - @).

By default (`make test` stays fast) each field gets on its own the values that broke things
before (`corpus.single_values()`: a huge id, a float for an id, a list with a huge id; invisible-only
text), then `corpus.SAMPLE_ROUNDS` requests send every field at once a value drawn from the whole
corpus with a fixed seed per field and round (a failure is reproducible). `KEDAO_BADINPUT_FULL=1`
or `pytest --badinput-full` sends the whole corpus to every field on its own.
`KEDAO_BADINPUT_REPORT=<file>` appends every 5xx found as a JSON line (to count them).
"""

import io
import json
import os
import re
import traceback
from pathlib import Path
from types import SimpleNamespace

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test import Client
from django.urls import resolve

from core.models import ObjectChange, Share

from . import corpus
from .base import ObjectTestCase, needs

FORMULA_START = tuple("=+-@\t\r") + tuple("＝＋－＠")
NUMBER = re.compile(r"-?\d+(\.\d+)?")


def project_frame(tb):
    """The deepest frame of a traceback that is Kedao's own code (not a library)."""
    base = str(Path(settings.BASE_DIR).resolve())
    found = None
    for frame in traceback.extract_tb(tb):
        filename = str(Path(frame.filename).resolve())
        if filename.startswith(base) and "/.venv/" not in filename and "/site-packages/" not in filename \
                and "/core/testing/" not in filename:
            found = f"{os.path.relpath(filename, base)}:{frame.lineno}"
    return found or "(library only)"


def describe_exception(exc_info):
    exc_type, exc, tb = exc_info
    last = traceback.extract_tb(tb)[-1]
    return {"type": f"{exc_type.__module__}.{exc_type.__qualname__}", "where": project_frame(tb),
            "raised": f"{Path(last.filename).name}:{last.lineno}", "message": str(exc)[:200]}


def report(problem):
    path = os.environ.get("KEDAO_BADINPUT_REPORT")
    if path and problem.get("exception"):
        with open(path, "a", encoding="utf-8") as stream:
            stream.write(json.dumps(problem, ensure_ascii=False) + "\n")


def project_models():
    base = Path(settings.BASE_DIR).resolve()
    models = []
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if (base in path.parents and ".venv" not in path.parts) or config.label in ("taggit", "authtoken"):
            models.extend(model for model in config.get_models() if model._meta.managed)
    return models


def table_counts(models):
    """Row counts of many tables in one query (a probe reads them twice)."""
    quote = connection.ops.quote_name
    # Table names come from the models, not from a request.
    parts = ", ".join(f"(SELECT COUNT(*) FROM {quote(model._meta.db_table)})" for model in models)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {parts}")
        return dict(zip([model._meta.label for model in models], cursor.fetchone(), strict=True))


def db_state(model):
    """What a refused request must not change: `model`'s rows field by field, its many-to-many and
    tag rows, the audit trail and shares, and the row count of every other table."""
    state = {"rows": list(model._base_manager.order_by("pk").values_list(
        *[f.attname for f in model._meta.concrete_fields]))}
    for field in model._meta.many_to_many:
        through = field.remote_field.through
        state[f"m2m:{field.name}"] = list(through.objects.order_by("pk").values_list())
    if any(f.name == "tags" for f in model._meta.get_fields()):
        from taggit.models import TaggedItem

        content_type = ContentType.objects.get_for_model(model)
        state["tags"] = list(TaggedItem.objects.filter(content_type=content_type).order_by("pk").values_list())
    state["shares"] = list(Share.objects.order_by("pk").values_list())
    # Audit rows are only ever added: their count and the last id say whether one was written.
    state["changes"] = (ObjectChange.objects.count(), ObjectChange.objects.order_by("-pk").values_list(
        "pk", flat=True).first())
    others = [other for other in project_models() if other not in (model, ObjectChange, Share)]
    state.update(table_counts(others))
    return state


def state_diff(before, after):
    return sorted(name for name in set(before) | set(after) if before.get(name) != after.get(name))


def field_kind(field):
    """"id" for a number or a related row (a form, serializer or filter field), "choice" for a fixed
    choice, a flag or a date, "text" for free text: which values a field gets on its own."""
    from django import forms as django_forms
    from django_filters import filters as filter_types
    from rest_framework import fields as drf_fields
    from rest_framework import relations

    ids = (django_forms.ModelChoiceField, django_forms.IntegerField, django_forms.DecimalField,
           django_forms.FloatField, relations.RelatedField, relations.ManyRelatedField, drf_fields.IntegerField,
           drf_fields.DecimalField, drf_fields.FloatField, drf_fields.ListField, filter_types.ModelChoiceFilter,
           filter_types.ModelMultipleChoiceFilter, filter_types.NumberFilter)
    if isinstance(field, ids):
        return "id"
    if isinstance(field, drf_fields.ChoiceField | django_forms.ChoiceField | filter_types.ChoiceFilter):
        return "choice"
    if isinstance(field, django_forms.CharField | drf_fields.CharField | filter_types.CharFilter):
        return "text"
    return "choice"


class Prober:
    """Sends requests, each in a savepoint rolled back afterwards, and collects what went wrong.

    Every probe starts from the same database state (the savepoints are rolled back), so the state
    is read once and compared after each refusal."""

    def __init__(self, model, client):
        self.model, self.client = model, client
        self.problems = []
        self.baseline = None

    def __call__(self, label, send, *, creates=False, reads=False):
        with transaction.atomic():
            if self.baseline is None and not reads:
                self.baseline = db_state(self.model)
            before = self.baseline
            try:
                response = send(self.client)
                status = response.status_code
                if getattr(response, "streaming", False):
                    b"".join(response.streaming_content)
                exc_info = getattr(response, "exc_info", None)
            except Exception as error:  # a streamed export fails while it is read
                status, exc_info = 500, (type(error), error, error.__traceback__)
            if status >= 500:
                problem = {"label": label, "status": status, "model": self.model._meta.label_lower}
                if exc_info:
                    problem["exception"] = describe_exception(exc_info)
                report(problem)
                self.problems.append(problem)
            elif 400 <= status < 500 and not reads:
                changed = state_diff(before, db_state(self.model))
                if changed:
                    self.problems.append({"label": label, "status": status, "refused but changed": changed})
            elif creates and status in (201, 302):
                after = db_state(self.model)
                added = len(after["rows"]) - len(before["rows"])
                audit = after["changes"][0] - before["changes"][0]
                if added != 1 or audit != 1:
                    self.problems.append({"label": label, "status": status, "rows added": added,
                                          "audit rows": audit})
            transaction.set_rollback(True)

    def fields(self, surface, fields, base, send, *, json_body=False, creates=False, reads=False, singles=None):
        """Each field alone with its single values (the first `singles` of them), then rounds with
        every field hostile at once. `reads`: a GET, whose database state is not compared."""
        for name, kind in fields:
            for value in corpus.single_values(kind, form=not json_body)[:singles]:
                if not json_body and not corpus.form_safe(value):
                    continue  # a lone surrogate: no browser can send it in a form or a URL
                value = value if json_body else corpus.as_form(value)
                data = {**base, name: value}
                self(f"{surface} {name}={corpus.key(value)}", lambda c, d=data: send(c, d), creates=creates,
                     reads=reads)
        for round_index in range(corpus.rounds()):
            data = dict(base)
            for name, _kind in fields:
                value = corpus.round_value(f"{self.model._meta.label_lower}:{surface}:{name}", round_index)
                if not json_body:
                    value = corpus.as_form(value) if corpus.form_safe(value) else "x"
                data[name] = value
            self(f"{surface} round {round_index}: {corpus.key(data)}", lambda c, d=data: send(c, d),
                 creates=creates, reads=reads)

    def check(self):
        if self.problems:
            distinct = {}
            for problem in self.problems:
                exc = problem.get("exception")
                name = (exc["type"], exc["where"]) if exc else (problem.get("status"), problem["label"].split(" ")[0])
                distinct.setdefault(name, problem)
            lines = [json.dumps(problem, ensure_ascii=True, default=str)[:600] for problem in distinct.values()]
            raise AssertionError(f"{len(self.problems)} bad-input failures, {len(distinct)} distinct:\n"
                                 + "\n".join(lines))


def send_json(client, method, url, data, **headers):
    try:
        body = json.dumps(data, ensure_ascii=True, allow_nan=True)
    except (ValueError, RecursionError):
        body = str(data)
    return getattr(client, method)(url, body, content_type="application/json", headers=headers)


class BadInputTests(ObjectTestCase):
    """Needs what PageTests/APITests declare (`create_data`, `api_create_data`, `make`…)."""

    suite = "badinput"

    # Fields a test class wants left alone (e.g. a file upload); rarely needed.
    badinput_skip_fields = ()

    def prober(self, ctx, user=None):
        client = Client(raise_request_exception=False)
        user = user or self.actor
        ctx.log_in(client, ctx.users[user] if isinstance(user, str) else user)
        return Prober(self.model, client)

    # --- page helpers ---------------------------------------------------------------------------

    def page_form_fields(self, ctx, view, obj=None):
        form = self.form_class(view)(instance=obj or self.model(), user=ctx.users[self.actor])
        return [(name, field_kind(field)) for name, field in form.fields.items()
                if name not in self.badinput_skip_fields]

    @staticmethod
    def list_params(filterset_class, extra):
        params = {"q": "text", "ordering": "text", "page": "id", "unknown_param": "text"}
        params.update(extra)
        for name, flt in filterset_class.base_filters.items():
            params[name] = field_kind(flt)
            # A range filter reads <name>_min / <name>_max, a date range _after / _before.
            for suffix in getattr(getattr(flt.field_class, "widget", None), "suffixes", None) or ():
                if suffix:
                    params[f"{name}_{suffix}"] = "choice"
        return sorted(params.items())

    # --- pages ----------------------------------------------------------------------------------

    @needs("page:add")
    def test_badinput_page_create(self, ctx):
        probe = self.prober(ctx)
        url = self.url("add")
        probe.fields("create", self.page_form_fields(ctx, "add"), self.create_data(ctx),
                     lambda client, data: client.post(url, data), creates=True)
        # Foreign keys prefilled from the query string (a contact added from its customer).
        prefill = {field.name: corpus.ALWAYS_STRUCTURED[0] for field in self.model._meta.concrete_fields
                   if field.is_relation}
        if prefill:
            probe(f"add ?{prefill}", lambda client: client.get(url, prefill), reads=True)
        probe.check()

    @needs("page:edit")
    def test_badinput_page_edit(self, ctx):
        probe = self.prober(ctx)
        obj = self.make_own(ctx)
        url = self.url("edit", obj)
        probe.fields("edit", [*self.page_form_fields(ctx, "edit", self.fresh(obj)), ("version", "id")],
                     self.edit_data(ctx, obj, {}), lambda client, data: client.post(url, data))
        probe.check()

    @needs("page:list")
    def test_badinput_page_list_and_export(self, ctx):
        probe = self.prober(ctx)
        self.make_own(ctx)
        url = self.url("list")
        filterset = resolve(url).func.view_class.filterset_class
        params = self.list_params(filterset, {"per_page": "id", "export": "text"})
        probe.fields("list", params, {}, lambda client, data: client.get(url, data), reads=True)
        # The same hostile filters on both exports (export=<format> with each parameter).
        for export_format in ("csv", "xlsx"):
            probe.fields(f"export-{export_format}", [p for p in params if p[1] == "id"],
                         {"export": export_format}, lambda client, data: client.get(url, data), reads=True,
                         singles=1)
        probe.check()

    @needs("page:bulk_edit")
    def test_badinput_page_bulk_edit(self, ctx):
        probe = self.prober(ctx)
        first, second = self.make_own(ctx), self.make_own(ctx)
        url = self.url("bulk_edit")
        form = resolve(url).func.view_class.form_class
        base = {"pk": [str(first.pk), str(second.pk)], "_apply": "1", **self.bulk_edit_changes(ctx)}
        fields = [(name, field_kind(field)) for name, field in form.base_fields.items()]
        probe.fields("bulk-edit", fields, base, lambda client, data: client.post(url, data))
        probe.fields("bulk-edit-select", [("pk", "id")], {}, lambda client, data: client.post(url, data))
        probe.check()

    @needs("page:bulk_delete")
    def test_badinput_page_bulk_delete(self, ctx):
        probe = self.prober(ctx)
        self.make_own(ctx)
        url = self.url("bulk_delete")
        for extra in ({}, {"_confirm": "1"}):
            probe.fields(f"bulk-delete{extra}", [("pk", "id")], extra, lambda client, data: client.post(url, data))
        probe.check()

    @needs("page:list")
    def test_badinput_exports_neutralise_formulas(self, ctx):
        """Formula-like text in every text field (and tags) comes out of CSV and XLSX as text."""
        obj = self.make_own(ctx)
        formulas = ['=HYPERLINK("http://x","y")', "=1+2", "+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", "＝1+1"]
        changes = {}
        for index, field in enumerate(f for f in self.model._meta.concrete_fields
                                      if f.get_internal_type() in ("CharField", "TextField") and not f.choices
                                      and f.editable and f.name not in ("password",)):
            value = formulas[index % len(formulas)]
            changes[field.attname] = (value + str(obj.pk))[: field.max_length or 1000]
        self.model._base_manager.filter(pk=obj.pk).update(**changes)
        if any(f.name == "tags" for f in self.model._meta.get_fields()):
            obj.tags.add("=1+1", "@tag", "+tag")
        client = self.prober(ctx).client
        bad = []
        for export_format in ("csv", "xlsx"):
            response = client.get(self.url("list"), {"export": export_format})
            assert response.status_code == 200
            bad.extend((export_format, cell) for cell in exported_cells(response, export_format)
                       if cell_is_formula(cell))
        assert not bad, f"formulas left live in exports: {bad[:10]}"

    # --- API ------------------------------------------------------------------------------------

    def api_view_class(self):
        return resolve(self.api_url()).func.cls

    def api_writable_fields(self):
        serializer = self.api_view_class().serializer_class(context={"request": None})
        return [(name, field_kind(field)) for name, field in serializer.fields.items()
                if not field.read_only and name not in self.badinput_skip_fields]

    @needs("api:create")
    def test_badinput_api_create(self, ctx):
        probe = self.prober(ctx)
        url = self.api_url()
        base = self.api_create_data(ctx)
        probe.fields("api-create", self.api_writable_fields(), base,
                     lambda client, data: send_json(client, "post", url, data), json_body=True, creates=True)
        # A lone surrogate in every field at once: some error messages echo the value sent.
        surrogates = {name: corpus.JSON_ONLY_STRINGS[1] for name, _kind in self.api_writable_fields()}
        probe("POST every field = lone surrogate",
              lambda client: send_json(client, "post", url, {**base, **surrogates}))
        for body in raw_bodies(f"{self.key()}:api-create"):
            probe(f"POST body={body[:30]!r}",
                  lambda client, b=body: client.post(url, b, content_type="application/json"))
        probe.check()

    @needs("api:update")
    def test_badinput_api_update(self, ctx):
        probe = self.prober(ctx)
        obj = self.make_own(ctx)
        url = self.api_url(obj)
        etag = self.fresh(obj).etag
        probe.fields("api-patch", self.api_writable_fields(), {},
                     lambda client, data: send_json(client, "patch", url, data, **{"If-Match": etag}),
                     json_body=True)
        for value in ('"99999999999999999999-1"', '"-1-1"', "*", 'W/"1"', '"a-b"', '"' + "9" * 400 + '"'):
            probe(f"PATCH If-Match: {value}",
                  lambda client, v=value: send_json(client, "patch", url, {}, **{"If-Match": v}))
        surrogates = {name: corpus.JSON_ONLY_STRINGS[1] for name, _kind in self.api_writable_fields()}
        probe("PATCH every field = lone surrogate",
              lambda client: send_json(client, "patch", url, surrogates, **{"If-Match": etag}))
        for body in raw_bodies(f"{self.key()}:api-update"):
            probe(f"PATCH body={body[:30]!r}",
                  lambda client, b=body: client.patch(url, b, content_type="application/json",
                                                      headers={"If-Match": etag}))
        probe.check()

    @needs("api:list")
    def test_badinput_api_list(self, ctx):
        probe = self.prober(ctx)
        self.make_own(ctx)
        url = self.api_url()
        params = self.list_params(self.api_view_class().filterset_class, {"page_size": "id"})
        probe.fields("api-list", params, {}, lambda client, data: client.get(url, data), reads=True)
        probe.check()

    @needs("api:retrieve")
    def test_badinput_api_detail_ids(self, ctx):
        probe = self.prober(ctx)
        base = self.api_url(SimpleNamespace(pk=1)).rsplit("/1/", 1)[0]
        for value in ["99999999999999999999", "0", "9" * 400]:
            url = f"{base}/{value}/"
            probe(f"GET {url}", lambda client, u=url: client.get(u), reads=True)
            for method in ("patch", "delete"):
                probe(f"{method.upper()} {url}", lambda client, u=url, m=method: send_json(client, m, u, {"name": "x"}))
        probe.check()


def raw_bodies(seed):
    if corpus.full_mode():
        return corpus.RAW_BODIES
    import random

    rng = random.Random(seed)
    # The deep one always: it was a RecursionError before any authentication.
    return [corpus.RAW_BODIES[0], *rng.sample(corpus.RAW_BODIES[1:], 3)]


def exported_cells(response, export_format):
    """Every cell of an export (header included), as (value, xlsx data type or None)."""
    if export_format == "csv":
        import csv

        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8").lstrip("\ufeff")
        return [(cell, None) for row in csv.reader(io.StringIO(text)) for cell in row]
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    return [(cell.value, cell.data_type) for row in sheet.iter_rows() for cell in row]


def cell_is_formula(cell):
    value, data_type = cell
    if data_type == "f":
        return True
    if not isinstance(value, str) or not value:
        return False
    if NUMBER.fullmatch(value):
        return False  # a plain number, however it is written, is not a formula
    return value.startswith(FORMULA_START)
