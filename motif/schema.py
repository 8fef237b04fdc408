"""The OpenAPI schema tells the truth about errors: the answers every operation can give besides success.

One drf-spectacular postprocessing hook adds them from what an operation takes (a body, query
parameters, a path parameter, pages), so a new endpoint is documented without a new annotation.
Answers a view gives for its own reasons (409, 503) are declared on the view as
``OpenApiResponse(description=...)``; the hook gives them the error body. It never replaces a
response a view documents with a body of its own (the event batch's 400, for example).
"""
from __future__ import annotations

from motif.strict import NO_NUL_PATTERN

ERROR_COMPONENT = "Error"
VALIDATION_ERROR_COMPONENT = "ValidationError"
ERROR_REF = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
VALIDATION_ERROR_REF = {"$ref": f"#/components/schemas/{VALIDATION_ERROR_COMPONENT}"}

ERROR_SCHEMAS = {
    ERROR_COMPONENT: {
        "type": "object",
        "description": "An error a client can show as it is: `detail` is a sentence for people.",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    VALIDATION_ERROR_COMPONENT: {
        "type": "object",
        "description": "What is wrong with the request: each bad field maps to its messages "
                       "(`non_field_errors` for the request as a whole, nested objects for nested "
                       "fields); a body that cannot be read at all gives `detail`.",
        "additionalProperties": {},
    },
}

RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "schema": {"type": "integer", "minimum": 0},
    }
}
WWW_AUTHENTICATE = {
    "WWW-Authenticate": {"description": "How to authenticate: `Token`.", "schema": {"type": "string"}}
}


def _json(ref: dict) -> dict:
    return {"application/json": {"schema": ref}}


def _response(description: str, ref: dict = ERROR_REF, headers: dict | None = None) -> dict:
    response = {"description": description, "content": _json(ref)}
    if headers:
        response["headers"] = headers
    return response


def _has_parameter(operation: dict, location: str, name: str | None = None) -> bool:
    return any(p.get("in") == location and name in (None, p.get("name")) for p in operation.get("parameters", []))


def error_responses_for(operation: dict) -> dict[str, dict]:
    """The error responses ``operation`` (an OpenAPI operation object) can answer, by status code."""
    has_body = "requestBody" in operation
    responses = {
        "401": _response("Not authenticated: send `Authorization: Token <key>` or log in.",
                         headers=WWW_AUTHENTICATE),
        "403": _response("Not allowed: a session request without its CSRF token, "
                         "or an action this account may not take."),
        "429": _response("Too many requests, too many of your jobs are still running, or (submitting a job) "
                         "today's model time is used up; try again after `Retry-After` seconds when it is "
                         "given.", headers=RETRY_AFTER),
    }
    if has_body or _has_parameter(operation, "query"):
        responses["400"] = _response("The request is invalid; the body says what to change.", VALIDATION_ERROR_REF)
    if _has_parameter(operation, "path"):
        responses["404"] = _response("No such object among yours (another user's objects are not found either).")
    elif _has_parameter(operation, "query", "page"):
        responses["404"] = _response("There is no such page.")
    if has_body:
        responses["413"] = _response("The body or the uploaded file is too large.")
        responses["415"] = _response("The body is not in one of the documented media types.")
    return responses


def _refuse_nul(schema: dict) -> None:
    """DRF's CharField refuses NUL characters: say so on a free-text string schema."""
    if schema.get("type") == "string" and not {"enum", "format", "pattern"} & set(schema):
        schema["pattern"] = NO_NUL_PATTERN


def document_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: add the error components and every operation's error responses;
    free-text inputs say that they refuse NUL characters."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for name, component in schemas.items():
        if name.endswith("Request"):  # request bodies (COMPONENT_SPLIT_REQUEST names them so)
            for field in component.get("properties", {}).values():
                _refuse_nul(field.get("items", field))
    schemas.update(ERROR_SCHEMAS)
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            for parameter in operation.get("parameters", []):
                _refuse_nul(parameter.get("schema", {}))
            responses = operation.setdefault("responses", {})
            for status, response in responses.items():
                if status.isdigit() and int(status) >= 400 and "content" not in response:
                    response["content"] = _json(ERROR_REF)
            for status, response in error_responses_for(operation).items():
                responses.setdefault(status, response)
    return result
