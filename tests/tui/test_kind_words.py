"""Every kind of finding has words on Home, in Review and in the workbook."""

from __future__ import annotations

from kentcard.services.review import KIND_WORDS, Kind, kind_heading, kind_title


def test_every_kind_of_finding_has_words_everywhere() -> None:
    """A finding the review adds (a balance mismatch, say) never finds Home without words for
    it: Home once stopped with a KeyError on the first statement whose balance differed.
    One table gives each kind a title for a screen and a heading for the workbook."""
    assert set(KIND_WORDS) == set(Kind)
    titles = [kind_title(kind) for kind in Kind]
    headings = [kind_heading(kind) for kind in Kind]
    assert len(set(titles)) == len(titles) and len(set(headings)) == len(headings)
    assert not any("-" in word and word == word.lower() for word in titles + headings)
