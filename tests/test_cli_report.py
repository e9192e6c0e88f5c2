"""`kentcard report monthly`: budget and spending by category, month by month."""

from __future__ import annotations

import json

from tests.test_cli import run, setup_person  # noqa: F401  (the shared runner fixture)


def test_report_monthly_json_and_text(run) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """The JSON has every month asked for, money as two-decimal strings; text is a table."""
    setup_person(run)
    for day, amount in (("2026-10-30", "5.00"), ("2026-11-03", "12.50"), ("2026-11-20", "7.25")):
        args = ("money-out", "add", "--date", day, "--amount", amount, "--payee", "Shop")
        assert run(*args, "--category", "Care").exit_code == 0
    result = run("report", "monthly", "--from", "2026-10", "--to", "2026-11", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["from"], data["to"]) == ("2026-10", "2026-11")
    october, november = data["months"]
    assert october["month"] == "2026-10" and october["spent"] == "5.00"
    assert november["categories"] == [
        {"category": "Care", "budget": "1000.00", "spent": "19.75", "remaining": "980.25"},
        # the contribution is in no budget line: its own line, so the parts add up
        {
            "category": "Not in any budget line",
            "budget": "100.00",
            "spent": "0.00",
            "remaining": "100.00",
        },
    ]
    # The month's budget counts the contribution too (1000 + 100), as `budget` does.
    assert november["budget"] == "1100.00" and november["remaining"] == "1080.25"
    text = run("report", "monthly").output
    assert "2026-11  Care" in text and "£19.75" in text


def test_report_monthly_refuses_a_backwards_range(run) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """--to before --from exits 2 with one line naming the field; nothing is printed to stdout."""
    setup_person(run)
    result = run("report", "monthly", "--from", "2026-11", "--to", "2026-10")
    assert result.exit_code == 2
    assert "to" in result.stderr and result.stdout == ""
