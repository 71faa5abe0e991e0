"""Excel / CSV downloads: a list's export (the same columns and rows, already scoped, that the user
sees) and any other spreadsheet Kedao writes (the coming imports' error reports).

Every cell of every spreadsheet goes through `typed_cell()`, and every text cell through
`safe_cell()`, so that no value a user typed runs as a formula in Excel, WPS or LibreOffice
(CSV injection, OWASP). A new writer of spreadsheets calls `spreadsheet_response()` (or at least
`typed_cell()` / `safe_cell()` on each cell), never openpyxl or csv with raw values.

Cells are typed as the screen shows them (core.formatting): dates as dates, date-times as local
date-times of the current time zone (the company's, settings.TIME_ZONE) without a time zone
(Excel has none), numbers as numbers, booleans as 是/否, choices, related objects and tags as their
labels. The XLSX has column widths from its content, a bold header row, frozen; the CSV starts
with a byte-order mark so that Excel reads it as UTF-8.
"""

import csv
import datetime
import decimal
import unicodedata
from itertools import islice
from urllib.parse import quote

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django_tables2.utils import Accessor
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core import formatting
from core.replica import in_read_scope, reads_from_replica

EXPORT_ROW_LIMIT = 100_000
FORMATS = ("xlsx", "csv")

# A text cell starting with one of these is a formula (or becomes one) in Excel, WPS or
# LibreOffice; tab and carriage return hide a formula behind them. Excel also takes the
# full-width forms Chinese input methods type (＝ ＋ － ＠).
FORMULA_TRIGGERS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
# Characters a spreadsheet may skip before it reads the first one: whitespace, controls,
# invisible and direction marks. A trigger behind them counts as first.
_SKIPPED = "".join(chr(c) for c in range(0x21)) + "\x7f\u00a0\u3000\ufeff\u200b\u200c\u200d\u200e\u200f" \
    "\u2060\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"

XLSX_DATE_FORMAT = "yyyy-mm-dd"
XLSX_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
XLSX_TIME_FORMAT = "hh:mm"
XLSX_MONEY_FORMAT = '"¥"#,##0.00'
XLSX_MAX_TEXT = 32_767  # Excel's limit for one cell; longer text makes it "repair" the file
WIDTH_SAMPLE_ROWS = 200  # rows read ahead to size the columns (write-only sheets size them first)
MIN_WIDTH, MAX_WIDTH = 6, 60


def safe_cell(value):
    """A text cell that cannot run as a formula: OWASP's rule, a leading `'` when the text starts
    (after whitespace or invisible characters) with = + - @ tab or carriage return, or their
    full-width forms. Anything that is not text is returned as it is: a number typed as a number
    (a negative one too) is no formula.

    Used by every export and by the imports' error reports: `from core.exports import safe_cell`.
    """
    if not isinstance(value, str) or not value:
        return value
    if value[0] in FORMULA_TRIGGERS or value.lstrip(_SKIPPED)[:1] in FORMULA_TRIGGERS:
        return "'" + value
    return value


def typed_cell(value, field=None):
    """The spreadsheet cell for a Python value (of model field `field`, when known): None when
    empty; date, local naive date-time, time and numbers typed; everything else the neutralised
    text that core.formatting shows on the screen."""
    if formatting.is_empty(value):
        return None
    if isinstance(value, bool):
        return formatting.yes_no(value)
    if isinstance(value, datetime.datetime):
        return formatting.local_datetime(value).replace(tzinfo=None)
    if isinstance(value, datetime.date | datetime.time):
        return value
    if isinstance(value, int | float | decimal.Decimal):
        if field is not None and getattr(field, "choices", None):
            return safe_cell(formatting.format_value(value, field))
        return value if _finite(value) else str(value)
    return safe_cell(formatting.format_value(value, field))


def _finite(number):
    try:
        return decimal.Decimal(number).is_finite()
    except (ValueError, decimal.InvalidOperation):
        return False


def spreadsheet_response(export_format, filename, headers, rows, *, fields=None, sheet_title=None,
                         money_columns=()):
    """A CSV or XLSX download named `filename` (without extension).

    `headers`: the column labels; `rows`: iterables of Python values (typed by `typed_cell`);
    `fields`: the model field of each column, or None, for choices and money; `money_columns`:
    indexes of further columns shown as money (a report's sums, which have no model field).
    """
    headers = [safe_cell(str(header)) for header in headers]
    fields = list(fields or [None] * len(headers))
    cells = ([typed_cell(value, field) for value, field in zip(row, fields, strict=False)] for row in rows)
    if export_format == "csv":
        writer = csv.writer(_Echo())
        stream = (writer.writerow([_csv_text(cell) for cell in row]) for row in _prepend(headers, cells))
        # Streamed after the view returns: the rows are read then, from where the view reads.
        response = StreamingHttpResponse(in_read_scope(_with_bom(stream)), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = _disposition(f"{filename}.csv")
        return response
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = _disposition(f"{filename}.xlsx")
    _write_xlsx(response, sheet_title or filename, headers, cells, fields, money_columns)
    return response


def export_response(request, queryset, table_class, export_format, title, progress=None):
    """The list's export: its columns (hidden ones included), its filtered, scoped rows.
    `progress(count)`: called every 1,000 rows (a background export's progress bar). The rows may
    come from the read replica (core/replica.py): an export is a snapshot anyway."""
    with reads_from_replica(getattr(request, "user", None)):
        return _export_response(request, queryset, table_class, export_format, title, progress)


def _export_response(request, queryset, table_class, export_format, title, progress):
    columns = _columns(table_class, request, queryset)
    title = capfirst(str(title))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    table = table_class(queryset, request=request)
    names = [name for name, _header in columns]
    bound = [table.columns[name] for name in names]  # looked up once, not per cell
    rows = ([row.cell_value(column) for column in bound] for row in islice(table.rows, EXPORT_ROW_LIMIT))
    if progress is not None:
        rows = _counted(rows, progress)
    fields = [_field(table, name, queryset.model) for name in names]
    return spreadsheet_response(export_format, f"{title}-{stamp}", [header for _name, header in columns], rows,
                                fields=fields, sheet_title=title)


def _columns(table_class, request, queryset):
    # Built on the (empty) queryset, not a list: a column's header comes from its model field's
    # verbose name, which a table over a plain list cannot see (it would print "Name", "Owner").
    table = table_class(queryset.none(), request=request)
    return [(name, str(column.header)) for name, column in table.columns.items() if name != "pk"]


def _field(table, name, model):
    try:
        field = Accessor(table.columns[name].accessor).get_field(model)
    except Exception:  # a computed column (a method, an annotation): no field
        return None
    return field if hasattr(field, "verbose_name") else None


def _write_xlsx(stream, title, headers, cells, fields, money_columns=()):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(title))
    # A write-only sheet takes widths and the frozen pane before its first row: size the columns
    # on the first rows, then write those and stream the rest.
    sample = [_xlsx_row(row) for row in islice(cells, WIDTH_SAMPLE_ROWS)]
    for index, width in enumerate(_widths(headers, sample), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=_xlsx_text(header))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    money = [(field is not None and formatting.is_money(field)) or index in money_columns
             for index, field in enumerate(fields)]
    for row in _chain(sample, (_xlsx_row(row) for row in cells)):
        sheet.append([_styled(sheet, value, is_money) for value, is_money in zip(row, money, strict=False)])
    workbook.save(stream)


def _xlsx_row(row):
    return [_xlsx_text(value) if isinstance(value, str) else value for value in row]


def _xlsx_text(text):
    # openpyxl refuses control characters (a 500 for one stray \x01); Excel refuses long cells.
    text = ILLEGAL_CHARACTERS_RE.sub("", text)[:XLSX_MAX_TEXT]
    return safe_cell(text)


def _styled(sheet, value, is_money):
    if isinstance(value, datetime.datetime):
        number_format = XLSX_DATETIME_FORMAT
    elif isinstance(value, datetime.date):
        number_format = XLSX_DATE_FORMAT
    elif isinstance(value, datetime.time):
        number_format = XLSX_TIME_FORMAT
    elif is_money and isinstance(value, decimal.Decimal | int | float):
        number_format = XLSX_MONEY_FORMAT
    else:
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell


def _widths(headers, rows):
    widths = [text_width(header) + 2 for header in headers]  # bold, and room for the filter arrow
    for row in rows:
        for index, value in enumerate(row[: len(widths)]):
            widths[index] = max(widths[index], _cell_width(value))
    return [min(MAX_WIDTH, max(MIN_WIDTH, width + 1)) for width in widths]


def _cell_width(value):
    if value is None:
        return 0
    if isinstance(value, datetime.datetime):
        return len("2026-11-28 13:49")
    if isinstance(value, datetime.date):
        return len("2026-11-28")
    if isinstance(value, decimal.Decimal | float):
        return len(f"¥{value:,.2f}")
    return max((text_width(line) for line in str(value).splitlines()), default=0)


def text_width(text):
    """Width of text in character cells: Chinese, Japanese, Korean and full-width forms count two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in str(text))


def _sheet_title(title):
    # Excel forbids []:*?/\ in sheet names and allows 31 characters.
    cleaned = "".join("_" if char in "[]:*?/\\" else char for char in ILLEGAL_CHARACTERS_RE.sub("", str(title)))
    return cleaned[:31] or "Sheet"


def _csv_text(cell):
    if cell is None:
        return ""
    if isinstance(cell, datetime.datetime):
        return date_format(cell, formatting.DATETIME_FORMAT)
    if isinstance(cell, datetime.date):
        return date_format(cell, formatting.DATE_FORMAT)
    if isinstance(cell, datetime.time):
        return cell.strftime("%H:%M")
    return str(cell)


def _counted(rows, progress):
    for count, row in enumerate(rows, start=1):
        if count % 1000 == 0:
            progress(count)
        yield row


class _Echo:
    def write(self, value):
        return value


def _prepend(first, rest):
    yield first
    yield from rest


def _chain(first, rest):
    yield from first
    yield from rest


def _with_bom(stream):
    # A byte-order mark so that Excel opens Chinese CSV as UTF-8.
    yield "\ufeff"
    yield from stream


def _disposition(filename):
    return f"attachment; filename=\"export{filename[filename.rfind('.'):]}\"; filename*=UTF-8''{quote(filename)}"
