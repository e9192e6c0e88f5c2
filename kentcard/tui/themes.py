"""The app's colour themes: a calm standard one and a high-contrast one."""

from __future__ import annotations

from textual.theme import Theme

STANDARD = Theme(
    name="kentcard",
    primary="#5fa8d3",
    secondary="#8fbcbb",
    accent="#f2c14e",
    warning="#f2a541",
    error="#f0616d",
    success="#7bc47f",
    foreground="#e6e9ef",
    background="#1b2430",
    surface="#232f3e",
    panel="#2c3a4d",
    dark=True,
)

HIGH_CONTRAST = Theme(
    name="kentcard-high-contrast",
    primary="#ffff00",
    secondary="#00ffff",
    accent="#ffff00",
    warning="#ffaa00",
    error="#ff5555",
    success="#00ff00",
    foreground="#ffffff",
    background="#000000",
    surface="#000000",
    panel="#1a1a1a",
    dark=True,
    variables={"border": "#ffffff", "footer-key-foreground": "#ffff00"},
)

THEMES = (STANDARD, HIGH_CONTRAST)
CHOICES = [
    ("Standard", STANDARD.name),
    ("High contrast", HIGH_CONTRAST.name),
    ("Light", "textual-light"),
]
