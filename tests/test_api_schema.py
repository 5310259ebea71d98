"""The API's schema tells the truth about errors and empty values (web/api/schema.py)."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db

METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def test_every_operation_documents_the_errors_it_can_answer(schema):
    missing = []
    for path, method, operation in operations(schema):
        codes = set(operation["responses"])
        params = operation.get("parameters", [])
        expected = set()
        if operation.get("security"):
            expected |= {"401", "403"}
        if any(p["in"] == "path" for p in params):
            expected.add("404")
        if method in ("post", "patch") or any(p["in"] == "query" for p in params):
            expected.add("400")
        if not expected <= codes:
            missing.append((method.upper(), path, sorted(expected - codes)))
    assert missing == []
    assert len(list(operations(schema))) >= 25


def test_every_error_response_has_a_json_body(schema):
    for path, method, operation in operations(schema):
        for code in ("400", "401", "403", "404", "429"):
            response = operation["responses"].get(code)
            if response is not None:
                assert "application/json" in response.get("content", {}), (method, path, code)
    assert schema["components"]["schemas"]["ErrorDetail"]["required"] == ["detail"]


def test_the_token_endpoint_documents_its_limits_and_second_factor(schema):
    post = schema["paths"]["/api/v1/auth/token/"]["post"]

    assert {"200", "400", "403", "429"} <= set(post["responses"])
    assert "401" not in post["responses"]  # credentials sent along are ignored
    body = schema["components"]["schemas"]["TokenRequestRequest"]["properties"]
    assert "code" in body
    assert "code" not in schema["components"]["schemas"]["TokenRequestRequest"]["required"]


def test_final_action_and_stage_are_nullable(schema):
    decision = schema["components"]["schemas"]["Decision"]["properties"]

    for field in ("final_action", "final_stage"):
        assert decision[field]["nullable"] is True
        assert {"$ref": "#/components/schemas/NullEnum"} in decision[field]["oneOf"]


def test_every_list_documents_the_paging_it_accepts(schema, coach_api):
    # Found by the schema fuzzer (tests/test_api_fuzz.py): page_size was a bare integer, so a
    # client keeping to the schema could be answered 400 for page_size=0 or 500.
    lists = [
        (path, operation)
        for path, method, operation in operations(schema)
        if method == "get"
        and any(p["name"] == "page_size" for p in operation.get("parameters", []))
    ]
    assert len(lists) >= 8
    for path, operation in lists:
        params = {p["name"]: p["schema"] for p in operation["parameters"]}
        assert params["page_size"] == {"type": "integer", "minimum": 1, "maximum": 200}, path
        assert {"type": "string", "enum": ["last"]} in params["page"]["anyOf"], path
    edges = [coach_api.get("/api/v1/athletes/", {"page_size": n}).status_code for n in (1, 200)]
    beyond = [coach_api.get("/api/v1/athletes/", {"page_size": n}).status_code for n in (0, 201)]
    assert (edges, beyond) == ([200, 200], [400, 400])
