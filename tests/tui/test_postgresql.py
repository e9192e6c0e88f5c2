"""The app on an organisation's PostgreSQL database: the header names the login, the person
chooser lists only the people that login may see (row-level security does the filtering),
and each main section reads the demo year there as it does from a file."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, OptionList, Static

from kentcard.services import demo, recipients
from kentcard.services.context import Context
from kentcard.services.opening import open_context
from kentcard.services.settings import Settings
from kentcard.tui.app import KentcardApp
from kentcard.tui.launch import make_app
from kentcard.tui.screens.dashboard import DashboardScreen
from kentcard.tui.screens.setup import PersonDialog
from tests import pgserver
from tests.conftest import TODAY
from tests.org.conftest import Org, Run, kc, new_login, org_db  # noqa: F401  (fixtures)
from tests.tui.conftest import SIZE, settle


def settings_for(url: str, tmp_path: Path) -> Settings:
    return Settings(db=url, exports=tmp_path / "exports", clock=lambda: TODAY)


def chooser_names(app: KentcardApp) -> list[str]:
    people = app.screen.query_one("#people", OptionList)
    return [str(people.get_option_at_index(i).prompt) for i in range(people.option_count)]


def errors_of(app: KentcardApp) -> list[str]:
    """Collect what the app would show as "Not done" (each failed worker) from now on."""
    shown: list[str] = []
    report = app.report_error

    def record(error: BaseException | None) -> None:
        shown.append(f"{type(error).__name__}: {error}")
        report(error)

    app.report_error = record  # type: ignore[method-assign]
    return shown


async def test_the_owner_sees_their_login_in_the_header(pg_url: str, tmp_path: Path) -> None:
    settings = settings_for(pg_url, tmp_path)
    ctx = open_context(settings)
    recipients.setup_recipient(ctx, name="Jo Bloggs")
    app = make_app(settings, ctx)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, DashboardScreen)
            assert app.title == f"kentcard · {pgserver.OWNER}"
            assert app.sub_title == "Jo Bloggs"
    finally:
        ctx.db.dispose()


async def test_a_file_has_no_login_in_the_header(ctx: Context, settings: Settings) -> None:
    recipients.setup_recipient(ctx, name="Jo Bloggs")
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.title == "kentcard"


async def test_a_member_of_staff_chooses_among_their_own_people(
    org_db: Org,  # noqa: F811
    kc: Run,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Three people; an editor assigned Ann and Cat is offered those two, opens Cat's account
    and sees their login in the header; one assigned only Bob goes straight to Bob."""
    assert kc("org", "init").exit_code == 0
    for name in ("Ann Adams", "Bob Brown", "Cat Cole"):
        assert kc("init", "--name", name).exit_code == 0
    both = new_login(org_db, kc, "editor", ["Ann Adams", "Cat Cole"])
    one = new_login(org_db, kc, "viewer", ["Bob Brown"])

    ctx = open_context(settings_for(org_db.url(both), tmp_path))
    app = make_app(settings_for(org_db.url(both), tmp_path), ctx)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, PersonDialog)
            assert chooser_names(app) == ["Ann Adams", "Cat Cole"]
            assert app.title == f"kentcard · {both}"
            await pilot.press("down", "enter")
            await settle(pilot)
            assert isinstance(app.screen, DashboardScreen)
            assert app.sub_title == "Cat Cole"
    finally:
        ctx.db.dispose()

    ctx = open_context(settings_for(org_db.url(one), tmp_path))
    app = make_app(settings_for(org_db.url(one), tmp_path), ctx)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, DashboardScreen)
            assert (app.title, app.sub_title) == (f"kentcard · {one}", "Bob Brown")
    finally:
        ctx.db.dispose()


SECTIONS = [
    ("3", "money_out"),
    ("4", "invoices"),
    ("7", "review"),
    ("minus", "employment"),
    ("1", "dashboard"),
]


def build_demo_year(settings: Settings) -> Settings:
    """The demo year (an agency, a PA on payroll, a card statement) built into a database."""
    ctx = open_context(settings)
    try:
        demo.build_demo(ctx)
    finally:
        ctx.db.dispose()
    return settings


def shown_text(app: KentcardApp) -> list[list[str]]:
    """What the screen shows: each table's rows, then each line of text, as plain text."""
    tables = [
        [" | ".join(str(cell) for cell in table.get_row_at(i)) for i in range(table.row_count)]
        for table in app.screen.query(DataTable)
    ]
    # The header names the login on PostgreSQL only (the test above).
    words = [
        str(static.content).replace(app.title, "kentcard") for static in app.screen.query(Static)
    ]
    return [*tables, words]


async def read_sections(settings: Settings) -> dict[str, list[list[str]]]:
    """Open each main section in turn; what each shows. A failed reading fails the test."""
    app = make_app(settings)
    shown = errors_of(app)
    seen: dict[str, list[list[str]]] = {}
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, DashboardScreen)
            for key, mode in SECTIONS:
                await pilot.press(key)
                await settle(pilot)
                assert app.current_mode == mode
                tables = list(app.screen.query(DataTable))
                assert any(t.row_count > 0 for t in tables), mode
                seen[mode] = shown_text(app)
            assert shown == []
    finally:
        app.ctx.db.dispose()
    return seen


async def test_the_main_sections_show_the_demo_year_as_from_a_file(
    pg_url: str, tmp_path: Path
) -> None:
    """Home, money out, invoices, review and employing a PA each open on PostgreSQL with no
    error, showing what they show for the same demo year in a SQLite file."""
    on_file = build_demo_year(settings_for(str(tmp_path / "db" / "demo.sqlite3"), tmp_path))
    on_server = build_demo_year(settings_for(pg_url, tmp_path))
    from_file = await read_sections(on_file)
    from_server = await read_sections(on_server)
    for _key, mode in SECTIONS:
        for server, file in zip(from_server[mode], from_file[mode], strict=True):
            assert [a for a in server if a not in file] == [b for b in file if b not in server], (
                mode
            )
        assert from_server[mode] == from_file[mode], mode
