"""d in Evidence detaches a file attached by mistake, after a question naming file and record."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, OptionList, Static

from kentcard.services import documents, invoices, ledger, recipients
from kentcard.services.history import record_history
from kentcard.tui.app import KentcardApp
from kentcard.tui.screens.record_sections import EvidenceScreen
from kentcard.tui.widgets.dialogs import ChoiceDialog, ConfirmDialog, NoticeDialog
from tests.tui.conftest import SIZE, settle


def text_of(app: KentcardApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def evidence_for(app: KentcardApp) -> list[str]:
    return [str(c) for c in app.screen.query_one("#table", DataTable).get_column("links")]


async def test_detach_asks_in_words_then_unlinks_and_is_audited(
    app: KentcardApp, tmp_path: Path
) -> None:
    """d names the file and the invoice; No keeps it; Yes detaches it, the row says
    '(not linked)', the invoice's history has the detach line and the file is still stored."""
    profile = tmp_path / "profile"
    profile.write_text("# ~/.profile\n")
    [person] = recipients.list_recipients(app.ctx)
    [state] = invoices.invoice_states(app.ctx, person.id)
    doc = documents.attach_document(app.ctx, profile, invoice_id=state.invoice.id)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        assert isinstance(app.screen, EvidenceScreen)
        footer = {b.description for _, b, _, _ in app.screen.active_bindings.values() if b.show}
        assert "Detach" in footer
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        question = text_of(app, ".dialog-question")
        assert "Detach 'profile' from Invoice INV-1, Bright Homecare?" in question
        assert "stays in the history" in question
        await pilot.press("n")  # No is the safe answer
        await settle(pilot)
        assert evidence_for(app) == ["Invoice INV-1, Bright Homecare"]
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, EvidenceScreen)
        assert evidence_for(app) == ["(not linked)"]
        assert any("Detached 'profile'" in n.message for n in app._notifications)

        await pilot.press("d")  # a file linked to nothing: nothing to ask
        await settle(pilot)
        assert isinstance(app.screen, NoticeDialog)
        assert "not attached to anything" in text_of(app, ".dialog-question")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, EvidenceScreen)
    history = record_history(app.ctx, f"invoice:{state.invoice.id}")
    assert [c.detail.get("detached") for c in history if "detached" in c.detail] == [
        f"document:{doc.id}"
    ]
    assert documents.read_document(app.ctx, doc.id)[1] == profile.read_bytes()


async def test_a_file_proving_two_payments_asks_which(app: KentcardApp, receipt: Path) -> None:
    """The same receipt on two records: d first asks which one, then only that link goes."""
    [person] = recipients.list_recipients(app.ctx)
    [payment] = ledger.list_money_out(app.ctx, person.id)
    [state] = invoices.invoice_states(app.ctx, person.id)
    documents.attach_document(app.ctx, receipt, money_out_id=payment.id)
    documents.attach_document(app.ctx, receipt, invoice_id=state.invoice.id)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceDialog)
        options = app.screen.query_one(OptionList)
        assert options.has_focus and options.highlighted == 0
        labels = [str(options.get_option_at_index(i).prompt) for i in range(2)]
        assert "Payment 18 Nov 2026, Kent Mobility, £45.99" in labels
        target = labels.index("Invoice INV-1, Bright Homecare")
        await pilot.press(*["down"] * target, "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "from Invoice INV-1, Bright Homecare?" in text_of(app, ".dialog-question")
        await pilot.press("y")
        await settle(pilot)
        assert evidence_for(app) == ["Payment 18 Nov 2026, Kent Mobility, £45.99"]
