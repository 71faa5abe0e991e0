"""Writing generated rows in bulk: COPY on PostgreSQL, executemany in a transaction on SQLite.

The builders give every row its id (so that they can refer to it without reading it back) and the
values of every concrete column, in the order of `columns(model)`. `Writer` also drops and rebuilds
a table's secondary indexes around a load and moves the id sequences past the written ids.
"""

import datetime
import decimal
import json
from contextlib import contextmanager

from django.db import connection, transaction


def columns(model):
    """(column names, attribute names, default per attribute) of a model's concrete fields."""
    fields = list(model._meta.concrete_fields)
    return [f.column for f in fields], [f.attname for f in fields], {f.attname: f.get_default() for f in fields}


def as_json(value):
    return None if value is None else json.dumps(value, ensure_ascii=False)


class Writer:
    def __init__(self):
        self.pg = connection.vendor == "postgresql"
        self.written = {}

    # -- rows -----------------------------------------------------------------------------------

    def write(self, table, names, rows):
        if not rows:
            return
        with connection.cursor() as cursor:
            if self.pg:
                with cursor.cursor.copy(f'COPY "{table}" ({", ".join(names)}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                adapt = self._sqlite_value
                marks = ", ".join(["%s"] * len(names))
                with transaction.atomic():
                    cursor.executemany(f'INSERT INTO "{table}" ({", ".join(names)}) VALUES ({marks})',  # noqa: S608 (table and columns from the models)
                                       [tuple(adapt(v) for v in row) for row in rows])
        self.written[table] = self.written.get(table, 0) + len(rows)

    @staticmethod
    def _sqlite_value(value):
        if isinstance(value, datetime.datetime):
            return connection.ops.adapt_datetimefield_value(value)
        if isinstance(value, datetime.date):
            return value.isoformat()
        if isinstance(value, decimal.Decimal):
            return str(value)
        return value

    def next_id(self, table):
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')  # noqa: S608 (a model's table)
            return cursor.fetchone()[0] + 1

    # -- around a load --------------------------------------------------------------------------

    def secondary_indexes(self, tables):
        """(name, definition) of the tables' plain (non-unique) indexes."""
        with connection.cursor() as cursor:
            if not self.pg:
                cursor.execute("SELECT tbl_name, name, sql FROM sqlite_master WHERE type = 'index' "
                               "AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%%' ORDER BY tbl_name, name")
                wanted = set(tables)
                return [(name, sql) for table, name, sql in cursor.fetchall() if table in wanted]
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
                           "AND indexdef NOT LIKE 'CREATE UNIQUE%%' ORDER BY tablename, indexname", [list(tables)])
            return cursor.fetchall()

    def drop_indexes(self, tables):
        indexes = self.secondary_indexes(tables)
        with connection.cursor() as cursor:
            for name, _definition in indexes:
                cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
        return indexes

    def rebuild_indexes(self, indexes):
        with connection.cursor() as cursor:
            if self.pg and not connection.in_atomic_block:
                cursor.execute("SET maintenance_work_mem = '512MB'")
            for _name, definition in indexes:
                cursor.execute(definition)

    @contextmanager
    def no_triggers(self):
        """PostgreSQL: no foreign-key triggers while loading rows that are consistent by construction."""
        if not self.pg:
            yield
            return
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")

    def reset_sequences(self, tables):
        """Move each table's id sequence past the ids written (SQLite's AUTOINCREMENT follows by itself)."""
        if not self.pg:
            return
        with connection.cursor() as cursor:
            for table in tables:
                highest = f'SELECT GREATEST(MAX(id), 1) FROM "{table}"'  # noqa: S608 (a model's table)
                cursor.execute(f"SELECT setval(pg_get_serial_sequence(%s, 'id'), ({highest}))", [table])

    def analyze(self, tables=()):
        if not self.pg or connection.in_atomic_block:
            return
        with connection.cursor() as cursor:
            if tables:
                for table in tables:
                    cursor.execute(f'VACUUM (ANALYZE) "{table}"')
            else:
                cursor.execute("VACUUM (ANALYZE)")
