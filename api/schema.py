"""OpenAPI schema hooks: the schema describes the public API only, not Wagtail's admin API, and
it states the limits the API enforces, so a client (or schemathesis) knows what is refused."""

from __future__ import annotations

from api.converters import MAX_ID


def public_api_only(endpoints, **kwargs):
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


def document_limits(result, generator, request, public):
    """Postprocessing: what drf-spectacular cannot infer from the views.

    - ``{id}`` is a positive 32-bit integer: larger ones name nothing (a 404, never a 500);
    - ``after`` (the changes cursor) is a whole number from 0;
    - a filter given empty (``?type=``, ``?ordering=``) is the filter left out, and an empty
      part of a list (``?ordering=start,``) is skipped, as the API reads them: the parameters
      allow the empty value and the empty item.
    """
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                schema = parameter.setdefault("schema", {})
                if parameter["in"] == "path" and parameter["name"] == "id":
                    schema.update({"type": "integer", "minimum": 1, "maximum": MAX_ID})
                elif parameter["in"] == "query" and parameter["name"] == "after":
                    # the change log's ids are 64-bit: a larger cursor is a 400
                    schema.update({"type": "integer", "minimum": 0, "maximum": 2**63 - 1})
                elif parameter["in"] == "query" and schema.get("type") in ("array", "string"):
                    parameter["allowEmptyValue"] = True
                    enum = schema.get("items", {}).get("enum")
                    if enum is not None and "" not in enum:
                        enum.append("")  # an empty part (``type=webinar,``) is skipped
    return result
