"""The import pipeline: mapping guessed from headers, rows checked by the model's own validation,
uniques and matches looked up per batch, written in bulk in one transaction (core.imports.writing).

Rows are checked in batches of BATCH: each batch costs a fixed number of queries (existing
unique values, records matched for an upsert, owners, the importer's own lookups, possible
duplicates), never one per row. Every row goes through `Model.full_clean()` (the validation forms
and the API run), except foreign keys, which are resolved per batch, and uniqueness, checked per
batch against the database and against the rest of the file.

All or nothing: the writes run in one transaction, committed only once the whole file is checked;
when a row is bad and the user did not choose "skip bad rows", it is rolled back and nothing is
written (a conflict with a record saved meanwhile rolls all of it back too). On PostgreSQL each
checked batch is written while the next one is checked (core.imports.writing); the checks see
only the rows stored before the import, as if nothing had been written yet.

Audit: every created record gets its "created" entry in the change log, every updated record its
"updated" entry with before and after, written in bulk with the records (docs/customers.md).
"""

import contextlib
import datetime
import gc
import re
import unicodedata
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.lookups import AnyOf, values_in
from core.permissions import has_perm, scope_filter
from core.text import clean_text

from .models import ImportJob, ImportMapping, JobStatus
from .reading import ImportFileError, read_table
from .writing import start_writer

BATCH = 2000
PREVIEW_ROWS = 20
MEMO_VALUES = 5000  # outcomes of a field's clean() remembered at most (values beyond: cleaned each time)
MEMO_TYPES = (str, int, bool, float, datetime.date)
YOUNG_OBJECTS = 100_000
MAX_REPORTED_ERRORS = 50_000
OWNER = "owner"


def header_key(text):
    """Headers compared loosely: full-width → half-width, case, spaces, marks like * or (必填)."""
    text = unicodedata.normalize("NFKC", str(text)).lower()
    text = re.sub(r"[(（\[【].*?[)）\]】]", "", text)
    return re.sub(r"[\s*:：_\-./]", "", text)


def importable_fields(importer):
    model = importer.model
    names = list(importer.fields)
    if getattr(model, "scope_kind", "") == "scoped" and OWNER not in names:
        names.append(OWNER)
    return [model._meta.get_field(name) for name in names]


def field_choices(importer):
    """[(name, label)] for the mapping form, in the current language."""
    return [(f.name, str(f.verbose_name)) for f in importable_fields(importer)]


def _labels(importer):
    """header key → field name: names, verbose names in English and Chinese, synonyms."""
    result = {}
    for model_field in importable_fields(importer):
        texts = [model_field.name, *importer.synonyms.get(model_field.name, ())]
        for language in ("en", "zh-hans"):
            with translation.override(language):
                texts.append(str(model_field.verbose_name))
        for text in texts:
            result.setdefault(header_key(text), model_field.name)
    return result


def guess_mapping(importer, headers, saved=None):
    """The field each column fills ("" = ignored): the user's saved choice for that header first,
    then names, verbose names (English, Chinese) and synonyms. A field is filled by one column."""
    labels = _labels(importer)
    valid = {f.name for f in importable_fields(importer)}
    saved = {header_key(k): v for k, v in (saved or {}).items() if v in valid or v == ""}
    used, mapping = set(), []
    for header in headers:
        key = header_key(header)
        name = saved[key] if key in saved else labels.get(key, "")
        if name and name in used:
            name = ""
        if name:
            used.add(name)
        mapping.append(name)
    return mapping


def saved_mapping(user, importer):
    row = ImportMapping.objects.filter(user=user, object_type=importer.key).first()
    return row.columns if row else {}


def save_mapping(user, importer, headers, mapping):
    columns = saved_mapping(user, importer)
    columns.update({header: name for header, name in zip(headers, mapping, strict=False) if header})
    ImportMapping.objects.update_or_create(user=user, object_type=importer.key, defaults={"columns": columns})


def clean_mapping(importer, headers, mapping, mode, match_key):
    """Refuse a mapping that cannot work: {"mapping": [...]} style errors for the form and the API."""
    valid = {f.name for f in importable_fields(importer)}
    errors = {}
    if not isinstance(mapping, list) or len(mapping) != len(headers) or not all(isinstance(m, str) for m in mapping):
        return {"mapping": [_("Give one field (or nothing) for each of the %(count)s columns.")
                            % {"count": len(headers)}]}
    unknown = [m for m in mapping if m and m not in valid]
    if unknown:
        errors["mapping"] = [_("Unknown field: %(name)s.") % {"name": unknown[0][:50]}]
    chosen = [m for m in mapping if m]
    if len(chosen) != len(set(chosen)):
        errors["mapping"] = [_("Each field may be filled by one column only.")]
    required = [f for f in importable_fields(importer)
                if not f.blank and not f.has_default() and f.name != OWNER and f.name not in chosen]
    if mode == ImportJob.Mode.CREATE and required:
        errors["mapping"] = [_("Map a column to: %(fields)s.")
                             % {"fields": ", ".join(str(f.verbose_name) for f in required)}]
    if mode not in ImportJob.Mode.values:
        errors["mode"] = [_("Choose create or upsert.")]
    if mode == ImportJob.Mode.UPSERT:
        if match_key not in importer.match_keys:
            errors["match_key"] = [_("Choose the field that finds the existing record.")]
        elif match_key not in chosen:
            errors["match_key"] = [_("Map a column to the field the records are matched by.")]
    return errors


@dataclass
class RowResult:
    number: int
    values: dict
    action: str = "create"  # create, update, error
    errors: list = field(default_factory=list)  # [(column label, message)]
    duplicates: list = field(default_factory=list)
    instance: object = None
    before: dict = None


@dataclass
class CheckState:
    """What the rows already checked hold, for duplicates within the file."""

    seen: dict = field(default_factory=dict)  # field → {value: row number}


class Checker:
    def __init__(self, importer, *, actor, headers, mapping, mode, match_key):
        self.importer = importer
        self.model = importer.model
        self.actor = actor
        self.mode = mode
        self.match_key = match_key if mode == ImportJob.Mode.UPSERT else ""
        self.columns = [(index, name) for index, name in enumerate(mapping) if name]
        self.fields = {name: self.model._meta.get_field(name) for _i, name in self.columns}
        self.headers = headers
        self.state = CheckState()
        self.scoped = getattr(self.model, "scope_kind", "") == "scoped"
        self.fk_names = [f.name for f in self.model._meta.concrete_fields if f.is_relation]
        self.choice_maps = {name: self._choice_map(f) for name, f in self.fields.items() if f.choices}
        self.uniques = self._unique_fields()
        self.user_model = get_user_model()
        self.assignable = None
        # What the change log keeps of a record (core.services.serialize_object): derived keys
        # (search and match keys, `audited = False`) and bookkeeping (`audit_exclude`) left out.
        self.audit_names = [f for f in self.model._meta.concrete_fields
                            if not f.primary_key and f.name not in getattr(self.model, "audit_exclude", ())
                            and getattr(f, "audited", True)]
        self.labels = {}  # (field, id) → label of a related record, for the snapshots
        self.derived_keys = hasattr(self.model, "fill_derived_keys")
        # The fields full_clean() would clean, each with a memo of outcomes when its clean() is
        # Django's plain one (to_python, choices and blank, validators: the value alone decides).
        self.validated = [(f, {} if type(f).clean is models.Field.clean and type(f).validate is models.Field.validate
                           else None)
                          for f in self.model._meta.fields
                          if f.name not in self.fk_names and not getattr(f, "generated", False)]

    def label(self, name):
        for index, mapped in self.columns:
            if mapped == name:
                return self.headers[index]
        model_field = self.fields.get(name)
        if model_field is None:
            try:
                model_field = self.model._meta.get_field(name)
            except Exception:
                return name
        return str(model_field.verbose_name)

    @staticmethod
    def _choice_map(model_field):
        result = {}
        for value, label in model_field.flatchoices:
            result[header_key(value)] = value
            for language in ("en", "zh-hans"):
                with translation.override(language):
                    result[header_key(str(label))] = value
        return result

    def _unique_fields(self):
        result = {}
        for name, model_field in self.fields.items():
            if model_field.unique and not model_field.primary_key:
                result[name] = (_("Another %(type)s already has this %(field)s.") % {
                    "type": self.model._meta.verbose_name, "field": model_field.verbose_name}, None)
        for constraint in self.model._meta.constraints:
            fields = getattr(constraint, "fields", ())
            if isinstance(constraint, models.UniqueConstraint) and len(fields) == 1 and fields[0] in self.fields:
                # Its condition too: the rows it holds unique among, and what lets PostgreSQL use
                # its partial index (without `credit_code <> ''` it read all 1,000,000 customers
                # for each batch of 2,000 rows: 150 ms against 10).
                result[fields[0]] = (str(constraint.violation_error_message or _("This value is already taken.")),
                                     constraint.condition)
        return result

    # -- one cell -------------------------------------------------------------------------------
    def convert(self, name, text):
        model_field = self.fields[name]
        if _needs_cleaning(text):
            text = clean_text(text, multiline=isinstance(model_field, models.TextField))
        text = text.strip()
        if not text:
            return None if model_field.null else ("" if not model_field.is_relation else None)
        if name in self.choice_maps:
            return self.choice_maps[name].get(header_key(text), text)
        if isinstance(model_field, models.BooleanField):
            return header_key(text) in ("1", "true", "yes", "y", "是", "对", "√")
        if isinstance(model_field, models.DateField) and not isinstance(model_field, models.DateTimeField):
            match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]00:00(?::00)?)?", text)
            if match:
                try:
                    return datetime.date(*map(int, match.groups()))
                except ValueError:
                    return text
        return text

    # -- a batch of rows ----------------------------------------------------------------------
    def check(self, rows, numbers, *, duplicates=True):
        """RowResults for a batch; a fixed number of queries whatever its size."""
        results = []
        for number, row in zip(numbers, rows, strict=True):
            values = {name: row[index] if index < len(row) else "" for index, name in self.columns}
            results.append(RowResult(number=number, values=values))
        self._resolve_importer(results)
        self._resolve_owners(results)
        matched = self._match(results)
        now = timezone.now()
        for result in results:
            self._build(result, matched, now)
        self._check_uniques(results)
        if duplicates and self.importer.duplicates:
            pending = [r for r in results if r.action != "error"]
            # The actor goes along: a hit the importer may not see must not reveal its data.
            hits = self.importer.duplicates([dict(r.values, _row=r.number,
                                                  _id=r.instance.pk if r.action == "update" else None)
                                             for r in pending], actor=self.actor) or {}
            for index, labels in hits.items():
                pending[index].duplicates = list(labels)
        return results

    def _resolve_importer(self, results):
        if not self.importer.resolve:
            return
        batch = [dict(r.values, _errors={}, _values={}) for r in results]
        self.importer.resolve(batch, actor=self.actor)
        for result, row in zip(results, batch, strict=True):
            for name, message in row["_errors"].items():
                self._error(result, name, message)
            result.resolved = row["_values"]

    def _resolve_owners(self, results):
        if not self.scoped or OWNER not in self.fields:
            return
        texts = {r.values[OWNER].strip() for r in results if r.values.get(OWNER, "").strip()}
        if not texts:
            return
        users = {}
        for user in self.user_model.objects.filter(is_active=True).filter(
                Q(username__in=texts) | Q(email__in=texts) | Q(last_name__in=[t[:1] for t in texts])):
            for text in (user.username, user.email, user.get_full_name()):
                if text in texts:
                    users.setdefault(text, []).append(user)
        allowed = self._assignable({u.pk for found in users.values() for u in found})
        for result in results:
            text = result.values.get(OWNER, "").strip()
            if not text:
                continue
            found = {u.pk: u for u in users.get(text, [])}
            if len(found) != 1:
                self._error(result, OWNER, _("No single active employee is called “%(name)s”; use the user name.")
                            % {"name": text[:50]} if found else
                            _("No active employee is called “%(name)s”.") % {"name": text[:50]})
            elif next(iter(found)) not in allowed:
                self._error(result, OWNER, _("You may not assign records to %(name)s.") % {"name": text[:50]})
            else:
                result.owner = next(iter(found.values()))

    def _assignable(self, user_ids):
        """The users among `user_ids` the actor may give a new record to: those whose records the
        actor may still change (the data scope of "change", owner and unit read on the employee)."""
        condition = scope_filter(self.actor, self.model, "change")
        if condition is None:
            return set(user_ids)
        if condition is False:
            return set()
        rewritten = _owner_condition(condition)
        if rewritten is None:
            return {self.actor.pk} & set(user_ids)
        return set(self.user_model.objects.filter(pk__in=user_ids).filter(rewritten).values_list("pk", flat=True))

    def _match(self, results):
        """Upsert: the existing records the rows name by the match key, when the actor may change them."""
        if not self.match_key:
            return {}
        values = {self._key_value(r) for r in results} - {"", None}
        if not values:
            return {}
        found = {}
        for record in self.model.objects.filter(values_in(self.match_key, values)):
            found.setdefault(self._normal(getattr(record, self.match_key)), []).append(record)
        pks = [record.pk for records in found.values() for record in records]
        changeable = set(self.model.objects.visible_to(self.actor, "change").filter(pk__in=pks)
                         .values_list("pk", flat=True))
        return {"found": found, "changeable": changeable}

    def _key_value(self, result):
        return self._normal(self.convert(self.match_key, result.values.get(self.match_key, "")))

    def _normal(self, value):
        if isinstance(value, str):
            value = value.strip()
            if self.match_key == "credit_code":
                value = value.upper()
        return value

    def _build(self, result, matched, now):
        model = self.model
        values = {}
        for name in self.fields:
            if name == OWNER or self.fields[name].is_relation:
                continue
            values[name] = self.convert(name, result.values[name])
        values.update(getattr(result, "resolved", {}) or {})
        instance = None
        if matched:
            records = matched["found"].get(self._key_value(result), [])
            if len(records) > 1:
                self._error(result, self.match_key, _("Several existing records have this value."))
            elif records:
                instance = records[0]
                if instance.pk not in matched["changeable"]:
                    self._error(result, self.match_key,
                                _("An existing %(type)s has this value and you may not change it.")
                                % {"type": model._meta.verbose_name})
                    return
                result.before = self.snapshot(instance)
                result.action = "update"
                for name, value in values.items():
                    if value not in ("", None):  # an empty cell leaves the stored value alone
                        setattr(instance, name, value)
                instance.updated_by = self.actor
                instance.updated_at = now
                instance.version += 1
                owner = getattr(result, "owner", None)
                if owner is not None and owner.pk != instance.owner_id:
                    instance.owner = owner
                    instance.org_unit_id = owner.unit_id
        if instance is None:
            # An empty cell of a field with a default takes the default (a level, a kind).
            instance = model(**{k: v for k, v in values.items()
                                if v not in ("", None) or not model._meta.get_field(k).has_default()})
            if hasattr(instance, "created_by_id"):
                instance.created_by = self.actor
                instance.updated_by = self.actor
            if self.scoped:
                owner = getattr(result, "owner", None) or self.actor
                instance.owner = owner
                instance.org_unit_id = owner.unit_id
                if owner.unit_id is None:
                    self._error(result, OWNER, _("%(name)s belongs to no org unit; place them in one first.")
                                % {"name": owner})
        result.instance = instance
        try:
            self._full_clean(instance)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    self._error(result, name, message)
        if result.errors:
            result.action = "error"
        elif self.derived_keys:
            # Filled once, here: the duplicate check reads the same keys (customers.dedupe's
            # caches) and the writer sends them as they are (core.imports.writing).
            instance.fill_derived_keys()

    def _full_clean(self, instance):
        """`instance.full_clean(exclude=<foreign keys>, validate_unique=False, validate_constraints=False)`
        (Model.clean_fields, then Model.clean), with each field's clean() remembered per value where
        it depends on the value alone: a kind, a level, a province repeat on thousands of rows."""
        errors = {}
        for model_field, memo in self.validated:
            raw = getattr(instance, model_field.attname)
            if model_field.blank and raw in model_field.empty_values:
                continue
            key = (type(raw), raw) if memo is not None and type(raw) in MEMO_TYPES else None
            if key is not None and key in memo:
                outcome = memo[key]
            else:
                try:
                    outcome = (True, model_field.clean(raw, instance))
                except ValidationError as error:
                    outcome = (False, error.error_list)
                if key is not None and len(memo) < MEMO_VALUES:
                    memo[key] = outcome
            if outcome[0]:
                setattr(instance, model_field.attname, outcome[1])
            else:
                errors[model_field.name] = outcome[1]
        try:
            instance.clean()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def _check_uniques(self, results):
        for name, (message, condition) in self.uniques.items():
            live = [r for r in results if r.action != "error" and getattr(r.instance, name, "")]
            values = {getattr(r.instance, name) for r in live}
            taken = {}
            if values:
                stored = self.model.objects.filter(values_in(name, values))
                if condition is not None:
                    stored = stored.filter(condition)
                taken = dict(stored.order_by().values_list(name, "pk"))
            seen = self.state.seen.setdefault(name, {})
            for result in live:
                value = getattr(result.instance, name)
                owner_pk = taken.get(value)
                if owner_pk is not None and owner_pk != result.instance.pk:
                    self._error(result, name, message)
                elif value in seen:
                    self._error(result, name, _("Same value as row %(row)s of this file.") % {"row": seen[value]})
                else:
                    seen[value] = result.number
                if result.errors:
                    result.action = "error"

    def _error(self, result, name, message):
        result.errors.append((self.label(name) if name != "__all__" else "", str(message)))
        result.action = "error"

    def snapshot(self, instance):
        from core.services import _plain

        data = {}
        for model_field in self.audit_names:
            if model_field.is_relation:
                related_id = getattr(instance, model_field.attname)
                if related_id is None:
                    data[model_field.name] = None
                    continue
                # The same owner, unit or industry on thousands of rows: its label is read once.
                key = (model_field.name, related_id)
                label = self.labels.get(key)
                if label is None:
                    related = instance._state.fields_cache.get(model_field.name)
                    label = str(related) if related is not None else ""
                    if related is not None:
                        self.labels[key] = label
                data[model_field.name] = {"id": related_id, "label": label}
            else:
                value = getattr(instance, model_field.attname)
                data[model_field.name] = value if type(value) is str else _plain(value)
        return data


def _needs_cleaning(text):
    """Whether clean_text() might change `text`. str.isprintable() (C speed) is False for every
    control, format, surrogate and separator character clean_text() removes (and for a few it
    keeps, such as U+3000, which then merely take the slower path)."""
    return not text.isprintable()


def _owner_condition(condition):
    """A scope condition on records (owner_id, org_unit_id, pk) as one on employees (id, unit_id);
    conditions on the record itself (shares) cannot hold for a new record and are dropped. None when
    the condition uses something else."""
    rewritten = Q()
    rewritten.connector = condition.connector
    rewritten.negated = condition.negated
    for child in condition.children:
        if isinstance(child, Q):
            inner = _owner_condition(child)
            if inner is None:
                return None
            rewritten.children.append(inner)
            continue
        if isinstance(child, AnyOf):  # values_in(name, ids): the same as name__in=ids
            child = (f"{child.lhs.name}__in", child.rhs)
        lookup, value = child
        if lookup.startswith("owner_id"):
            rewritten.children.append(("pk" + lookup[len("owner_id"):], value))
        elif lookup.startswith("org_unit_id"):
            rewritten.children.append(("unit_id" + lookup[len("org_unit_id"):], value))
        elif lookup.startswith("pk") and condition.connector == Q.OR:
            continue
        else:
            return None
    return rewritten


# -- preview --------------------------------------------------------------------------------------
def preview(job, importer, actor):
    """The first rows as they would be imported: values, errors, possible duplicates."""
    table = read_table(job.file.path, job.file_name, max_rows=PREVIEW_ROWS)
    checker = Checker(importer, actor=actor, headers=job.headers, mapping=job.mapping, mode=job.mode,
                      match_key=job.match_key)
    return checker.check(table.rows, table.row_numbers)


# -- commit ---------------------------------------------------------------------------------------
class ImportAborted(Exception):
    pass


def run_import(job, importer, *, progress=True):
    """Check every row, then (when allowed) write them all in one transaction. Updates the job."""
    with _fewer_collections():
        return _run_import(job, importer, progress)


@contextlib.contextmanager
def _fewer_collections():
    """An import allocates millions of objects that live for a batch (rows, records, keys): with its
    default young generation of 700 objects, Python's cyclic collector ran 3,400 times over them
    for 100,000 rows, 9 % of the import's time (measured). A young generation of YOUNG_OBJECTS
    lets most of them be freed first; cycles (a failed row's exception) are still collected."""
    thresholds = gc.get_threshold()
    gc.set_threshold(max(thresholds[0], YOUNG_OBJECTS), *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def _run_import(job, importer, progress):
    actor = job.user
    job.status, job.started_at, job.phase = JobStatus.RUNNING, timezone.now(), "checking"
    job.processed_rows = 0
    job.save(update_fields=["status", "started_at", "phase", "processed_rows"])
    try:
        if not has_perm(actor, importer.model, "add" if job.mode == ImportJob.Mode.CREATE else "change"):
            raise ImportAborted(_("You may not add records of this type."))
        table = read_table(job.file.path, job.file_name)
        job.total_rows = len(table.rows)
        job.save(update_fields=["total_rows"])
        checker = Checker(importer, actor=actor, headers=job.headers, mapping=job.mapping, mode=job.mode,
                          match_key=job.match_key)
        # The writer writes each checked batch in its transaction (on PostgreSQL while the next
        # batch is checked); it commits only once every row is checked and may be imported.
        writer = start_writer(importer, checker, actor)
        try:
            created, updated, failed, duplicates = _check_all(job, checker, table, writer, progress)
            table = None
            if failed and not job.skip_bad_rows:
                writer.finish(commit=False)
                job.skipped_count = created + updated
                raise ImportAborted(_("%(count)s rows have errors: nothing was imported. Fix them (see the error "
                                      "report) or choose to skip bad rows.") % {"count": f"{failed:,}"})
            job.phase = "writing"
            job.save(update_fields=["phase", "errors", "failed_count", "duplicate_count"])
            writer.finish(commit=True)
        finally:
            writer.close()
        job.created_count, job.updated_count = created, updated
        job.skipped_count = failed
        job.status, job.finished_at = JobStatus.DONE, timezone.now()
        job.processed_rows = job.total_rows
        job.save()
    except (ImportAborted, ImportFileError) as error:
        _fail(job, str(error))
    except IntegrityError:
        _fail(job, _("Another record with the same unique value was saved while the file was imported: "
                     "nothing was imported; import the file again."))
    return job


def _check_all(job, checker, table, writer, progress):
    """Check the rows batch by batch, handing the good ones to the writer (all of them only while
    no row failed, unless bad rows are skipped); errors and counts go on the job."""
    created = updated = failed = duplicates = 0
    errors = []
    for start in range(0, len(table.rows), BATCH):
        results = checker.check(table.rows[start:start + BATCH], table.row_numbers[start:start + BATCH])
        creates, updates = [], []
        for result in results:
            if result.action == "error":
                failed += 1
                for column, message in result.errors:
                    if len(errors) < MAX_REPORTED_ERRORS:
                        errors.append([result.number, column, message])
            elif result.action == "update":
                updates.append(result)
            else:
                creates.append(result)
            if result.duplicates:
                duplicates += 1
        created, updated = created + len(creates), updated + len(updates)
        if not failed or job.skip_bad_rows:  # else nothing will be written: no use sending more
            writer.add(creates, updates)
        job.processed_rows = min(start + BATCH, job.total_rows)
        if progress:
            job.save(update_fields=["processed_rows"])
    job.errors, job.failed_count, job.duplicate_count = errors, failed, duplicates
    return created, updated, failed, duplicates


def _fail(job, message):
    job.status, job.finished_at, job.message = JobStatus.FAILED, timezone.now(), message
    job.created_count = job.updated_count = 0
    job.save()
