"""Who the app opens for: setup on a brand-new database, a chooser when it holds several people."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList, Static

from kentcard.services import recipients
from kentcard.services.context import Context
from kentcard.services.settings import Settings
from kentcard.tui.launch import make_app
from kentcard.tui.screens.dashboard import DashboardScreen
from kentcard.tui.screens.setup import PersonDialog, SetupForm
from tests.tui.conftest import SIZE, settle


async def test_brand_new_database_opens_the_first_run_setup(tmp_path: Path) -> None:
    """make_app on a path with no database yet (as `make run` on a fresh clone) shows setup."""
    db = tmp_path / "fresh" / "db" / "kentcard.sqlite3"
    assert not db.parent.exists()
    app = make_app(Settings(db=str(db), exports=tmp_path / "exports"))
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, SetupForm)
            assert app.screen.focused is app.screen.query_one("#f-name")
            assert app.recipient is None
    finally:
        app.ctx.db.dispose()
    assert db.exists()


async def test_several_people_are_offered_and_the_chosen_one_opens(
    settings: Settings, ctx: Context
) -> None:
    """With two people in the database a chooser lists both; Down, Enter opens the second."""
    first = recipients.setup_recipient(ctx, name="Jo Bloggs")
    second = recipients.setup_recipient(ctx, name="Sam Bloggs")
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PersonDialog)
        people = app.screen.query_one("#people", OptionList)
        names = [str(people.get_option_at_index(i).prompt) for i in range(people.option_count)]
        assert names == [first.name, second.name]
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert app.recipient == second and app.sub_title == "Sam Bloggs"


async def test_a_long_list_of_people_is_searched_by_name(settings: Settings, ctx: Context) -> None:
    """A support organisation's database: a search box narrows the chooser by name, the list
    shows the first 30 matches and says how many more there are; Down, Enter opens one."""
    people = [recipients.setup_recipient(ctx, name=f"Person {n:02d}") for n in range(1, 41)]
    people.append(recipients.setup_recipient(ctx, name="Ann Other"))
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PersonDialog)
        options = app.screen.query_one("#people", OptionList)
        assert options.option_count == PersonDialog.SHOWN
        more = str(app.screen.query_one("#people-more", Static).content)
        assert "11 more" in more
        await pilot.press(*"person 1")  # Person 10 to Person 19
        await settle(pilot)
        names = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert names == [f"Person {n}" for n in range(10, 20)]
        assert str(app.screen.query_one("#people-more", Static).content) == ""
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert app.recipient == people[11]  # Person 12


async def test_a_search_that_matches_no_one_says_so(settings: Settings, ctx: Context) -> None:
    """Typing a name nobody has leaves the list empty with a plain line; Enter does nothing."""
    for n in range(35):
        recipients.setup_recipient(ctx, name=f"Person {n:02d}")
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*"zebra", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PersonDialog)
        assert app.screen.query_one("#people", OptionList).option_count == 0
        assert str(app.screen.query_one("#people-more", Static).content) == "No one matches"
