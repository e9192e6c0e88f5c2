"""Messages the app's workers and dialogs post: past-tense facts, data travelling up.

Each is a dataclass (Textual calls `__post_init__` for them), so what it carries is typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Generic, TypeVar

from textual.message import Message

from kentcard.core.employment.checks import EmploymentRecords
from kentcard.core.invoices import InvoiceState
from kentcard.core.money import Money
from kentcard.core.records import MoneyIn, MoneyOut, Recipient
from kentcard.services.browse import Page
from kentcard.services.review import Finding, Kind

if TYPE_CHECKING:
    from kentcard.tui.screens.dashboard import Overview

RowT = TypeVar("RowT")
ResultT = TypeVar("ResultT")


@dataclass
class RecipientFound(Message):
    """The database was read at start-up: whose accounts it holds (empty = nobody yet), and
    on an organisation's database the login it was opened with (the people are those it
    may see)."""

    recipients: list[Recipient]
    login: str | None = None


@dataclass
class PageLoaded(Message, Generic[RowT]):
    """One page of a table's records, for the request (a count) that asked for it."""

    page: Page[RowT]
    request: int


@dataclass
class ChoicesLoaded(Message):
    """Options for a filter or a form (categories, providers, open invoices): (words, value)."""

    name: str
    options: list[tuple[str, str]]


@dataclass
class DashboardLoaded(Message):
    data: Overview


@dataclass
class FindingsLoaded(Message):
    start: date
    end: date
    findings: list[Finding]


@dataclass
class EmploymentLoaded(Message):
    """A person's PAs, their rates, timesheet lines, payslips, card payments and insurance."""

    records: EmploymentRecords
    categories: list[str]
    request: int  # which reading this is: an older one finishing later is ignored


@dataclass
class RecordSaved(Message, Generic[ResultT]):
    """A form's save worked; `record` is what the service returned."""

    record: ResultT


@dataclass
class SaveFailed(Message):
    """A form's save was refused or failed; the form stays open with what was typed."""

    reason: str
    field: str | None = None


@dataclass(frozen=True)
class PaymentToFix:
    """A payment a finding is about, with what its form suggests."""

    payment: MoneyOut
    payees: list[str]
    categories: list[str]


@dataclass(frozen=True)
class InvoiceToFix:
    """An invoice a finding is about, with the providers its form offers and their rates."""

    state: InvoiceState
    names: list[str]
    rates: dict[str, Money | None]


RecordToFix = PaymentToFix | InvoiceToFix | MoneyIn


@dataclass
class RecordOpened(Message):
    """A record was fetched so that its form can open (from the dashboard or review)."""

    kind: Kind | None  # what the finding said of it (None: an unpaid invoice, say)
    record: RecordToFix


@dataclass
class RecordDeleted(Message):
    description: str
