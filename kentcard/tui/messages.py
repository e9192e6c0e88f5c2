"""Messages the app's workers and dialogs post: past-tense facts, data travelling up."""

from __future__ import annotations

from typing import Any

from textual.message import Message


class PersonFound(Message):
    """The database was read at start-up: who the account is for (None = nobody yet)."""

    def __init__(self, people: list[Any]) -> None:
        super().__init__()
        self.people = people


class PageLoaded(Message):
    """One page of a table's records, for the filters that were asked for."""

    def __init__(self, page: Any, request: Any) -> None:
        super().__init__()
        self.page = page
        self.request = request


class ChoicesLoaded(Message):
    """Options for a filter or a form (categories, providers, open invoices)."""

    def __init__(self, name: str, options: list[Any]) -> None:
        super().__init__()
        self.name = name
        self.options = options


class DashboardLoaded(Message):
    def __init__(self, data: Any) -> None:
        super().__init__()
        self.data = data


class FindingsLoaded(Message):
    def __init__(self, start: Any, end: Any, findings: list[Any]) -> None:
        super().__init__()
        self.start = start
        self.end = end
        self.findings = findings


class RecordSaved(Message):
    """A form's save worked; `record` is what the service returned."""

    def __init__(self, record: Any) -> None:
        super().__init__()
        self.record = record


class SaveFailed(Message):
    """A form's save was refused or failed; the form stays open with what was typed."""

    def __init__(self, reason: str, field: str | None = None) -> None:
        super().__init__()
        self.reason = reason
        self.field = field


class RecordOpened(Message):
    """A record was fetched so that its form can open (from the dashboard or review)."""

    def __init__(self, kind: str, record: Any) -> None:
        super().__init__()
        self.kind = kind
        self.record = record


class RecordDeleted(Message):
    def __init__(self, description: str) -> None:
        super().__init__()
        self.description = description
