"""Finding people and companies by full name, name parts, pinyin and initials.

A Chinese name is typed the way it is written — 杨建华, family name first, no space — or in
pinyin (yangjianhua) or as initials (yjh), on phones and laptops alike. The parts a model stores
separately (`last_name` 杨, `first_name` 建华) or the company name alone do not match those. So a
model that mixes in `SearchKeyModel` keeps one denormalised, lowercase `search_key` column:

    "杨建华 yangjianhua yjh"

filled on every save (and by `bulk_create` / `bulk_update`), from the texts the model declares in
`search_text_fields`. A `QuerySet.update()` of those texts bypasses both: call
`fill_search_keys()` and save the key with the rows. The FilterSet lists `search_key` in its `search_fields` like any other field,
so the one search definition (core.filtersets.search_condition) serves the list `q`, the API `?q=`,
global search and autocomplete. The query is normalised the way the key is (lowercase, no spaces),
so "杨 建华", "Yang Jianhua" and "YJH" all match, and a query never spans two tokens.

Polyphones: pypinyin's default reading without heteronyms (its phrase dictionary reads 重庆 as
chongqing). A person's family name is read as a family name (曾 zeng, 单 shan), with the default
reading kept as well, so either spelling finds the person.

On PostgreSQL the column carries a trigram index (pg_trgm, when the extension can be installed),
which serves `LIKE '%…%'`; elsewhere the portable fallback is a scan, as for every other field.
"""

import re

from django.db import models
from django.db.models.lookups import Contains

from core.pinyin import syllables

# Family names whose reading as a name differs from pypinyin's default reading of the character.
SURNAME_READINGS = {
    "曾": "zeng", "单": "shan", "解": "xie", "仇": "qiu", "区": "ou", "朴": "piao", "查": "zha",
    "盖": "ge", "覃": "qin", "员": "yun", "乐": "yue", "缪": "miao", "翟": "zhai", "秘": "bi",
    "召": "shao", "繁": "po", "种": "chong", "柏": "bai", "藏": "zang", "折": "she", "隗": "wei",
    "句": "gou", "阚": "kan", "尉": "yu", "长": "chang", "洗": "xian", "芮": "rui", "谌": "chen",
    "褚": "chu", "郇": "huan", "宿": "su", "牟": "mou", "能": "nai", "殷": "yin", "重": "chong",
}
# Compound family names read as one (单于 chanyu, 尉迟 yuchi, 万俟 moqi, 长孙 zhangsun…).
COMPOUND_SURNAME_READINGS = {
    "单于": ("chan", "yu"), "尉迟": ("yu", "chi"), "万俟": ("mo", "qi"), "长孙": ("zhang", "sun"),
    "澹台": ("tan", "tai"), "令狐": ("ling", "hu"), "皇甫": ("huang", "fu"),
}
# The key is a search aid, not a record: past this length the tail adds nothing a person types.
MAX_KEY_LENGTH = 2000


def normalize(text):
    """How a query and every token of a key are compared: lowercase, without any white space."""
    return "".join(str(text or "").split()).lower()


def _syllables(text, person=False):
    """pypinyin's syllables for `text`; for a person the family name's own readings first."""
    readings = [syllables(text)]
    if person and text:
        compound = COMPOUND_SURNAME_READINGS.get(text[:2])
        if compound:
            readings.insert(0, [*compound, *syllables(text[2:])])
        elif text[0] in SURNAME_READINGS:
            readings.insert(0, [SURNAME_READINGS[text[0]], *readings[0][1:]])
    return readings


def search_key_for(texts, person=False):
    """The key for some texts: each as written, in pinyin and as initials, space-separated.

    `texts`: the strings to find the row by (a tuple is one text: family + given name).
    """
    tokens = []
    for text in texts:
        if isinstance(text, list | tuple):
            parts = [str(part or "") for part in text]
            text = "".join(parts)
            latin = [part for part in parts if part and not _has_han(part)]
            if len(latin) > 1:
                # Western names are written given name first: "John Smith" as well as "SmithJohn".
                tokens.append(normalize("".join(reversed(parts))))
        text = str(text or "").strip()
        if not text:
            continue
        tokens.append(normalize(text))
        if _PHONE_LIKE.match(text):
            # Phone numbers are typed with or without their separators: 0755-8888 6666, 075588886666.
            tokens.append(_PHONE_SEPARATORS.sub("", text))
        if _has_han(text):
            for reading in _syllables(text, person=person):
                tokens.append(normalize("".join(reading)))
                tokens.append(normalize("".join(s[:1] for s in reading if s.strip())))
    unique = list(dict.fromkeys(token for token in tokens if token))
    return " ".join(unique)[:MAX_KEY_LENGTH]


_PHONE_LIKE = re.compile(r"^[\d\s()+\-.]*\d[\s()+\-.]+\d[\d\s()+\-.]*$")
_PHONE_SEPARATORS = re.compile(r"[\s()+\-.]")


_HAN = re.compile("[\u3400-\u9fff\uf900-\ufaff]")


def _has_han(text):
    return _HAN.search(text) is not None


class SearchKeyField(models.TextField):
    """The denormalised search key. Its `icontains` (what search_condition uses) compares the
    normalised query with the lowercase key through a case-sensitive LIKE, which a trigram index
    on the plain column can serve (an `icontains` would wrap the column in UPPER())."""

    audited = False  # derived from audited fields: no line of its own in the history

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)


@SearchKeyField.register_lookup
class SearchKeyContains(Contains):
    lookup_name = "icontains"

    def get_prep_lookup(self):
        if hasattr(self.rhs, "resolve_expression"):
            return super().get_prep_lookup()
        return normalize(self.rhs)

    def as_sql(self, compiler, connection):
        # The SQL of `contains` (a plain LIKE on the lowercase key): `icontains` would compare
        # UPPER(key), which the trigram index on the column cannot serve.
        return Contains(self.lhs, self.rhs).as_sql(compiler, connection)


@SearchKeyField.register_lookup
class SearchKeyContainsExact(SearchKeyContains):
    lookup_name = "contains"


class SearchKeyModel(models.Model):
    """Mix in to be found by full name, pinyin and initials (see the module docstring)."""

    search_key = SearchKeyField(verbose_name="search key")

    # What the key is built from: field names, or tuples of field names that form one text
    # (("last_name", "first_name"): the full name, family name first, as Chinese names are written).
    search_text_fields: tuple = ()
    # True for people: the first characters are read as a family name (曾 zeng, not ceng).
    search_person_name = False

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.search_key = self.build_search_key()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) & set(self.search_source_fields()):
            kwargs["update_fields"] = {*update_fields, "search_key"}
        super().save(*args, **kwargs)

    @classmethod
    def search_source_fields(cls):
        names = []
        for entry in cls.search_text_fields:
            names.extend(entry if isinstance(entry, list | tuple) else (entry,))
        return names

    def build_search_key(self):
        texts = [tuple(getattr(self, name) for name in entry) if isinstance(entry, list | tuple)
                 else getattr(self, entry) for entry in self.search_text_fields]
        return search_key_for(texts, person=self.search_person_name)


def fill_search_keys(objs):
    """Fill the key of rows about to be written in bulk (bulk_create and bulk_update skip save())."""
    for obj in objs:
        if isinstance(obj, SearchKeyModel):
            obj.search_key = obj.build_search_key()


def backfill_search_keys(model, text_fields, person=False, batch=1000):
    """For data migrations: fill `search_key` of every row of a historical `model`."""
    manager = getattr(model, "all_objects", None) or model._base_manager
    names = [n for entry in text_fields for n in (entry if isinstance(entry, list | tuple) else (entry,))]
    pending = []
    for row in manager.only("pk", *names).iterator(chunk_size=batch):
        texts = [tuple(getattr(row, n) for n in entry) if isinstance(entry, list | tuple) else getattr(row, entry)
                 for entry in text_fields]
        row.search_key = search_key_for(texts, person=person)
        pending.append(row)
        if len(pending) >= batch:
            manager.bulk_update(pending, ["search_key"])
            pending = []
    if pending:
        manager.bulk_update(pending, ["search_key"])


def trigram_index_operations(table, column="search_key"):
    """Migration operations adding a trigram index on PostgreSQL when pg_trgm can be installed;
    nothing on other databases (the portable fallback is a scan)."""
    from django.db import migrations

    index = f"{table}_{column}_trgm"

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        from django.db import transaction

        try:
            with transaction.atomic(using=schema_editor.connection.alias):
                schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception:  # noqa: BLE001 - no right to install it: search works, unindexed
            return
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{index}" ON "{table}" USING gin ("{column}" gin_trgm_ops)')

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f'DROP INDEX IF EXISTS "{index}"')

    return [migrations.RunPython(forwards, backwards, elidable=False)]
