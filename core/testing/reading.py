"""Reading what a page, an export or the API shows: the rows, as primary keys or labels."""

import csv
import io
from html.parser import HTMLParser

from django.urls import Resolver404, resolve


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.checkboxes = []  # value of every <input type=checkbox name=pk>
        self.options = []  # value of every <option>
        self.groups = {}  # data-testid of a search group → [href, …]
        self.field_errors = []  # data-field-error values
        self.headers = []  # text of every <th>
        self._group = None
        self._header = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "th":
            self._header = []
        if "data-field-error" in attrs:
            self.field_errors.append(attrs["data-field-error"])
        if tag == "input" and attrs.get("name") == "pk" and attrs.get("type") == "checkbox":
            self.checkboxes.append(attrs.get("value"))
        elif tag == "option" and attrs.get("value"):
            self.options.append(attrs["value"])
        elif tag == "ul" and (attrs.get("data-testid") or "").startswith("search-"):
            self._group = attrs["data-testid"][len("search-"):]
            self.groups[self._group] = []
        elif tag == "a" and self._group is not None and attrs.get("href"):
            self.groups[self._group].append(attrs["href"])

    def handle_data(self, data):
        if self._header is not None:
            self._header.append(data)

    def handle_endtag(self, tag):
        if tag == "ul":
            self._group = None
        elif tag == "th" and self._header is not None:
            self.headers.append(" ".join("".join(self._header).split()))
            self._header = None


def parse(response):
    collector = _Collector()
    collector.feed(response.content.decode())
    return collector


def listed_pks(response):
    """Primary keys of the rows of a list page (their selection checkboxes), in page order."""
    return [int(value) for value in parse(response).checkboxes]


def option_pks(response):
    return [int(value) for value in parse(response).options]


def search_pks(response, key):
    """Primary keys linked from one object type's group on the global search page."""
    pks = []
    for href in parse(response).groups.get(key, []):
        try:
            pks.append(int(resolve(href.split("?")[0]).kwargs["pk"]))
        except (Resolver404, KeyError, ValueError) as error:
            raise AssertionError(f"search result {href!r} is not a detail page") from error
    return pks


def column_headers(response):
    """The column headers of a list page's table (the selection column left out)."""
    return [header for header in parse(response).headers if header]


def field_errors(response):
    return parse(response).field_errors


def export_rows(response, export_format, header=False):
    """The data rows of a CSV or Excel export (header left out unless asked), as lists of strings."""
    if export_format == "csv":
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8")
        assert text.startswith("\ufeff"), "CSV exports start with a byte-order mark for Excel"
        rows = list(csv.reader(io.StringIO(text[1:])))
    else:
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
        rows = [["" if cell is None else str(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert rows, "an export always has a header row"
    return rows if header else rows[1:]


def api_pks(client, url, params=None, **extra):
    """Every primary key an API list returns, following `next` links."""
    pks, params = [], dict(params or {})
    params.setdefault("page_size", 200)
    response = client.get(url, params, **extra)
    while True:
        assert response.status_code == 200, (response.status_code, response.content[:500])
        body = response.json()
        pks.extend(row["id"] for row in body["results"])
        if not body.get("next"):
            return pks
        response = client.get(body["next"], **extra)
