"""Registry of detection methods by their command-line names, and one entry point to run them.

``METHODS[name] = (control_factory, detect)``: ``control_factory(**fields)`` builds the method's
frozen control dataclass (preset defaults plus the given fields) and ``detect(series, control,
*, t=None)`` runs it. :func:`run` maps loose overrides (``b=5``, ``alpha="0.01"``, ``c.ARL=3``)
onto the right control fields, converting strings to the field's type, and rejects unknown ones.

Which field a shared name means depends on the method, as in R: ``alpha`` is the significance
level for Farrington/Noufaily and EARS, but the negative-binomial *dispersion* for ``glrnb``
(``surveillance::glrnb``'s ``alpha``).
"""

from __future__ import annotations

import dataclasses
import importlib
import math
import re
from collections.abc import Callable, Sequence
from typing import Any

from accord.analytics.result import DetectionResult
from accord.analytics.series import CountSeries

ControlFactory = Callable[..., Any]
DetectFn = Callable[..., DetectionResult]


def _attr(module: str, name: str) -> Any:
    return getattr(importlib.import_module(f"accord.analytics.{module}"), name)


def _lazy_detect(module: str) -> DetectFn:
    """``module.detect``, imported on first call (the modules load scipy/numpy-heavy code)."""

    def detect(
        series: CountSeries, control: Any, *, t: Sequence[int] | None = None
    ) -> DetectionResult:
        return _attr(module, "detect")(series, control, t=t)  # type: ignore[no-any-return]

    detect.__qualname__ = detect.__name__ = f"{module}.detect"
    return detect


def _preset(name: str) -> ControlFactory:
    def factory(**fields: Any) -> Any:
        return dataclasses.replace(_attr("farrington", "PRESETS")[name], **fields)

    factory.__qualname__ = factory.__name__ = f"farrington.PRESETS[{name!r}]"
    return factory


def _ears(method: str) -> ControlFactory:
    def factory(**fields: Any) -> Any:
        return _attr("ears", "EarsControl")(**{"method": method, **fields})

    factory.__qualname__ = factory.__name__ = f"EarsControl(method={method!r})"
    return factory


def _glrnb(**fields: Any) -> Any:
    return _attr("glrnb", "GlrnbControl")(**fields)


METHODS: dict[str, tuple[ControlFactory, DetectFn]] = {
    "farrington": (_preset("farrington"), _lazy_detect("farrington")),
    "noufaily": (_preset("noufaily"), _lazy_detect("farrington")),
    "ears-c1": (_ears("C1"), _lazy_detect("ears")),
    "ears-c2": (_ears("C2"), _lazy_detect("ears")),
    "ears-c3": (_ears("C3"), _lazy_detect("ears")),
    "glrnb": (_glrnb, _lazy_detect("glrnb")),
}

# fields a caller may not override: fixed by the method name, or given through ``t``
_FIXED = {"ears-c1": {"method"}, "ears-c2": {"method"}, "ears-c3": {"method"}}
_NOT_OVERRIDABLE = {"range"}

#: control fields that exist but cannot be set by name (CLI flag or loose override), with why
NOT_SETTABLE: dict[str, dict[str, str]] = {
    **{
        m: {"method": f"the EARS variant is fixed by the method name ({m})"}
        for m in ("ears-c1", "ears-c2", "ears-c3")
    },
    "glrnb": {
        "range": "the monitored periods are given by --range (or the t argument)",
        "mu0": "in-control means are one number per monitored period: use the Python API "
        "(GlrnbControl(mu0=...)); without it they are estimated from the periods before --range",
    },
}


def _norm(name: str) -> str:
    """Spelling-insensitive key: ``c.ARL``, ``c_arl`` and ``c-ARL`` are the same field."""
    return re.sub(r"[^0-9a-z]", "", name.lower())


def control_fields(method: str) -> dict[str, dataclasses.Field[Any]]:
    """The overridable fields of a method's control dataclass, by name."""
    factory, _ = _lookup(method)
    control = factory()
    fixed = _FIXED.get(method, set()) | _NOT_OVERRIDABLE | set(NOT_SETTABLE.get(method, {}))
    return {f.name: f for f in dataclasses.fields(control) if f.name not in fixed}


def not_settable(method: str) -> dict[str, str]:
    """Fields of the method's control that cannot be set by name, with the reason."""
    factory, _ = _lookup(method)
    names = {f.name for f in dataclasses.fields(factory())}
    return {n: r for n, r in NOT_SETTABLE.get(method, {}).items() if n in names}


def _lookup(method: str) -> tuple[ControlFactory, DetectFn]:
    try:
        return METHODS[method]
    except KeyError:
        raise ValueError(
            f"unknown method {method!r}; choose one of: {', '.join(METHODS)}"
        ) from None


def _coerce(value: Any, default: Any, name: str) -> Any:
    """Turn a string (from a command line or a form) into the type of the field's default."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    low = text.lower()
    if isinstance(default, str):  # a choice such as powertrans="none": the text is the value
        return text
    if low in ("none", "null", "na"):
        return None
    if isinstance(default, bool):
        if low in ("true", "t", "yes", "1"):
            return True
        if low in ("false", "f", "no", "0"):
            return False
        raise ValueError(f"{name} must be true or false, not {value!r}")
    if isinstance(default, (tuple, list)):
        return tuple(
            _coerce(p, default[0] if default else None, name) for p in text.split(",") if p
        )
    if isinstance(default, int):
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f"{name} must be an integer, not {value!r}") from None
        if not number.is_integer():
            raise ValueError(f"{name} must be an integer, not {value!r}")
        return int(number)
    if isinstance(default, float) or default is None:
        try:
            number = float(text)
        except ValueError:
            if isinstance(default, float):
                raise ValueError(f"{name} must be a number, not {value!r}") from None
            return text
        if default is None and number.is_integer() and "." not in text and "e" not in low:
            return int(number)
        if math.isnan(number):
            raise ValueError(f"{name} must be a number, not {value!r}")
        return number
    return text


def make_control(method: str, /, **overrides: Any) -> Any:
    """The method's control with ``overrides`` applied (names matched loosely, values coerced)."""
    factory, _ = _lookup(method)
    fields = control_fields(method)
    defaults = factory()
    by_norm = {_norm(n): n for n in fields}
    resolved: dict[str, Any] = {}
    refused = not_settable(method)
    refused_norm = {_norm(n): n for n in refused}
    for key, value in overrides.items():
        name = key if key in fields else by_norm.get(_norm(key))
        if name is None and _norm(key) in refused_norm:
            field = refused_norm[_norm(key)]
            raise ValueError(
                f"parameter {key!r} cannot be set for method {method!r}: {refused[field]}"
            )
        if name is None:
            raise ValueError(
                f"unknown parameter {key!r} for method {method!r}; "
                f"known: {', '.join(sorted(fields))}"
            )
        resolved[name] = _coerce(value, getattr(defaults, name), name)
    try:
        return factory(**resolved)
    except TypeError as exc:  # e.g. a wrongly typed value reaching the dataclass validation
        raise ValueError(f"invalid parameters for {method!r}: {exc}") from None


def run(
    method: str, series: CountSeries, *, t: Sequence[int] | None = None, **overrides: Any
) -> DetectionResult:
    """Run ``method`` (a CLI name, see :data:`METHODS`) on ``series`` at 0-based columns ``t``.

    ``overrides`` set control fields (``b=5, w=3, alpha=0.01`` ...); an unknown name raises
    ``ValueError`` listing the known ones.
    """
    _, detect = _lookup(method)
    control = make_control(method, **overrides)
    return detect(series, control, t=t)
