"""Errors every layer raises and every surface shows as one plain line."""

from __future__ import annotations


class KentcardError(Exception):
    """Base for errors the person can act on; `str()` is the message to show."""


class InputError(KentcardError):
    """A value the person gave is wrong: names the field and the reason."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class NotFoundError(KentcardError):
    """A record the person referred to does not exist."""


class ConflictError(KentcardError):
    """The action would break a rule of the ledger (a duplicate, a locked period, ...)."""
