"""Kept only for `services/statement_import.py` until it reads plans through
`store.plans`; every other read lives in the store module of its kind."""

from __future__ import annotations

from kentcard.store.plans import plans

__all__ = ["plans"]
