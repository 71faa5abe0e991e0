"""Stored duplicate-matching keys (customers.dedupe): what the duplicate check looks up.

A customer keeps, next to what people typed, the keys that two spellings of the same company
share: the trade name (`match_name`, region and legal form gone, traditional → simplified), its
pinyin (`match_pinyin`: a homophone typo such as 记术 for 技术 reads the same), the region the name
carries (`match_region`: the same trade name in another city is another company), the phone's
digits and the lower-cased e-mail. They are derived, never typed: filled on every save (and by
`bulk_create` / `bulk_update`, core.models.KedaoQuerySet), indexed, and left out of the history.
"""

from django.db import models

from ..dedupe import email_key, name_key, name_region, phone_key, pinyin_key


class MatchKeyField(models.CharField):
    audited = False  # derived from audited fields: no line of its own in the history

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        # Field.deconstruct leaves out db_index=False (its default), which this field would then
        # read back as True: say it always.
        name, path, args, kwargs = super().deconstruct()
        kwargs["db_index"] = self.db_index
        return name, path, args, kwargs


# key field → (source field, function)
MATCH_KEYS = {
    "match_name": ("name", name_key),
    "match_pinyin": ("name", lambda name: pinyin_key(name_key(name))),
    "match_region": ("name", name_region),
    "match_phone": ("phone", phone_key),
    "match_email": ("email", email_key),
}


class MatchKeyModel(models.Model):
    match_name = MatchKeyField(verbose_name="name match key", max_length=200)
    match_pinyin = MatchKeyField(verbose_name="name pinyin match key", max_length=400)
    match_region = MatchKeyField(verbose_name="name region", max_length=20, db_index=False)
    match_phone = MatchKeyField(verbose_name="phone match key", max_length=30)
    match_email = MatchKeyField(verbose_name="e-mail match key", max_length=254)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.fill_derived_keys()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            extra = self.derived_key_fields(update_fields)
            if extra:
                kwargs["update_fields"] = {*update_fields, *extra}
        super().save(*args, **kwargs)

    def fill_derived_keys(self):
        for key, (source, fn) in MATCH_KEYS.items():
            setattr(self, key, fn(getattr(self, source) or "")[: self._meta.get_field(key).max_length])

    @classmethod
    def derived_key_fields(cls, changed):
        """The derived key fields to write along with the `changed` source fields."""
        return [key for key, (source, _fn) in MATCH_KEYS.items() if source in set(changed)]


def backfill_match_keys(model, batch=1000):
    """For data migrations: fill the match keys of every row of a historical `model`."""
    manager = getattr(model, "all_objects", None) or model._base_manager
    sources = sorted({source for source, _fn in MATCH_KEYS.values()})
    pending = []
    for row in manager.only("pk", *sources).iterator(chunk_size=batch):
        for key, (source, fn) in MATCH_KEYS.items():
            setattr(row, key, fn(getattr(row, source) or "")[: model._meta.get_field(key).max_length])
        pending.append(row)
        if len(pending) >= batch:
            manager.bulk_update(pending, list(MATCH_KEYS))
            pending = []
    if pending:
        manager.bulk_update(pending, list(MATCH_KEYS))
