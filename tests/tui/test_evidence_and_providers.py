"""Providers and Evidence in words: kinds as people say them, a delete that cannot happen
explained before any question, Evidence's n that attaches, and both fit at 80 columns."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input, Select, Static

from kentcard.core.money import Money
from kentcard.core.records import ProviderKind
from kentcard.services import documents, ledger, providers, recipients
from kentcard.tui.app import KentcardApp
from kentcard.tui.screens.evidence_forms import AttachToForm
from kentcard.tui.screens.other_forms import ProviderForm
from kentcard.tui.screens.record_sections import EvidenceScreen, ProvidersScreen
from kentcard.tui.widgets.dialogs import NoticeDialog
from tests.tui.conftest import SIZE, settle
from tests.tui.test_table_widths import shown

NARROW = (80, 24)


def column(app: KentcardApp, key: str) -> list[str]:
    return [str(c) for c in app.screen.query_one("#table", DataTable).get_column(key)]


async def test_provider_kinds_are_words_in_the_table_filter_and_form(app: KentcardApp) -> None:
    """'Agency' and 'PA', never `agency` or `Pa`, in the table, the kind filter and the form."""
    pid = recipients.list_recipients(app.ctx)[0].id
    providers.add_provider(app.ctx, pid, name="Sam Taylor", kind=ProviderKind.PA)
    providers.add_provider(app.ctx, pid, name="Riverside", kind=ProviderKind.DAY_SERVICE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        assert column(app, "kind") == ["Agency", "Day service", "PA"]
        kinds = app.screen.query_one("#filter-choice", Select)
        labels = [str(prompt) for prompt, _ in kinds._options if _ is not Select.NULL]
        assert labels == ["Agency", "PA", "Day service", "Respite", "Equipment", "Other"]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ProviderForm)
        form_kinds = app.screen.query_one("#f-kind", Select)
        assert [str(p) for p, v in form_kinds._options if v is not Select.NULL] == labels


async def test_a_provider_with_invoices_says_so_before_asking(app: KentcardApp) -> None:
    """d on a provider an invoice refers to explains why it is kept (no Yes/No question);
    one nobody refers to is asked about as before."""
    pid = recipients.list_recipients(app.ctx)[0].id
    providers.add_provider(app.ctx, pid, name="Zed Cleaning", rate=Money(1500))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        assert column(app, "name")[0] == "Bright Homecare"
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, NoticeDialog)
        text = str(app.screen.query_one(".dialog-question", Static).render())
        assert "Bright Homecare cannot be deleted: 1 invoice refers to them" in text
        assert "press Enter on them" in text
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ProvidersScreen)
        await pilot.press("down", "d")
        await settle(pilot)
        question = str(app.screen.query_one(".dialog-question", Static).render())
        assert question.startswith("Delete provider Zed Cleaning?")
        await pilot.press("y")
        await settle(pilot)
    assert [p.name for p in providers.list_providers(app.ctx, pid)] == ["Bright Homecare"]


async def test_n_in_evidence_attaches_a_file_to_a_chosen_payment(
    app: KentcardApp, receipt: Path
) -> None:
    """n opens a form listing payments (those without a receipt marked) and invoices; choosing
    the payment and a file attaches it, and Evidence lists what it proves."""
    pid = recipients.list_recipients(app.ctx)[0].id
    [payment] = ledger.list_money_out(app.ctx, pid)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        footer = {b.description for _, b, _, _ in app.screen.active_bindings.values() if b.show}
        assert "Attach" in footer and "Add" not in footer
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, AttachToForm)
        choice = form.query_one("#f-record", Select)
        options = {str(p): v for p, v in choice._options if v is not Select.NULL}
        assert options == {
            "Payment 18 Nov 2026, Kent Mobility, £45.99  (no receipt yet)": (
                f"money-out:{payment.id}"
            ),
            "Invoice INV-1, Bright Homecare, 5 Nov 2026": options[
                "Invoice INV-1, Bright Homecare, 5 Nov 2026"
            ],
        }
        choice.value = f"money-out:{payment.id}"
        form.query_one("#f-file", Input).value = str(receipt)
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, EvidenceScreen)
        assert column(app, "links") == ["Payment 18 Nov 2026, Kent Mobility, £45.99"]
    [doc] = documents.list_documents(app.ctx, pid)
    assert doc.links == (f"money-out:{payment.id}",)


async def test_at_80_columns_kind_is_whole_and_the_category_filter_is_one_line(
    app: KentcardApp, receipt: Path
) -> None:
    """Evidence shows 'Receipt' whole beside the file and its size; Money out's filter says
    'Any category' on one line."""
    pid = recipients.list_recipients(app.ctx)[0].id
    [payment] = ledger.list_money_out(app.ctx, pid)
    documents.attach_document(app.ctx, receipt, money_out_id=payment.id)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        table = app.screen.query_one("#table", DataTable)
        for _ in range(100):
            if not table._require_update_dimensions:
                break
            await pilot.pause(0.02)
        lines = shown(table)
        assert "Kind" in lines[0] and "Size" in lines[0]
        assert "receipt-lunch.txt  Receipt  Payment 18 Nov 2026" in lines[1]
        assert f"{receipt.stat().st_size} B" in lines[1]
        await pilot.press("3")
        await settle(pilot)
        label = app.screen.query_one("#filter-choice #label", Static)
        assert str(label.render()) == "Any category"
        assert label.size.height == 1 and label.size.width >= len("Any category")
