"""Tags on list pages and in API lists without one taggit queryset per row.

`prefetch_related("tags")` fetches the tags of a page in one query, but then taggit builds a
filtered queryset for every row to hold them (`tags_for()`, about half a millisecond each): a page
of 50 customers spent more time there than in all its SQL (bench/scoped_list.py). A `Prefetch`
into a plain attribute skips that; readers go through `tag_names()`, which falls back to a query
when the rows were not prefetched.
"""

from django.db.models import Prefetch

PREFETCHED_TAGS = "prefetched_tags"


def prefetch_tags(field="tags"):
    return Prefetch(field, to_attr=PREFETCHED_TAGS)


def tag_names(manager):
    """Sorted tag names from a taggit manager (`obj.tags`), prefetched or not."""
    tags = getattr(manager.instance, PREFETCHED_TAGS, None)
    if tags is None:
        tags = manager.all()
    return sorted(tag.name for tag in tags)


# Chinese input methods type "，" "、" "；" where an English keyboard types a comma: each of them
# separates tags, as does ";" ("大客户，重点" is two tags, not one). The full-width space is a space.
_SEPARATORS = str.maketrans({"，": ",", "、": ",", "；": ",", ";": ",", "\u3000": " "})


def parse_tags(tagstring):
    """The one tag parser (settings.TAGGIT_TAGS_FROM_STRING): tag fields of forms, bulk edit
    and the API. taggit's rules otherwise: commas separate, or spaces when there is no comma;
    double quotes keep a tag with a separator in it."""
    from taggit.utils import _parse_tags

    if not tagstring:
        return []
    return _parse_tags(str(tagstring).translate(_SEPARATORS))


def split_tag(name):
    """One tag as sent in an API list, split at separators only (a space stays in the tag)."""
    normalised = str(name).translate(_SEPARATORS)
    return [part.strip() for part in normalised.split(",") if part.strip()]


def is_tag_field(field):
    """A taggit field, whatever it is called: edited as names, and a bulk edit adds to it."""
    from taggit.managers import TaggableManager

    return isinstance(field, TaggableManager)
