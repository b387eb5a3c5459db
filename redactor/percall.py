"""State kept per call, bounded: the least recently used call is dropped beyond a limit.

``redactor text`` keeps one ``Conversation`` per ``call_id`` (what the last turn asked for, the
warning state…); a stream that names millions of calls must still run in constant memory.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class PerCall(Generic[T]):
    """``get(call_id, *args)`` returns the call's state, made by ``factory(call_id, *args)``."""

    def __init__(self, factory: Callable[..., T], limit: int = 10_000) -> None:
        self.factory = factory
        self.limit = limit
        self._calls: OrderedDict[str, T] = OrderedDict()

    def get(self, call_id: str, *args: object) -> T:
        state = self._calls.pop(call_id, None)
        if state is None:
            state = self.factory(call_id, *args)
        self._calls[call_id] = state
        if len(self._calls) > self.limit:
            self._calls.popitem(last=False)
        return state

    def __len__(self) -> int:
        return len(self._calls)
