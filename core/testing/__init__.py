"""Kedao's test framework: tests generated per object type (see docs/development/adding-an-object.md).

A test class for an object type declares its model, how to make rows, valid and invalid data and
its visibility rule, and inherits the suites it mixes in:

- `PageTests` (core.testing.pages): list, detail, create, invalid create, related rows out of
  scope, edit, stale edit, delete/restore, bulk edit/delete, no grant;
- `APITests` (core.testing.api): pagination, ordering, create, invalid, related rows out of scope,
  ETag/If-Match, delete, 403/404, token auth;
- `ScopeTests` (core.testing.scope): every user of the world sees exactly the expected rows on
  each surface (list and count, API, search, autocomplete, exports, recycle bin, bulk delete,
  detail/edit pages), the expectation coming from core.testing.expectations, which never calls
  `visible_to()` and must tell users apart; services called directly refuse rows out of scope;
- `QueryCountTests` (core.testing.queries): no N+1 on list, detail and API list;
- `RandomizedScopeTests` (core.testing.randomized): random organisations, fixed seeds.

core/tests/test_framework_meta.py fails when a registered object type has no such class in the
suite's real collection; tests/test_seeded_faults.py injects bugs into a test-only example type
(tests/example_app) that these suites must catch.
"""
