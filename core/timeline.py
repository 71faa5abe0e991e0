"""A record's timeline: entries from every registered source, merged and paged by keyset.

Entries are ordered newest first by (time, source key, id). A page is at most `limit` entries;
the cursor of the next page is the last entry's (time, key, id), written as URL-safe text:
microseconds since 1970 (UTC), the source's key and the id ("1769846400123456~customers.changes~123"). Each source answers one indexed
query with a LIMIT, whatever the size of the history: nothing is counted or loaded in full.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db.models import Q
from django.utils.translation import gettext as _

from .registry import timeline_sources

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class BadCursor(ValueError):
    pass


@dataclass(frozen=True)
class Cursor:
    time: datetime
    key: str
    id: int

    def encode(self):
        micros = (self.time - EPOCH) // timedelta(microseconds=1)
        return f"{micros}~{self.key}~{self.id}"

    @classmethod
    def decode(cls, text):
        """None for an empty cursor; BadCursor for anything else that is not a cursor."""
        if not text:
            return None
        parts = str(text).split("~")
        if len(parts) != 3 or len(text) > 200:
            raise BadCursor(_("Not a timeline position."))
        try:
            micros, pk = int(parts[0]), int(parts[2])
            time = EPOCH + timedelta(microseconds=micros)
        except (ValueError, OverflowError) as error:
            raise BadCursor(_("Not a timeline position.")) from error
        if not parts[1] or pk < 0 or pk > 2**63:
            raise BadCursor(_("Not a timeline position."))
        return cls(time=time, key=parts[1], id=pk)


@dataclass
class Entry:
    time: datetime
    id: int
    kind: str = ""  # the source's key, set by the merge
    icon: str = "clock-history"
    title: str = ""
    body: str = ""  # plain text (escaped when shown)
    url: str = ""
    actor: str = ""
    details: list = field(default_factory=list)  # [{"label", "old", "new"}] or [{"text"}]

    @property
    def sort_key(self):
        return (self.time, self.kind, self.id)

    def cursor(self):
        return Cursor(time=self.time, key=self.kind, id=self.id)

    def as_dict(self):
        return {"time": self.time.isoformat(), "kind": self.kind, "id": self.id, "icon": self.icon, "title": str(self.title),
                "body": str(self.body), "url": self.url or None, "actor": str(self.actor or ""),
                "details": [{k: str(v) for k, v in d.items()} for d in self.details]}


def before_q(cursor, key, time_field="time", pk_field="pk"):
    """The rows of source `key` that come after `cursor` in the order (time, key, id) descending."""
    if cursor is None:
        return Q()
    if key < cursor.key:
        return Q(**{f"{time_field}__lte": cursor.time})
    if key > cursor.key:
        return Q(**{f"{time_field}__lt": cursor.time})
    return Q(**{f"{time_field}__lt": cursor.time}) | Q(**{time_field: cursor.time, f"{pk_field}__lt": cursor.id})


@dataclass
class Page:
    entries: list
    next_cursor: str = ""  # empty: the end of the timeline


def timeline_page(user, obj, cursor=None, limit=PAGE_SIZE):
    """One page of `obj`'s timeline for `user`: each source asked for limit + 1 entries, merged."""
    limit = max(1, min(int(limit), MAX_PAGE_SIZE))
    merged = []
    for source in timeline_sources(obj.__class__):
        for entry in source.entries(user, obj, cursor, limit + 1) or ():
            entry.kind = source.key
            if cursor is None or entry.sort_key < (cursor.time, cursor.key, cursor.id):
                merged.append(entry)
    merged.sort(key=lambda e: e.sort_key, reverse=True)
    page = merged[:limit]
    more = len(merged) > limit
    return Page(entries=page, next_cursor=page[-1].cursor().encode() if more and page else "")
