"""Reading an uploaded spreadsheet into a header and rows of text, refusing bad files early.

Every cap is checked BEFORE the expensive step it protects: the file size before anything is read,
the real (streamed) uncompressed size of an .xlsx before it is parsed (a zip bomb of a few kB
that inflates to gigabytes stops at the cap), the number of columns and rows while reading.
CSV files may be UTF-8 (with or without a byte-order mark) or GB18030 (the superset of GBK and
GB2312 that Chinese Excel and WPS write); anything else is refused as a wrong encoding.

A formula cell is never evaluated: an .xlsx holding formulas is read with openpyxl, which gives
the formula's text ("=HYPERLINK(…)"); that text is imported as text like any other and every
export neutralises it (core.exports.safe_cell). Files without formulas are read with
python-calamine, several times faster.
"""

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

DEFAULTS = {
    "IMPORT_MAX_BYTES": 20 * 1024 * 1024,
    "IMPORT_MAX_UNCOMPRESSED_BYTES": 400 * 1024 * 1024,
    "IMPORT_MAX_ROWS": 200_000,
    "IMPORT_MAX_COLUMNS": 100,
    "EXPORT_BACKGROUND_ROWS": 10_000,
}


def limit(name):
    """A configurable cap (settings.KEDAO, environment KEDAO_<NAME>; docs/configuration.md)."""
    return settings.KEDAO.get(name, DEFAULTS[name])


class ImportFileError(Exception):
    """The file cannot be imported; the message says why, for the user."""


@dataclass
class Table:
    headers: list
    rows: list  # lists of text, one per data row (empty rows dropped)
    row_numbers: list  # the spreadsheet row number of each row (the header is row 1)


XLSX_MAGIC = b"PK\x03\x04"
CHUNK = 1 << 20


def read_table(path, name, *, max_rows=None):
    """The header and rows of the first sheet of the file at `path` (its original name `name`).
    `max_rows`: read only this many data rows (a preview)."""
    import os

    size = os.path.getsize(path)
    if size > limit("IMPORT_MAX_BYTES"):
        raise ImportFileError(_("The file is too large: at most %(size)s MB.")
                              % {"size": limit("IMPORT_MAX_BYTES") // (1 << 20)})
    if size == 0:
        raise ImportFileError(_("The file is empty."))
    with open(path, "rb") as handle:
        start = handle.read(8)
    lower = name.lower()
    if start.startswith(XLSX_MAGIC):
        if not lower.endswith((".xlsx", ".xlsm")):
            raise ImportFileError(_("This is not a spreadsheet Kedao can read: use .xlsx or .csv."))
        has_formulas = _check_zip(path)
        raw = _read_xlsx(path, has_formulas, max_rows)
    elif lower.endswith(".csv") or lower.endswith(".txt"):
        raw = _read_csv(path, max_rows)
    elif start.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(_("Old .xls files cannot be read: save the file as .xlsx first."))
    else:
        raise ImportFileError(_("This is not a spreadsheet Kedao can read: use .xlsx or .csv."))
    return _table(raw, max_rows)


def _check_zip(path):
    """Refuse a zip bomb or a broken .xlsx; True when a worksheet holds a formula."""
    cap = limit("IMPORT_MAX_UNCOMPRESSED_BYTES")
    too_big = ImportFileError(_("The file unpacks to more than %(size)s MB: it cannot be imported.")
                              % {"size": cap // (1 << 20)})
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise ImportFileError(_("The file is damaged or is not an .xlsx workbook.")) from error
    with archive:
        infos = archive.infolist()
        if len(infos) > 10_000:
            raise too_big
        if sum(info.file_size for info in infos) > cap:
            raise too_big
        if "xl/workbook.xml" not in {info.filename for info in infos}:
            raise ImportFileError(_("The file is damaged or is not an .xlsx workbook."))
        # The sizes in the directory can lie: count what really comes out.
        total, formulas = 0, False
        try:
            for info in infos:
                with archive.open(info) as member:
                    tail = b""
                    while chunk := member.read(CHUNK):
                        total += len(chunk)
                        if total > cap:
                            raise too_big
                        if info.filename.startswith("xl/worksheets/") and not formulas:
                            window = tail + chunk
                            formulas = b"<f>" in window or b"<f " in window
                            tail = chunk[-3:]
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as error:
            raise ImportFileError(_("The file is damaged or is not an .xlsx workbook.")) from error
        except Exception as error:
            if isinstance(error, ImportFileError):
                raise
            raise ImportFileError(_("The file is damaged or is not an .xlsx workbook.")) from error
    return formulas


def _read_xlsx(path, has_formulas, max_rows):
    cap_rows = (max_rows if max_rows is not None else limit("IMPORT_MAX_ROWS")) + 1
    try:
        if has_formulas:
            from openpyxl import load_workbook

            workbook = load_workbook(path, read_only=True, data_only=False)
            sheet = workbook.worksheets[0]
            rows = sheet.iter_rows(values_only=True)
        else:
            from python_calamine import CalamineWorkbook

            workbook = CalamineWorkbook.from_path(str(path))
            if not workbook.sheet_names:
                raise ImportFileError(_("The workbook has no sheet."))
            sheet = workbook.get_sheet_by_index(0)
            if sheet.width > limit("IMPORT_MAX_COLUMNS"):
                raise ImportFileError(_("The sheet has more than %(count)s columns.")
                                      % {"count": limit("IMPORT_MAX_COLUMNS")})
            rows = sheet.iter_rows()
        result = []
        for row in rows:
            result.append(row)
            if len(result) > cap_rows * 2 + 10:  # empty rows are dropped later
                break
        return result
    except ImportFileError:
        raise
    except Exception as error:  # calamine / openpyxl: a damaged workbook
        raise ImportFileError(_("The file is damaged or is not an .xlsx workbook.")) from error


def _read_csv(path, max_rows):
    with open(path, "rb") as handle:
        data = handle.read()
    if b"\x00" in data[:65536]:
        raise ImportFileError(_("This is not a text file: save the sheet as .xlsx or as CSV (UTF-8)."))
    text = None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None or _looks_like_garbage(text):
        raise ImportFileError(_("The file's encoding cannot be read: save it as CSV UTF-8 (or GB18030)."))
    cap_rows = (max_rows if max_rows is not None else limit("IMPORT_MAX_ROWS")) + 1
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    csv.field_size_limit(1 << 20)
    result = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), dialect):
            result.append(row)
            if len(result) > cap_rows * 2 + 10:  # empty rows are dropped later
                break
    except csv.Error as error:
        raise ImportFileError(_("The CSV file is malformed: %(error)s") % {"error": error}) from error
    return result


def _looks_like_garbage(text):
    # Random bytes can decode as GB18030 by chance: mostly rare or private-use characters.
    sample = text[:20000]
    if not sample:
        return False
    odd = sum(1 for char in sample if (0xE000 <= ord(char) <= 0xF8FF) or ord(char) >= 0x10000
              or (ord(char) < 32 and char not in "\r\n\t"))
    return odd / len(sample) > 0.05


def cell_text(value):
    """The text of one cell: numbers without a spurious ".0", dates as ISO dates."""
    kind = type(value)
    if kind is str:  # most cells: the fast path first
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e17:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return str(value)
    return str(value).strip()


def _table(raw, max_rows):
    rows_iter = iter(raw)
    header = None
    line = 0
    for row in rows_iter:
        line += 1
        texts = [cell_text(value) for value in row]
        if any(texts):
            header = texts
            break
    if header is None:
        raise ImportFileError(_("The sheet is empty: the first row must name the columns."))
    while header and not header[-1]:
        header.pop()
    if len(header) > limit("IMPORT_MAX_COLUMNS"):
        raise ImportFileError(_("The sheet has more than %(count)s columns.")
                              % {"count": limit("IMPORT_MAX_COLUMNS")})
    width = len(header)
    rows, numbers = [], []
    cap = max_rows if max_rows is not None else limit("IMPORT_MAX_ROWS")
    text = cell_text
    for row in rows_iter:
        line += 1
        texts = [text(value) for value in row[:width]]
        if not any(texts):
            continue
        if len(rows) >= cap:
            if max_rows is not None:
                break
            raise ImportFileError(_("The sheet has more than %(count)s rows: split it into several files.")
                                  % {"count": f"{cap:,}"})
        if len(texts) < width:
            texts.extend([""] * (width - len(texts)))
        rows.append(texts)
        numbers.append(line)
    if not rows and max_rows is None:
        raise ImportFileError(_("The sheet has a header but no rows to import."))
    return Table(headers=header, rows=rows, row_numbers=numbers)
