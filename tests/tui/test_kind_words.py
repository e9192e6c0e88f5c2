"""Every kind of finding has words on Home, in Review and in the workbook."""

from __future__ import annotations

from kentcard.services.export import KIND_WORDS as WORKBOOK_WORDS
from kentcard.services.review import Kind
from kentcard.tui.screens.goto import KIND_WORDS as SCREEN_WORDS


def test_every_kind_of_finding_has_words_everywhere() -> None:
    """A finding the review adds (a balance mismatch, say) never finds Home without words for
    it: Home once stopped with a KeyError on the first statement whose balance differed."""
    assert set(SCREEN_WORDS) == set(Kind)
    assert set(WORKBOOK_WORDS) == set(Kind)
