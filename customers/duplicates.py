"""Duplicate candidates for a customer about to be created or imported.

`find_candidates(name=…, credit_code=…, phone=…, email=…)` looks the stored match keys up
(customers/models/matching.py, built by customers/dedupe.py) and returns the live customers that
are probably the same company, best first, each with a score (0–100) and the keys that matched:

- `credit_code`: the same unified social credit code — always a duplicate (score 100), whatever
  the name;
- `name`: `dedupe.name_score` ≥ `MATCH_THRESHOLD` (same trade name, region-aware; a typo; a short
  form; a homophone typed on a pinyin keyboard);
- `phone`: the same phone digits (7 digits or more); `email`: the same address.

How the rows to score are found (each an indexed lookup, so 1,000,000 customers cost no scan):
equal keys (credit code, trade name or one of its prefixes, its pinyin, phone, e-mail) through the
B-tree indexes; names that start with the typed trade name (a short form typed, the long one
stored) through the pattern index; and on PostgreSQL the names that are alike through the trigram
index on `match_name` (`%`, pg_trgm). Other databases find the alike names by their character
pairs instead (a scan; fine at the sizes SQLite serves). Only then is each found row scored in
Python with the same `name_score` that the labelled pair set measures.

The search runs over every live customer, whoever asks: whether a company is already a customer is
not a matter of scope. What a caller may *show* of a candidate outside their scope is the
caller's business (customers/api/duplicates.py shows only that it exists and its owner).

`find_candidates_bulk(rows)` does the same for an import file: exact stored-key matches against the
database in a few queries per thousand rows, plus the duplicates inside the file itself.
"""

from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Q

from core.lookups import values_in

from .dedupe import (
    MATCH_THRESHOLD,
    _forms,
    _region_in,
    email_key,
    name_key,
    name_score,
    phone_key,
    pinyin_key,
)
from .models import Customer
from .validators import normalize_credit_code

# Scores of an exact key match other than the name; several matched keys add up (capped at 100).
KEY_SCORES = {"credit_code": 100.0, "phone": 90.0, "email": 90.0}
EXTRA_KEY_BONUS = 5.0
MIN_PHONE_DIGITS = 7
# How many alike names the trigram index is asked for, and how alike they must be (pg_trgm's
# `similarity_threshold`, set for the one statement). One changed character in a trade name of 7
# (the shortest where fuzz.ratio still reaches 85) leaves a similarity of 0.45; a lower threshold
# makes the index hand over every name that merely shares the trade word (…数据科技), each
# re-checked on its heap page: 0.3 cost 400 ms a name at 1,000,000 customers (docs/benchmarks.md).
TRIGRAM_LIMIT = 40
TRIGRAM_THRESHOLD = 0.45
# Below this length a one-character slip scores under MATCH_THRESHOLD anyway (fuzz.ratio of 6
# characters with one changed: 83): the equal-key and prefix lookups cover short names.
TRIGRAM_MIN_LENGTH = 5
PREFIX_LIMIT = 40
EXACT_LIMIT = 200
FALLBACK_LIMIT = 300
BULK_CHUNK = 5000
MAX_NAME, MAX_CODE, MAX_PHONE, MAX_EMAIL = 200, 40, 40, 254


@dataclass
class Candidate:
    """A probable duplicate. `customer` is None for a duplicate inside an import file: `row` is
    then the index of the other row."""

    customer: Customer | None
    score: float
    matched: list = field(default_factory=list)
    row: int | None = None


@dataclass
class _Keys:
    name: str = ""
    credit_code: str = ""
    name_key: str = ""
    pinyin: str = ""
    phone: str = ""
    email: str = ""

    @classmethod
    def of(cls, *, name="", credit_code="", phone="", email=""):
        # Cut to what the fields can hold: a 10 MB "name" is no company name (and its prefixes,
        # looked up below, would be quadratic).
        name, credit_code = str(name or "")[:MAX_NAME], str(credit_code or "")[:MAX_CODE]
        phone, email = str(phone or "")[:MAX_PHONE], str(email or "")[:MAX_EMAIL]
        name = " ".join(name.split())
        key = name_key(name) if name else ""
        phone_digits = phone_key(str(phone or ""))
        return cls(
            name=name,
            credit_code=normalize_credit_code(str(credit_code or "")),
            name_key=key,
            pinyin=pinyin_key(key) if len(key) >= 2 else "",
            phone=phone_digits if len(phone_digits) >= MIN_PHONE_DIGITS else "",
            email=email_key(str(email or "")) if "@" in str(email or "") else "",
        )

    def __bool__(self):
        return bool(self.credit_code or self.name_key or self.phone or self.email)


def _score(keys, customer):
    """(score, matched keys) of one stored customer against the keys typed; score 0 = no match."""
    scores = {}
    if keys.credit_code and customer.credit_code == keys.credit_code:
        scores["credit_code"] = KEY_SCORES["credit_code"]
    if keys.name and customer.name:
        similarity = name_score(keys.name, customer.name)
        if similarity >= MATCH_THRESHOLD:
            scores["name"] = similarity
    if keys.phone and customer.match_phone == keys.phone:
        scores["phone"] = KEY_SCORES["phone"]
    if keys.email and customer.match_email == keys.email:
        scores["email"] = KEY_SCORES["email"]
    if not scores:
        return 0.0, []
    score = min(100.0, max(scores.values()) + EXTRA_KEY_BONUS * (len(scores) - 1))
    matched = [key for key in ("credit_code", "name", "phone", "email") if key in scores]
    return round(score, 1), matched


def _prefixes(key):
    """The key and its leading parts of 2 characters or more: a stored short form (华为) of the
    trade name typed (华为技术)."""
    return [key[:end] for end in range(2, len(key) + 1)] if len(key) >= 2 else ([key] if key else [])


def _name_lookups(keys):
    """The stored trade names to look up as equal: the key's prefixes, and the same for the other
    reading of the name (a region that is part of the trade name, 青岛啤酒, kept or cut)."""
    found = dict.fromkeys(_prefixes(keys.name_key))
    for key, _region in _forms(keys.name) if keys.name else ():
        found.update(dict.fromkeys(_prefixes(key)))
        region = _region_in(key)
        if region and len(key) > len(region) + 1:
            found.update(dict.fromkeys(_prefixes(key[len(region):])))
    return list(found)


def _exact_condition(keys):
    condition = Q()
    if keys.credit_code:
        condition |= Q(credit_code=keys.credit_code)
    if keys.name_key:
        condition |= Q(match_name__in=_name_lookups(keys))
    if keys.pinyin:
        condition |= Q(match_pinyin=keys.pinyin)
    if keys.phone:
        condition |= Q(match_phone=keys.phone)
    if keys.email:
        condition |= Q(match_email=keys.email)
    return condition


def _bigrams(key, limit=12):
    pairs = list(dict.fromkeys(key[i:i + 2] for i in range(len(key) - 1)))
    return pairs[:limit]


def _like_prefix(key):
    return key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _found_ids_postgresql(keys):
    """The ids worth scoring, in one statement: equal keys, names starting with the trade name,
    and, for a trade name of TRIGRAM_MIN_LENGTH or more, the names most alike by trigrams
    (pg_trgm's `%` at TRIGRAM_THRESHOLD)."""
    exact, params = [], []
    if keys.credit_code:
        exact.append("credit_code = %s")
        params.append(keys.credit_code)
    if keys.name_key:
        exact.append("match_name = ANY(%s)")
        params.append(_name_lookups(keys))
    for column, value in (("match_pinyin", keys.pinyin), ("match_phone", keys.phone), ("match_email", keys.email)):
        if value:
            exact.append(f"{column} = %s")
            params.append(value)
    where = " OR ".join(exact)  # conditions written above, values as parameters
    parts = ["(SELECT id FROM customers_customer WHERE deleted_at IS NULL AND (" + where + ") LIMIT %s)"]  # noqa: S608
    params.append(EXACT_LIMIT)
    key = keys.name_key
    if len(key) >= 2:
        parts.append("(SELECT id FROM customers_customer WHERE deleted_at IS NULL AND match_name LIKE %s "
                     "AND match_name <> %s LIMIT %s)")
        params += [_like_prefix(key), key, PREFIX_LIMIT]
    if len(key) >= TRIGRAM_MIN_LENGTH:
        parts.append("(SELECT id FROM customers_customer WHERE deleted_at IS NULL AND match_name %% %s "
                     "ORDER BY similarity(match_name, %s) DESC LIMIT %s)")
        params += [key, key, TRIGRAM_LIMIT]
    with transaction.atomic(), connection.cursor() as cursor:
        # For this transaction only: the threshold the `%` operator (and its index) applies.
        cursor.execute("SELECT set_config('pg_trgm.similarity_threshold', %s, true)", [str(TRIGRAM_THRESHOLD)])
        cursor.execute(" UNION ".join(parts), params)
        return [row[0] for row in cursor.fetchall()]


def _found(keys, base):
    """The stored customers worth scoring, by indexed lookups (see the module docstring)."""
    if connection.vendor == "postgresql":
        ids = _found_ids_postgresql(keys)
        return list(base.filter(pk__in=ids)) if ids else []
    found = {}

    def take(queryset):
        for customer in queryset:
            found.setdefault(customer.pk, customer)

    take(base.filter(_exact_condition(keys))[:EXACT_LIMIT])
    key = keys.name_key
    if len(key) >= 2:
        take(base.filter(match_name__startswith=key).exclude(match_name=key)[:PREFIX_LIMIT])
        alike = Q()
        for pair in _bigrams(key):
            alike |= Q(match_name__contains=pair)
        take(base.filter(alike)[:FALLBACK_LIMIT])
    return found.values()


def _base(exclude_ids=()):
    queryset = Customer.objects.select_related("owner", "org_unit")
    if exclude_ids:
        queryset = queryset.exclude(pk__in=list(exclude_ids))
    return queryset


def find_candidates(*, name="", credit_code="", phone="", email="", exclude_ids=(), limit=10):
    """Live customers that are probably the company described, best first (module docstring)."""
    keys = _Keys.of(name=name, credit_code=credit_code, phone=phone, email=email)
    if not keys:
        return []
    candidates = []
    for customer in _found(keys, _base(exclude_ids)):
        score, matched = _score(keys, customer)
        if matched:
            candidates.append(Candidate(customer=customer, score=score, matched=matched))
    # Best first: the score, then how many keys matched, then the most recently updated.
    candidates.sort(key=lambda c: (-c.score, -len(c.matched),
                                   -(c.customer.updated_at.timestamp() if c.customer.updated_at else 0)))
    return candidates[:limit] if limit else candidates


def candidate_rows(candidates, user):
    """Candidates as the caller may see them: full for the visible ones, 'taken by' for the rest."""
    ids = [c.customer.pk for c in candidates]
    visible = set(Customer.objects.visible_to(user, "view").filter(pk__in=ids).values_list("pk", flat=True))
    rows = []
    for candidate in candidates:
        customer = candidate.customer
        owner = customer.owner if customer.owner_id else None
        shown = customer.pk in visible
        rows.append({
            "visible": shown,
            "id": customer.pk if shown else None,
            "name": customer.name if shown else None,
            "credit_code": (customer.credit_code or "") if shown else None,
            "owner_name": str(owner) if owner else None,
            "owner_unit_name": str(owner.unit) if owner is not None and owner.unit_id else None,
            "score": candidate.score,
            "matched": list(candidate.matched),
            "customer": customer if shown else None,
        })
    return rows


BULK_FIELDS = ("id", "name", "credit_code", "match_name", "match_pinyin", "match_phone", "match_email",
               "owner_id", "org_unit_id", "updated_at")
# A trade name is shared by many companies (the M benchmark set has 3,200 distinct name keys over
# 1,000,000 customers): the first stored customers of each are enough for a file's five best
# candidates, and the cap keeps the lookup on the index (below).
BULK_PER_NAME = 50


def _stored_with(column, values):
    """Live customers whose `column` is one of `values` (none empty): one indexed query per key.
    Not one query ORing the five keys: PostgreSQL then read the whole table (a sequential scan of a
    million rows, 510 ms for each 2,000 imported rows). The credit code says it is not empty, so
    that its partial unique index applies. A name key is looked up value by value with a cap
    (LATERAL … LIMIT): with 2,000 name keys that each match 300 rows on average, the planner
    otherwise expects half the table and scans it (400 ms; 17 ms by the index)."""
    values = sorted(values)
    if column in ("match_name", "match_pinyin") and connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        columns = ", ".join(f"found.{quote(Customer._meta.get_field(name).column)}" for name in BULK_FIELDS)
        # Identifiers from the model only (`column` is one of the two names above); values are parameters.
        return Customer.objects.raw(
            f"SELECT {columns} FROM unnest(%s::text[]) AS wanted(value) CROSS JOIN LATERAL ("  # noqa: S608
            f"SELECT * FROM {quote(Customer._meta.db_table)} WHERE {quote(column)} = wanted.value "
            f"AND {quote('deleted_at')} IS NULL LIMIT %s) AS found",  # live rows, as Customer.objects
            [values, BULK_PER_NAME])
    return Customer.objects.filter(values_in(column, values)).exclude(**{column: ""}).order_by().only(*BULK_FIELDS)


def find_candidates_bulk(rows, *, limit=5):
    """Duplicate candidates for many rows at once (an import preview).

    `rows`: dicts with any of "name", "credit_code", "phone", "email" (and optionally "id": a
    customer the row updates, which is then not its own duplicate). Returns {row index: [Candidate]}
    for the rows that have any: stored customers whose credit code, trade name (or its pinyin),
    phone or e-mail equals the row's — scored like `find_candidates` — and the rows of the same file
    that describe the same company (Candidate.customer None, Candidate.row the other row). The
    fuzzy lookups (typos, short forms) are left to the single-row check: a file of 100,000 rows is
    matched with a few indexed queries per thousand rows.
    """
    all_keys = [_Keys.of(**{k: row.get(k, "") for k in ("name", "credit_code", "phone", "email")})
                for row in rows]
    results = {}

    # Against the database, a chunk of rows at a time.
    for start in range(0, len(all_keys), BULK_CHUNK):
        chunk = all_keys[start:start + BULK_CHUNK]
        sets = {
            "credit_code": {k.credit_code for k in chunk if k.credit_code},
            "match_name": {k.name_key for k in chunk if k.name_key},
            "match_pinyin": {k.pinyin for k in chunk if k.pinyin},
            "match_phone": {k.phone for k in chunk if k.phone},
            "match_email": {k.email for k in chunk if k.email},
        }
        by_key = {name: {} for name in sets}
        loaded = {}  # one instance per stored customer, whichever keys found it
        for column, values in sets.items():
            for customer in _stored_with(column, values) if values else ():
                customer = loaded.setdefault(customer.pk, customer)
                by_key[column].setdefault(getattr(customer, column), []).append(customer)
        for offset, keys in enumerate(chunk):
            index = start + offset
            own_id = rows[index].get("id")
            seen = {}
            for column, value in (("credit_code", keys.credit_code), ("match_name", keys.name_key),
                                  ("match_pinyin", keys.pinyin), ("match_phone", keys.phone),
                                  ("match_email", keys.email)):
                for customer in by_key[column].get(value, ()) if value else ():
                    if customer.pk != own_id:
                        seen.setdefault(customer.pk, customer)
            found = []
            for customer in seen.values():
                score, matched = _score(keys, customer)
                if matched:
                    found.append(Candidate(customer=customer, score=score, matched=matched))
            if found:
                found.sort(key=lambda c: (-c.score, -len(c.matched)))
                results[index] = found[:limit]

    # Inside the file: rows sharing a key, scored against each other.
    groups = {}
    for index, keys in enumerate(all_keys):
        for column, value in (("credit_code", keys.credit_code), ("name", keys.name_key),
                              ("phone", keys.phone), ("email", keys.email)):
            if value:
                groups.setdefault((column, value), []).append(index)
    pairs = set()
    for members in groups.values():
        if 1 < len(members) <= 50:  # a key shared by dozens of rows is a placeholder, not a company
            pairs.update((a, b) for i, a in enumerate(members) for b in members[i + 1:])
    for a, b in sorted(pairs):
        other = all_keys[b]
        stand_in = Customer(name=other.name, credit_code=other.credit_code, match_phone=other.phone,
                            match_email=other.email)
        score, matched = _score(all_keys[a], stand_in)
        if not matched:
            continue
        for row, peer in ((a, b), (b, a)):
            listed = results.setdefault(row, [])
            if len(listed) < limit + 5:
                listed.append(Candidate(customer=None, score=score, matched=matched, row=peer))
    for listed in results.values():
        listed.sort(key=lambda c: -c.score)
    return results
