"""The OpenAPI schema documents every endpoint from its declarations (core/api/schema.py): sorting,
search, request examples, and the error answers of the conventions in docs/api.md."""

import pytest
from django.urls import resolve
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator

from core.api.viewsets import KedaoModelViewSet


@pytest.fixture(scope="module")
def schema():
    # Built once for the module (the same generator /api/schema/ uses); about two seconds.
    with translation.override("en"):
        return SchemaGenerator().get_schema(request=None, public=True)


def kedao_endpoints(schema):
    """(path, viewset class) for every list endpoint served by the generic viewset."""
    found = []
    for path in schema["paths"]:
        if "{" in path:
            continue
        func = resolve(path).func
        view = getattr(func, "cls", None)
        # Lists only, not a viewset's extra actions (customers' duplicates/, merge/).
        if getattr(func, "actions", {}).get("get") != "list":
            continue
        if view is not None and issubclass(view, KedaoModelViewSet) and view.filterset_class is not None:
            found.append((path, view))
    return found


def parameter(operation, name):
    return next(p for p in operation["parameters"] if p["name"] == name)


def test_every_list_documents_its_ordering_allow_list_and_search_fields(schema):
    endpoints = kedao_endpoints(schema)
    assert endpoints
    for path, view in endpoints:
        filterset = view.filterset_class
        operation = schema["paths"][path]["get"]
        ordering = parameter(operation, "ordering")
        enum = set(ordering["schema"]["items"]["enum"])
        assert {name for name in enum if not name.startswith("-")} == filterset.ordering_params(), path
        assert {name[1:] for name in enum if name.startswith("-")} == filterset.ordering_params(), path
        assert "descending" in ordering["description"]
        if filterset.search_fields:
            description = parameter(operation, "q")["description"]
            assert all(f"`{field}`" in description for field in filterset.search_fields), path


def test_writes_have_examples_and_the_error_answers(schema):
    for path, _view in kedao_endpoints(schema):
        if "post" not in schema["paths"][path]:
            continue  # a read-only list (the public pool)
        create = schema["paths"][path]["post"]
        examples = create["requestBody"]["content"]["application/json"]["examples"]
        assert examples["Create"]["value"], path
        assert {"400", "403"} <= set(create["responses"]), path
        detail = schema["paths"][path + "{id}/"]
        for method in ("put", "patch", "delete"):
            if method not in detail:
                continue
            assert {"403", "404", "412", "428"} <= set(detail[method]["responses"]), (path, method)
            assert any(p["name"] == "If-Match" and p["in"] == "header" for p in detail[method]["parameters"])
        if "patch" in detail:
            patch = detail["patch"]["requestBody"]["content"]["application/json"]["examples"]
            assert len(patch["PartialUpdate"]["value"]) == 1
    errors = schema["components"]["schemas"]["FieldErrors"]
    assert errors["additionalProperties"] == {"type": "array", "items": {"type": "string"}}
