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
