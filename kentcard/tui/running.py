"""The running app, typed: Textual gives every widget `app` as some App; ours is a KentcardApp."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.dom import DOMNode

from kentcard.core.records import Recipient

if TYPE_CHECKING:
    from kentcard.tui.app import KentcardApp


def kentcard_app(node: DOMNode) -> KentcardApp:
    """The app a screen or widget of ours runs in."""
    return cast("KentcardApp", node.app)


def the_recipient(app: KentcardApp) -> Recipient:
    """The recipient whose account is open: sections and forms open only once there is one."""
    recipient = app.recipient
    assert recipient is not None, "no account is open yet"
    return recipient
