"""The API schema documents the errors every operation can answer (drf-spectacular hook).

An operation gets each error it can really give: 400 when it takes a body or query
parameters, or creates or changes something (a state it cannot move from); 415 when it takes
a body (one of a media type it does not read, or a multipart form it cannot parse); 401 and 403 when
it needs a signed-in client (403 also for a coach whom staff require to set up two-factor
authentication first); 404 when it names an object in its path or pages a list (a page past
the end). Responses an operation documents itself are kept, given their JSON body.
"""

from __future__ import annotations

from typing import Any

ERROR_DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
    "description": "What went wrong, in a sentence.",
}
FIELD_ERRORS = {
    "type": "object",
    "additionalProperties": {},
    "description": "Each field in error (or `non_field_errors`, or the query parameter) with "
    "its messages, as a list of strings.",
}
WRITES = {"post", "put", "patch"}
ERROR_BODIES = {
    "400": "FieldErrors",
    "401": "ErrorDetail",
    "403": "ErrorDetail",
    "404": "ErrorDetail",
    "415": "ErrorDetail",
    "429": "ErrorDetail",
}


def _response(description: str, schema: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def errors_for(method: str, operation: dict[str, Any]) -> dict[str, dict[str, Any]]:
    params = operation.get("parameters", [])
    in_path = any(p.get("in") == "path" for p in params)
    in_query = [p.get("name") for p in params if p.get("in") == "query"]
    signed_in = bool(operation.get("security")) and operation["security"] != [{}]
    found: dict[str, dict[str, Any]] = {}
    if method in WRITES or in_query or "requestBody" in operation:
        found["400"] = _response("Invalid input: the messages say what to change.", "FieldErrors")
    if "requestBody" in operation:
        found["415"] = _response(
            "The body is not JSON, a form or a multipart form (or not one that can be read).",
            "ErrorDetail",
        )
    if signed_in:
        found["401"] = _response("No valid token or session.", "ErrorDetail")
        found["403"] = _response(
            "Signed in, but not allowed to do this (or two-factor set-up required).",
            "ErrorDetail",
        )
    if in_path or "page" in in_query:
        found["404"] = _response("Not found (or not yours), or a page past the end.", "ErrorDetail")
    return found


def document_error_responses(result: dict[str, Any], generator, request, public) -> dict:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("ErrorDetail", ERROR_DETAIL)
    schemas.setdefault("FieldErrors", FIELD_ERRORS)
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for status, response in errors_for(method, operation).items():
                responses.setdefault(status, response)
            for status, response in responses.items():
                # An error a view describes in words only gets the body it comes with.
                if status in ERROR_BODIES and "content" not in response:
                    response["content"] = _response("", ERROR_BODIES[status])["content"]
    return result
