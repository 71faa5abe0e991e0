"""Writing the checked rows of an import, and their audit rows, in one transaction.

`start_writer()` returns the writer run_import() hands each checked batch to; `finish(commit)` writes
what is left and commits, or rolls everything back. Nothing is visible to anyone before the
commit, so the import stays all or nothing whichever writer runs.

On PostgreSQL, outside a transaction (the task worker), the writer is a thread with a database
connection of its own: while the import checks batch n+1 on its connection, the thread streams
batch n into the table with `COPY` (the server inserts and updates the table's indexes, trigram
GIN indexes included, on the other core). The ids of new records are taken from the table's
sequence first. The checks still see what they always saw: the rows stored before the import
(its own rows are uncommitted, in the other transaction). Each row's derived keys (the search key,
whose pinyin is the costliest part; the match keys were filled by the check) and its audit
snapshot are computed here, before the batch is queued.

Inside a transaction (tests, a caller's atomic block) the writer keeps the rows and writes them
at the end on the caller's connection: `COPY` on PostgreSQL, `bulk_create` elsewhere. Records
matched for an update are written with `bulk_update`.

Measured (docs/benchmarks.md): Django's `bulk_create` of 1,000 rows at a time cost 4× the COPY in
this process (client-side quoting of every value) and left the second core idle meanwhile.
"""

import json
import operator
import queue
import threading

from django.contrib.contenttypes.models import ContentType
from django.db import connection, connections, models, transaction
from django.utils import timezone

from core.models import ObjectChange
from core.search import SearchKeyModel

WRITE_BATCH = 1000
QUEUED_BATCHES = 2  # batches waiting for the writer thread at most: memory stays bounded


def start_writer(importer, checker, actor):
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        return _ThreadWriter(importer, checker, actor)
    return _Writer(importer, checker, actor)


def _unowned(creates, checker):
    """The created records whose row named no owner (for the importer's `created_without_owner`)."""
    return [r.instance for r in creates if checker.scoped and getattr(r, "owner", None) is None]


def _place_unowned(importer, records, actor):
    # The importer's own assignment of the rows that named no owner (sales leads: by the rules),
    # inside the import's transaction, after the writes.
    if records and importer.created_without_owner:
        importer.created_without_owner(records, actor=actor)


class _Writer:
    """Keeps the batches; writes them all in `finish()`, on the caller's connection."""

    def __init__(self, importer, checker, actor):
        self.importer, self.actor = importer, actor
        self.model = importer.model
        self.checker = checker
        self.audit = _Audit(self.model, actor)
        self.creates, self.updates, self.unowned = [], [], []

    def add(self, creates, updates):
        self.creates.extend(r.instance for r in creates)
        self.unowned.extend(_unowned(creates, self.checker))
        self.updates.extend(updates)

    def finish(self, commit):
        if not commit:
            return
        with transaction.atomic():
            if self.creates and connection.vendor == "postgresql":
                rows = _Rows(self.model)
                ids = rows.reserve_ids(len(self.creates))
                # A generator: each row is prepared while the server inserts the ones before it.
                rows.copy(rows.prepare(instance, pk, self.audit, self.checker)
                          for instance, pk in zip(self.creates, ids, strict=True))
            elif self.creates:
                for start in range(0, len(self.creates), WRITE_BATCH):
                    chunk = self.creates[start:start + WRITE_BATCH]
                    self.model.objects.bulk_create(chunk)
                    for instance in chunk:
                        self.audit.created(instance, self.checker.snapshot(instance))
            _update(self.model, self.checker, self.updates, self.audit)
            self.audit.write()
            _place_unowned(self.importer, self.unowned, self.actor)

    def close(self):
        pass


class _ThreadWriter:
    """Streams each batch to the database from a thread with its own connection (module docstring)."""

    def __init__(self, importer, checker, actor):
        self.importer = importer
        self.model = importer.model
        self.checker = checker
        self.actor = actor
        self.unowned = []
        self.rows = _Rows(self.model)
        self.tasks = queue.Queue(maxsize=QUEUED_BATCHES)
        self.error = None
        self.thread = threading.Thread(target=self._run, name="import-writer", daemon=True)
        self.thread.start()

    def add(self, creates, updates):
        self._raise()
        self.unowned.extend(_unowned(creates, self.checker))
        audit = _Audit(self.model, self.actor)
        batch = []
        if creates:
            ids = self.rows.reserve_ids(len(creates))
            batch = [self.rows.prepare(r.instance, pk, audit, self.checker)
                     for r, pk in zip(creates, ids, strict=True)]
        self._put(("write", batch, updates, audit))

    def finish(self, commit):
        self._put(("commit" if commit else "rollback", None, None, None))
        self.thread.join()
        self._raise()

    def close(self):
        """Stop the thread (rolling back) if finish() was not reached."""
        if self.thread.is_alive():
            self._put(("rollback", None, None, None))
            self.thread.join()

    def _put(self, task):
        while self.thread.is_alive():
            try:
                self.tasks.put(task, timeout=1)
                return
            except queue.Full:
                continue
        self._raise()

    def _raise(self):
        if self.error is not None:
            error, self.error = self.error, None
            raise error

    def _run(self):
        try:
            with transaction.atomic():
                while True:
                    kind, batch, updates, audit = self.tasks.get()
                    if kind == "rollback":
                        transaction.set_rollback(True)
                        return
                    if kind == "commit":
                        _place_unowned(self.importer, self.unowned, self.actor)
                        return
                    if batch:
                        self.rows.copy(batch)
                    _update(self.model, self.checker, updates, audit)
                    audit.write()
        except Exception as error:  # noqa: BLE001 - handed to the importing thread, which reports it
            self.error = error
            while True:  # let the importing thread finish its puts: what comes is dropped
                try:
                    if self.tasks.get(timeout=5)[0] in ("commit", "rollback"):
                        break
                except queue.Empty:
                    break
        finally:
            connection.close()  # this thread's own connection


def _update(model, checker, updates, audit):
    if not updates:
        return
    names = sorted({name for name, f in checker.fields.items() if not f.is_relation}
                   | {"updated_by", "updated_at", "version"}
                   | ({"owner", "org_unit"} if checker.scoped else set())
                   | set(getattr(updates[0], "resolved", {}) or {}))
    for start in range(0, len(updates), WRITE_BATCH):
        chunk = updates[start:start + WRITE_BATCH]
        model.objects.bulk_update([r.instance for r in chunk], names)
        for result in chunk:
            audit.updated(result.instance, result.before, checker.snapshot(result.instance))


class _Audit:
    """The "created" / "updated" change-log rows of written records, kept as column values
    (snapshots already as JSON text on PostgreSQL) and written in bulk by `write()`."""

    columns = ("time", "user_id", "user_name", "request_id", "action", "content_type_id", "object_id",
               "object_repr", "prechange_data", "postchange_data")

    def __init__(self, model, actor):
        self.user_id = actor.pk
        self.user_name = actor.get_username()
        self.content_type_id = ContentType.objects.get_for_model(model).pk
        self.now = timezone.now()
        self.rows = []

    def created(self, instance, after):
        self.rows.append((ObjectChange.Action.CREATE, instance.pk, str(instance)[:200], None, after))

    def updated(self, instance, before, after):
        self.rows.append((ObjectChange.Action.UPDATE, instance.pk, str(instance)[:200], before, after))

    def write(self):
        if not self.rows:
            return
        # The connection of the thread that writes (the writer thread's own, or the caller's).
        if connections["default"].vendor == "postgresql":
            _copy(ObjectChange._meta.db_table, self.columns, (
                (self.now, self.user_id, self.user_name, None, action, self.content_type_id, pk, label,
                 _json(before), _json(after)) for action, pk, label, before, after in self.rows))
        else:
            ObjectChange.objects.bulk_create([
                ObjectChange(user_id=self.user_id, user_name=self.user_name, action=action,
                             content_type_id=self.content_type_id, object_id=pk, object_repr=label, time=self.now,
                             prechange_data=before, postchange_data=after)
                for action, pk, label, before, after in self.rows], batch_size=WRITE_BATCH)
        self.rows = []


# One encoder for every snapshot: json.dumps() with options builds a new one per call.
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _json(data):
    # Sent as text to a jsonb column: the server parses it, as it would Django's own json.dumps.
    if data is None or isinstance(data, str):
        return data
    return _encode(data)


def _copy(table, columns, rows):
    db = connections["default"]
    quote = db.ops.quote_name
    sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    with db.cursor() as cursor, db.wrap_database_errors, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


class _Rows:
    """New records as COPY rows: the values `bulk_create` would send, column by column.

    Columns whose field sends its value unchanged (text, integers, ids: `_sent_as_is`) are read
    all at once; their values have their field's type, since the check cleaned each of them
    (full_clean's `to_python`) or set it (keys, owner, unit). The rest (time stamps, fields that
    convert, such as the credit code) go through the field, as in bulk_create."""

    def __init__(self, model):
        meta = model._meta
        self.model = model
        fields = [f for f in meta.concrete_fields if not f.primary_key]
        self.columns = [meta.pk.column, *(f.column for f in fields)]
        self.read = operator.attrgetter(*(f.attname for f in fields))
        self.fixes = [(index + 1, _value_of(f)) for index, f in enumerate(fields) if not _sent_as_is(f)
                      or getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
        self.search_key = issubclass(model, SearchKeyModel)

    def reserve_ids(self, count):
        """`count` ids from the table's sequence; the time stamp of the rows prepared next."""
        self.now = timezone.now()
        meta = self.model._meta
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [connection.ops.quote_name(meta.db_table), meta.pk.column, count])
            return [row[0] for row in cursor.fetchall()]

    def prepare(self, instance, pk, audit, checker):
        """The row of a new record, its audit row kept in `audit`. The match keys were filled by the
        check (Checker._build); the search key is filled here, as bulk_create would."""
        if self.search_key:
            instance.search_key = instance.build_search_key()
        instance.pk = pk
        row = [pk, *self.read(instance)]
        now = self.now
        for index, value in self.fixes:
            row[index] = value(instance, now)
        instance._state.adding, instance._state.db = False, "default"
        audit.created(instance, _json(checker.snapshot(instance)))
        return row

    def copy(self, rows):
        _copy(self.model._meta.db_table, self.columns, rows)


def _value_of(model_field):
    """A function giving the value bulk_create would send for `model_field` of an instance: the
    time of writing for an auto_now(_add) stamp, else `get_db_prep_save`."""
    attname = model_field.attname
    if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
        # pre_save() of a new record: the time of writing, one per batch here (an aware datetime,
        # which the PostgreSQL backend sends as it is).
        def stamped(instance, now):
            setattr(instance, attname, now)
            return now
        return stamped
    keeps_none = not isinstance(model_field, models.JSONField)  # a JSON null is not SQL NULL

    def value(instance, now):
        current = getattr(instance, attname)
        if current is None and keeps_none:
            return None
        return model_field.get_db_prep_save(current, connection)
    return value


_PLAIN_FIELDS = (models.CharField, models.TextField, models.IntegerField, models.BooleanField)


def _sent_as_is(model_field):
    """Whether `model_field` sends a value of its own type unchanged: Django's text, integer and
    boolean fields, and ids of integer primary keys — unless its class converts values its own way
    (the credit code field's `to_python` normalises, for one)."""
    if isinstance(model_field, models.ForeignKey):
        return isinstance(model_field.target_field, models.IntegerField)
    base = next((b for b in _PLAIN_FIELDS if isinstance(model_field, b)), None)
    return base is not None and all(
        getattr(type(model_field), name) is getattr(base, name)
        for name in ("get_db_prep_save", "get_db_prep_value", "get_prep_value", "to_python"))
