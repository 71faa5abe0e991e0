"""Excel / CSV export of a list: the same columns and rows (already scoped) the user sees."""

import csv
from itertools import islice

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook

EXPORT_ROW_LIMIT = 100_000
FORMATS = ("xlsx", "csv")


class _Echo:
    def write(self, value):
        return value


def _columns(table_class, request, queryset):
    # Built on the (empty) queryset, not a list: a column's header comes from its model field's
    # verbose name, which a table over a plain list cannot see (it would print "Name", "Owner").
    table = table_class(queryset.none(), request=request)
    return [(name, str(column.header)) for name, column in table.columns.items() if name != "pk"]


def _value_rows(table, names):
    for row in islice(table.rows, EXPORT_ROW_LIMIT):
        yield [_cell(row.get_cell_value(name)) for name in names]


def _cell(value):
    if value is None or value == "—":
        return ""
    return str(value)


def export_response(request, queryset, table_class, export_format, title):
    columns = _columns(table_class, request, queryset)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"{title}-{stamp}"
    headers = [header for _name, header in columns]
    rows = _value_rows(table_class(queryset, request=request), [n for n, _h in columns])
    if export_format == "csv":
        writer = csv.writer(_Echo())
        # A byte-order mark so that Excel opens Chinese CSV as UTF-8.
        stream = (writer.writerow(row) for row in _prepend(headers, rows))
        response = StreamingHttpResponse(_with_bom(stream), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = _disposition(f"{filename}.csv")
        return response
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(title)[:31])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = _disposition(f"{filename}.xlsx")
    workbook.save(response)
    return response


def _prepend(first, rest):
    yield first
    yield from rest


def _with_bom(stream):
    yield "\ufeff"
    yield from stream


def _disposition(filename):
    from urllib.parse import quote

    return f"attachment; filename=\"export{filename[filename.rfind('.'):]}\"; filename*=UTF-8''{quote(filename)}"
