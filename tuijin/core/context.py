"""Who is acting now: set per request by middleware, per command by the CLI.

The change log reads it, so services need not pass the user around just to be
recorded.
"""
from __future__ import annotations

import contextlib
import uuid
from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Actor:
    user_id: int | None = None
    username: str = ""
    source: str = "system"  # web, api, cli, demo, system
    address: str = ""
    request_id: uuid.UUID = field(default_factory=uuid.uuid4)


_actor: ContextVar[Actor] = ContextVar("tuijin_actor", default=Actor())


def current_actor() -> Actor:
    return _actor.get()


@contextlib.contextmanager
def acting_as(actor: Actor):
    token = _actor.set(actor)
    try:
        yield actor
    finally:
        _actor.reset(token)


def replace_actor(**changes) -> None:
    """Update the current actor in place for the rest of this request.

    Used by the API after token authentication, which happens after middleware ran;
    the middleware's ``acting_as`` restores the previous actor when the request ends.
    """
    import dataclasses

    _actor.set(dataclasses.replace(_actor.get(), **changes))
