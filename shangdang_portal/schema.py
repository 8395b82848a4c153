"""What the OpenAPI schema says beyond the success answers, in one place (a drf-spectacular postprocessing hook):
the error answers every operation can give, in the shared error shape (exceptions.py), and the CSV/XLSX bodies of
the list exports (`?format=csv|xlsx`, export.py), and their 202 when the export runs as a task (export_jobs.py)."""

from .export import EXPORT_FORMATS

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_TYPES = {"csv": CSV, "xlsx": XLSX}

ERROR_SCHEMA = {
    "type": "object",
    "description": "The shared error shape; some errors add members (current_version and changes on 409/412, "
    "rows on a rejected XLSX sheet).",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "code", "message", "fields"],
            "properties": {
                "status": {"type": "integer", "example": 400},
                "code": {"type": "string", "example": "invalid"},
                "message": {"type": "string"},
                "fields": {
                    "type": "object",
                    "description": "field name → its messages (non_field_errors for the whole request)",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
                "current_version": {"description": "409/412: the version the row has now"},
                "changes": {
                    "type": "array",
                    "description": "409/412: what changed since the version sent",
                    "items": {"type": "object", "additionalProperties": True},
                },
            },
            "additionalProperties": True,
        }
    },
}

WHY = {
    "400": "Bad input: the fields (or query parameters) in error and why",
    "401": "Not signed in (or a token that is not valid) where signing in is needed",
    "403": "Signed in without the role or assignment this needs",
    "404": "No such row, or one the caller may not see; a page number past the end",
    "409": "The `version` sent in the body is stale: the current version and what changed",
    "412": "The version sent in If-Match is stale: the current version and what changed",
    "415": "A request body in a media type this operation does not read",
    "428": "A change without If-Match: say which version it is based on",
    "429": "Too many requests from an anonymous client: try again after Retry-After seconds",
    "503": "The database does not answer: try again after Retry-After seconds",
}


def _error(code: str) -> dict:
    return {
        "description": WHY[code],
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _errors_of(path: str, method: str, operation: dict) -> list[str]:
    params = operation.get("parameters", [])
    codes = ["401", "403", "429", "503"]
    if params or operation.get("requestBody") or method in ("post", "put", "patch"):
        codes.append("400")
    if "{" in path or any(p["in"] == "query" for p in params):
        codes.append("404")  # a row not there, or not the caller's to see; a page past the end
    if operation.get("requestBody"):
        codes.append("415")
    if any(p["in"] == "header" and p["name"] == "If-Match" for p in params):
        codes += ["409", "412", "428"]
    return sorted(codes)


def _document_exports(operation: dict) -> None:
    fmt = next((p for p in operation.get("parameters", []) if p["in"] == "query" and p["name"] == "format"), None)
    success = operation.get("responses", {}).get("200")
    if not fmt or not success:
        return
    for name in fmt.get("schema", {}).get("enum", []):
        if name in EXPORT_FORMATS:
            success.setdefault("content", {})[EXPORT_TYPES[name]] = {"schema": {"type": "string", "format": "binary"}}
    operation["responses"].setdefault(
        "202",
        {
            "description": "An export (format=csv|xlsx) of more rows than EXPORT_INLINE_ROWS: a task writes the file. "
            "Location and status_url give its status (/api/v1/exports/{id}/), download_url the file once done.",
            "headers": {"Location": {"schema": {"type": "string", "format": "uri"}}},
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ExportJob"}}},
        },
    )


def document_errors(result, generator, request, public):
    """POSTPROCESSING_HOOKS entry: error answers in the shared shape on every operation, export bodies on lists."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code in _errors_of(path, method, operation):
                operation["responses"].setdefault(code, _error(code))
            _document_exports(operation)
    return result
