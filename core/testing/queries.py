"""Generated query-count tests: list page, detail page and API list cost the same with N and 3N rows."""

import re
from collections import Counter

from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.services import log_change

from .base import ObjectTestCase, needs
from .reading import listed_pks

N = 3


def count_queries(client, url, params=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200, (url, response.status_code)
    return response, [query["sql"] for query in captured.captured_queries]


def assert_same_queries(few, many, what):
    if len(few) == len(many):
        return
    def shape(sql):
        return re.sub(r"\b\d+\b", "?", sql)

    grown = Counter(map(shape, many)) - Counter(map(shape, few))
    lines = "\n".join(f"  {n}× {sql[:300]}" for sql, n in grown.most_common(5))
    raise AssertionError(f"{what}: {len(few)} queries with {N} rows, {len(many)} with {3 * N} "
                         f"(N+1?). Queries that grew:\n{lines}")


def unbounded_counts(queries):
    """The statements that count rows without a LIMIT under the COUNT: on a table of millions
    an exact COUNT(*) is a full scan (lists count at most list_count_limit() + 1 rows)."""
    return [sql for sql in queries if re.search(r"\bCOUNT\(", sql, re.IGNORECASE)
            and not re.search(r"\bLIMIT\b", sql, re.IGNORECASE)]


class QueryCountTests(ObjectTestCase):
    """`query_users` look at rows they may see; `add_related()` grows what a detail page shows."""

    suite = "queries"
    query_users = ("admin",)

    @classmethod
    def parameters(cls):
        return super().parameters() + [("query_user", list(cls.query_users), list(cls.query_users))]

    def make_visible(self, ctx, user, count):
        return [self.make(ctx, owner=user) for _ in range(count)]

    def add_related(self, ctx, obj, user, count):
        """Grow what the detail page of `obj` shows by `count` (history entries and what the class adds)."""
        for index in range(count):
            log_change(instance=obj, action="update", actor=user, prechange={"notes": str(index)},
                       postchange={"notes": str(index + 1)})

    @needs("page:list")
    def test_queries_list_page(self, ctx, client, query_user):
        user = self.login(client, ctx, query_user)
        made = self.make_visible(ctx, user, N)
        url = self.url("list")
        count_queries(client, url)  # warm caches (content types, translations)
        response, few = count_queries(client, url)
        made += self.make_visible(ctx, user, 2 * N)
        response, many = count_queries(client, url)
        assert {obj.pk for obj in made} <= set(listed_pks(response))
        assert_same_queries(few, many, "list page")
        assert unbounded_counts(many) == [], f"list page counts without a bound: {unbounded_counts(many)}"

    @needs("page:detail")
    def test_queries_detail_page(self, ctx, client, query_user):
        user = self.login(client, ctx, query_user)
        obj = self.make_visible(ctx, user, 1)[0]
        self.add_related(ctx, obj, user, N)
        url = self.url("detail", obj)
        count_queries(client, url)
        _response, few = count_queries(client, url)
        self.add_related(ctx, obj, user, 2 * N)
        _response, many = count_queries(client, url)
        assert_same_queries(few, many, "detail page")

    @needs("api:list")
    def test_queries_api_list(self, ctx, client, query_user):
        user = self.login(client, ctx, query_user)
        made = self.make_visible(ctx, user, N)
        url = self.api_url()
        count_queries(client, url)
        _response, few = count_queries(client, url, {"page_size": 200})
        made += self.make_visible(ctx, user, 2 * N)
        response, many = count_queries(client, url, {"page_size": 200})
        assert {obj.pk for obj in made} <= {row["id"] for row in response.json()["results"]}
        assert_same_queries(few, many, "API list")
        assert unbounded_counts(many) == [], f"API list counts without a bound: {unbounded_counts(many)}"
