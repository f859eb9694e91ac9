"""django-ninja names OpenAPI components after the schema class: two request schemas with one
name in different apps silently replace each other in /api/v1/openapi.json (a client, and the
fuzzer, would then see the wrong fields). Every schema an operation uses must have its own name.
"""

from __future__ import annotations

import inspect

import pydantic
from ninja.operation import PathView

from accord.config.api import api


def _models_of(annotation, seen: set) -> None:
    if inspect.isclass(annotation) and issubclass(annotation, pydantic.BaseModel):
        if annotation in seen:
            return
        seen.add(annotation)
        for field in annotation.model_fields.values():
            _models_of(field.annotation, seen)
    for arg in getattr(annotation, "__args__", ()) or ():
        _models_of(arg, seen)


def _operation_models() -> set[type]:
    seen: set[type] = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            assert isinstance(path_view, PathView)
            for op in path_view.operations:
                for model in op.models:
                    _models_of(model, seen)
                for response in op.response_models.values():
                    _models_of(response, seen)
    return seen


def test_request_and_response_schemas_have_distinct_names():
    by_name: dict[str, set[str]] = {}
    for model in _operation_models():
        by_name.setdefault(model.__name__, set()).add(f"{model.__module__}.{model.__qualname__}")
    # ninja wraps each operation's parameters in generated models named after the operation
    clashes = {
        name: sorted(paths)
        for name, paths in by_name.items()
        if len(paths) > 1 and not any("ninja" in p for p in paths)
    }
    assert not clashes, f"schema classes sharing one OpenAPI name: {clashes}"


def test_case_transition_schema_in_openapi_is_the_case_one():
    schema = api.get_openapi_schema()
    op = schema["paths"]["/api/v1/cases/{reference}/transitions"]["post"]
    ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    fields = set(schema["components"]["schemas"][ref]["properties"])
    assert {"action", "note", "assignee", "satisfaction"} <= fields
