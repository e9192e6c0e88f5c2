"""Help: every key, what each section is for, where the data lives, who to call."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown, Static

from kentcard.tui.prefs import prefs_path

# Always at the top of Help, whatever is scrolled below it.
WHO_TO_CALL = "Who to call: KCC direct payments 0300\u00a0041\u00a03600"

HELP = """\
## Moving around

- **Number keys** change section: `1` Home · `2` Money in · `3` Money out · `4` Invoices ·
  `5` Providers · `6` Evidence · `7` Review · `8` Reconcile · `9` Export ·
  `0` Plan and person, and `-` (the key after `0`) Employing a PA. In a text box they
  type; `Esc` leaves the box.
- `Tab` moves to the next box or button; `Enter` or `Space` acts on the highlighted line.
- `Ctrl+P` lists everything the app can do: type what you want (*add money out*).
- `q` quits; everything is saved as you go.

## Bigger text

The app cannot change its text size; your terminal can, and the app fits itself to it:

- Windows Terminal, GNOME Terminal and most others: `Ctrl` and `+` (smaller: `Ctrl` and `-`,
  back to normal: `Ctrl` and `0`).
- macOS Terminal: `Cmd` and `+` (smaller: `Cmd` and `-`).

`F2` has a high-contrast theme.

## Keys

| Key | Where | What it does |
|---|---|---|
| `[` and `]` | Home | previous and next month (`t`: this month) |
| `Enter` | Home, Review | fix the highlighted item (attach a receipt, open the invoice...) |
| `n` | tables | add a new record |
| `Enter` | tables | edit the highlighted record (in Evidence: open the file) |
| `d` or `Delete` | tables | delete it (you are asked first) |
| `a` | Money out, Invoices | attach a receipt or invoice file |
| `x` | Money out | say why a payment has no receipt (the reviewer sees it) |
| `/` | tables | search; `Esc` back to the table, `Esc` again clears the search |
| `s`, `r` | tables | sort by the next column; reverse the order |
| `>` and `<` | tables | next and previous page (long lists are shown 100 at a time) |
| `End`, `Home` | tables | the last row of the last page; the first row of the first page |
| `Ctrl+S` | forms | save (`Enter` moves to the next box) |
| `Esc` | forms | close without saving |
| `i` `c` `l` | Reconcile | import a statement; create an entry from a line; lock |
| `m` `u` `a` `A` | Reconcile | match; unmatch; accept the suggestion, or all of them |
| `n` `t` `p` `i` | Employing a PA | add a PA; a timesheet line; a payslip; insurance |
| `c` | Employing a PA | what the highlighted PA would cost a month, for the hours a week |
| `d`, `u` | Employing a PA | delete the highlighted timesheet line or payslip; put it back |
| `Enter` | Employing a PA | on a payslip: every figure on it, and the card payment |

## The sections

- **Home**: this month's budget, spending, card balance, and everything that needs
  doing now, from any month (a missed KCC payment stays there until it arrives).
- **Possible surplus**: money on the card above what you may keep (a few weeks' payments)
  after unpaid invoices. KCC may ask for it back, so spend it on the plan or ask them.
- **Money in**, **Money out**, **Invoices**, **Providers**: your records; `n` adds one.
- **Evidence**: every receipt, invoice and payslip stored, and what each is for.
- **Review**: what a KCC reviewer would ask about for a period; `Enter` fixes each.
- **Reconcile**: import a card statement and tie each line to your entries.
- **Export**: the workbook, CSV files or evidence pack to send to KCC.
- **Plan and person**: the support plan (a new plan from a date, its budget lines) and the
  person's details.
- **Employing a PA**: the PAs you employ, the time they worked, their payslips and your
  employer's liability insurance. Home and Review check them (minimum wage, payslips that
  differ from the timesheets or the card payments, HMRC, pension, insurance, holiday).
- **Dates** can be typed the UK way, `5/11/2026`.

## Your data

Everything, receipts included, is in one file on this computer: `{db}`.
The app's own settings (the theme) are in `{prefs}`. Nothing is sent anywhere.
Back it up with `kentcard backup`.

## Who to call

Questions about the payments, the plan or a review: KCC direct payments, 0300 041 3600.

*End of help.*
"""


class HelpScreen(ModalScreen[None]):
    """Help that scrolls (arrows, Page Up/Down, Home/End, the wheel), with who to call
    above it and how to close it below it, always in view."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss(None)", "Close", id="help.close"),
    ]

    def compose(self) -> ComposeResult:
        settings = self.app.settings  # type: ignore[attr-defined]
        text = HELP.format(db=settings.db, prefs=prefs_path(settings) or "(not kept)")
        with Vertical(id="help"):
            yield Static(WHO_TO_CALL, id="help-title")
            with VerticalScroll(id="help-body"):
                yield Markdown(text)
            yield Static(
                "[b]Esc[/] closes help  ·  ↑ ↓ Page Up/Down Home End scroll",
                id="help-keys",
            )

    def on_mount(self) -> None:
        # The scrolling box has focus, so its keys (↓, Page Down, End...) scroll it.
        self.query_one("#help-body", VerticalScroll).focus()
