"""Help: every key, what each section is for, where the data lives, who to call."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Markdown

from kentcard.tui.prefs import prefs_path

HELP = """\
# Help

**Move between sections** with the number keys, or click the bar at the top:
`1` Home · `2` Money in · `3` Money out · `4` Invoices · `5` Providers · `6` Evidence · `7` Review ·
`8` Reconcile · `9` Export.
`Ctrl+P` opens the command palette: type what you want to do (for example *add money out*).

## Keys

| Key | Where | What it does |
|---|---|---|
| `[` and `]` | Home | previous and next month (`t` goes back to this month) |
| `Enter` | Home, Review | fix the selected item (attach a receipt, open the invoice...) |
| `n` | tables | add a new record |
| `Enter` | tables | edit the selected record (in Evidence: open the file) |
| `d` or `Delete` | tables | delete the selected record (you are asked first) |
| `a` | Money out, Invoices | attach a receipt or invoice file to the selected one |
| `x` | Money out | say why the selected payment has no receipt (the reviewer sees it) |
| `o` | Evidence | open the file with this computer's viewer |
| `/` | tables | search; the month box takes `YYYY-MM`, the last box one choice |
| `s`, `r` | tables | sort by the next column; reverse the order (or click a heading) |
| `>` and `<` | tables | next and previous page (long lists are shown 100 at a time) |
| `End`, `Home` | tables | the last row of the last page; the first row of the first page |
| `Esc` | tables | clear the filters; in a form: close it without saving |
| `Ctrl+S` | forms | save (`Enter` moves to the next box; on the last box it saves) |
| `Tab` | everywhere | move to the next box or button |
| `i`, `c`, `l` | Reconcile | import a statement; create an entry from a line; lock |
| `m`, `u`, `a`, `A` | Reconcile | match, unmatch; accept the suggestion, or all of them |
| `F2` | everywhere | settings: the colour theme (high contrast) |
| `?` | everywhere | this help |
| `q` | everywhere | quit (everything is already saved) |

## The sections

- **Home**: this month's budget, what is spent and left, the card balance, the first ten things
  a reviewer would ask about (Review lists them all), spending by category, and the last twelve
  months.
- **Money in**: KCC's payments, your contributions, refunds.
- **Money out**: every payment from the card, with its receipt or the invoices it pays.
- **Invoices**: providers' invoices, what is paid and what is still owed.
- **Providers**: agencies, personal assistants, shops and day services you pay.
- **Evidence**: every receipt, invoice and payslip stored, with the payment or invoice it is
  for, its size and fingerprint (SHA-256).
- **Review**: the list a KCC reviewer would query for a period; fix each one from there.
- **Reconcile**: import a card statement, tie each line to your entries, then lock the period.
- **Export**: the workbook, CSV files or evidence pack for a period, ready to send to KCC.

## Where your data lives

Everything, receipts included, is in one file on this computer: `{db}`.
The app's own settings (the theme) are in `{prefs}`. Nothing is sent anywhere.
Back it up with `kentcard backup`.

## Who to call

Kent County Council's direct payments line: **0300 041 3600**.

Press `Esc` to close this help.
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss(None)", "Close", id="help.close"),
    ]

    def compose(self) -> ComposeResult:
        settings = self.app.settings  # type: ignore[attr-defined]
        text = HELP.format(db=settings.db, prefs=prefs_path(settings) or "(not kept)")
        with Vertical(id="help"):
            yield Markdown(text)
