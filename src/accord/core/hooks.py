"""Registered hooks: how parts talk without importing upward.

A lower part publishes a `Hook` (a named list of callables) in its own module; a higher part
registers into it from its `AppConfig.ready()`. The publisher calls the hook and never imports
the subscriber:

    # accord/cases/hooks.py (published by cases)
    CASES_FILED = Hook("cases.filed", "cases were just filed, inside the filing's transaction")

    # accord/earlywarning/apps.py (a subscriber, one level up)
    def ready(self):
        from accord.cases.hooks import CASES_FILED
        CASES_FILED.register(on_cases_filed, queues_only=deferred_intake)

A subscriber may declare `queues_only` (a bool or a callable answering one at call time): it
only queues work with one plain INSERT inside the caller's transaction and needs no answer,
so the caller may pipeline it with its own writes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Subscriber:
    fn: Callable[..., Any]
    queues_only: bool | Callable[[], bool] = False

    def only_queues(self) -> bool:
        q = self.queues_only
        return bool(q() if callable(q) else q)


class Hook:
    """A named, ordered list of subscribers. Registering the same function twice is a no-op
    (a `ready()` may run more than once in tests)."""

    def __init__(self, name: str, doc: str = "") -> None:
        self.name = name
        self.doc = doc
        self._subscribers: list[Subscriber] = []

    def register(
        self, fn: Callable[..., Any], *, queues_only: bool | Callable[[], bool] = False
    ) -> Callable[..., Any]:
        if not any(s.fn is fn for s in self._subscribers):
            self._subscribers.append(Subscriber(fn, queues_only))
        return fn

    def unregister(self, fn: Callable[..., Any]) -> None:
        self._subscribers = [s for s in self._subscribers if s.fn is not fn]

    def __iter__(self) -> Iterator[Subscriber]:
        return iter(list(self._subscribers))

    def __len__(self) -> int:
        return len(self._subscribers)

    def __contains__(self, fn: object) -> bool:
        return any(s.fn is fn for s in self._subscribers)

    def call(self, *args: Any, **kwargs: Any) -> list[Any]:
        """Call every subscriber in registration order; return their results."""
        return [s.fn(*args, **kwargs) for s in self._subscribers]

    def only_queues(self) -> bool:
        """True when every subscriber only queues work (or there is none)."""
        return all(s.only_queues() for s in self._subscribers)

    def __repr__(self) -> str:
        return f"Hook({self.name!r}, {len(self)} subscribers)"
