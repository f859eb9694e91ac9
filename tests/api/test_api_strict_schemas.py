"""Every API input schema refuses unknown fields and NUL characters: each one derives from the
one strict base, accord.core.schemas.Strict."""

from __future__ import annotations

import inspect

import pydantic
import pytest
from ninja.operation import PathView

from accord.config.api import api
from accord.core.schemas import Strict


def _models_of(annotation, seen: set) -> None:
    if inspect.isclass(annotation) and issubclass(annotation, pydantic.BaseModel):
        if annotation in seen:
            return
        seen.add(annotation)
        for field in annotation.model_fields.values():
            _models_of(field.annotation, seen)
    for arg in getattr(annotation, "__args__", ()) or ():
        _models_of(arg, seen)


def _input_models() -> set[type]:
    seen: set[type] = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            assert isinstance(path_view, PathView)
            for op in path_view.operations:
                for model in op.models:
                    _models_of(model, seen)
    # ninja wraps each operation's parameters in generated models of its own
    return {m for m in seen if m.__module__.startswith("accord.")}


def test_there_are_input_schemas():
    assert len(_input_models()) >= 10


@pytest.mark.parametrize("model", sorted(_input_models(), key=lambda m: m.__qualname__))
def test_every_input_schema_is_strict(model):
    assert issubclass(model, Strict), f"{model.__module__}.{model.__qualname__} is not Strict"
    assert model.model_config.get("extra") == "forbid"
