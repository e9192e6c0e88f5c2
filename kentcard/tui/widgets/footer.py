"""The footer of keys, built only when the keys it shows change.

Textual's Footer rebuilds every key whenever the focus moves (even when the same keys stay),
and each new key first takes the compact style and then drops it, restyling itself twice.
On a section's first showing that was about a tenth of a second of restyling alone.
This footer looks the same: its keys start in the style they end in, and a change of
focus that leaves the same keys showing leaves the footer as it is.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer

from kentcard.tui.textual_private import FooterKey


class KeyFooter(Footer):
    def __init__(self) -> None:
        super().__init__()
        self._shown: tuple[object, ...] | None = None
        self._keys_ready = False  # Footer's own flag: the screen has said its keys once

    def _keys_shown(self) -> tuple[object, ...]:
        """What the footer would show: each visible binding, whether enabled, its tooltip."""
        keys = [
            (binding.key, binding.action, binding.description, enabled, tooltip)
            for (_node, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show
        ]
        return (*keys, self.show_command_palette, self.compact)

    def compose(self) -> ComposeResult:
        if self._keys_ready:
            self._shown = self._keys_shown()
        for widget in super().compose():
            # Keys follow the footer's own (never compact) style; the palette key keeps its
            # own compact style, as in Textual's footer.
            bound = not widget.has_class("-command-palette")
            if isinstance(widget, FooterKey) and bound and not self.compact:
                widget.set_reactive(FooterKey.compact, False)
            yield widget

    def bindings_changed(self, screen: Screen[Any]) -> None:
        if (
            self._shown is not None
            and self.is_attached
            and screen is self.screen
            and self._keys_shown() == self._shown
        ):
            return
        self._keys_ready = True
        super().bindings_changed(screen)
