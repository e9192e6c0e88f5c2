"""The receipt reader on text: the picking rules and the traps real documents set."""

from __future__ import annotations

import math
from datetime import date

from kentcard.core.money import Money
from kentcard.importers.receipt import Suggestion, TextBox, lines_from_boxes, suggest

PAYEES = ["Bright Homecare", "Kent Respite Care", "Sarah Jones", "Medway Mobility Aids"]


def test_a_till_receipt_gives_its_date_total_and_shop() -> None:
    """The plain case: the dated line, TOTAL (not SUBTOTAL, VAT or the card line) and the
    shop's header line, each with the line it came from."""
    found = suggest(
        [
            "CANTERBURY PHARMACY",
            "12 High Street, Canterbury CT1 2AB",
            "Tel 01227 555 010  VAT No 123 4567 89",
            "Date: 14/07/2025  10:32",
            "Incontinence pads x2   18.40",
            "SUBTOTAL   £24.00",
            "Loyalty discount   -£2.35",
            "TOTAL   £21.65",
            "VAT included   £3.61",
            "CARD CONTACTLESS   £21.65",
        ]
    )
    assert found.date is not None and found.date.value == date(2025, 7, 14)
    assert found.date.line == "Date: 14/07/2025 10:32"
    assert found.amount is not None and found.amount.value == Money(2165)
    assert found.amount.line == "TOTAL £21.65"
    assert found.payee is not None and found.payee.value == "Canterbury Pharmacy"
    assert found.evidence == ["Date: 14/07/2025 10:32", "TOTAL £21.65", "CANTERBURY PHARMACY"]


def test_the_amount_due_wins_over_total_and_subtotal() -> None:
    """`Amount due` / `Balance due` / `Total to pay` / `Grand total` come before TOTAL."""
    for label in ("Amount due", "Balance due", "Total to pay", "GRAND TOTAL", "Total due"):
        found = suggest(["Shop", "Subtotal £90.00", "Total £100.00", f"{label} £80.00"])
        assert found.amount is not None and found.amount.value == Money(8000), label


def test_subtotal_vat_and_hours_lines_are_never_the_total() -> None:
    """Only lines that are the total count; `Total (inc VAT)` is one, `Total VAT` is not."""
    assert suggest(["SUBTOTAL 10.00", "Sub-total 10.00", "Sub total 10.00"]).amount is None
    assert suggest(["Total VAT £2.00", "Total hours 20.00"]).amount is None
    found = suggest(["Total VAT £2.00", "Total inc VAT £12.00"])
    assert found.amount is not None and found.amount.value == Money(1200)


def test_e_or_f_read_for_the_pound_sign_and_a_decimal_comma() -> None:
    """OCR often reads £ as E or f, and a point as a comma; the amount is still right."""
    for line in ("TOTAL E21.65", "TOTAL f21.65", "TOTAL 21,65", "TOTAL £ 21.65"):
        found = suggest([line])
        assert found.amount is not None and found.amount.value == Money(2165), line


def test_thousands_and_the_figure_on_the_next_line() -> None:
    """`£1,245.00` is 124,500 pence, and a label whose figure the text layer put on the
    following line still finds it."""
    found = suggest(["Bright Homecare Ltd", "Amount due", "£1,245.00"])
    assert found.amount is not None and found.amount.value == Money(124500)
    assert found.amount.line == "Amount due £1,245.00"


def test_a_card_payment_is_the_last_resort_and_cash_tendered_is_not() -> None:
    """With no total line, a card payment line gives the amount; cash handed over does not."""
    found = suggest(["Cash £40.00", "Change £2.00", "Paid by card £38.00"])
    assert found.amount is not None and found.amount.value == Money(3800)
    assert suggest(["Cash £40.00", "Change £2.00"]).amount is None


def test_the_invoice_date_not_the_order_due_period_or_week_commencing() -> None:
    """Decoy dates come first on purpose; the line that says date wins."""
    found = suggest(
        [
            "Order date: 02/09/2025",
            "Week commencing (w/c): 06/10/2025",
            "Service period: 6 January 2025 to 2 February 2025",
            "Delivery date: 08/09/2025",
            "Due date: 5 March 2025",
            "Invoice date: 3rd February 2025",
        ]
    )
    assert found.date is not None and found.date.value == date(2025, 2, 3)
    assert found.date.line == "Invoice date: 3rd February 2025"


def test_date_styles_and_a_date_without_its_label() -> None:
    """UK day-first dates, two-digit years, month names, ISO; an unlabelled date is used
    when no line says date."""
    cases = {
        "Date 05/03/25": date(2025, 3, 5),
        "Date:22/04/2025": date(2025, 4, 22),
        "Date: 18 Aug 2025": date(2025, 8, 18),
        "Dated 2025-11-28": date(2025, 11, 28),
        "28 November 2025": date(2025, 11, 28),
        "Tax point 14.10.2025": date(2025, 10, 14),
    }
    for line, expected in cases.items():
        found = suggest(["Shop", line])
        assert found.date is not None and found.date.value == expected, line
    assert suggest(["Date: 31/02/2025", "Due: 01/03/2025"]).date is None  # no such day


def test_a_date_is_not_read_as_an_amount() -> None:
    """`14.07.2025` on a total's line is a date, so the total is the real amount."""
    found = suggest(["TOTAL 14.07.2025 £9.99"])
    assert found.amount is not None and found.amount.value == Money(999)


def test_known_payees_first_even_when_the_bill_to_block_comes_first() -> None:
    """A two-column invoice whose text starts with the person's own address: the known
    payee is found, and its own name (not the line's "Ltd") is given."""
    lines = [
        "Bill to:",
        "Mr J Smith",
        "4 Elm Road",
        "Ashford TN23 1AA",
        "Kent Respite Care Ltd",
        "Invoice No: KRC-7781",
    ]
    found = suggest(lines, PAYEES)
    assert found.payee is not None and found.payee.value == "Kent Respite Care"
    assert found.payee.line == "Kent Respite Care Ltd"
    # without known payees, the header guess still skips the addressee block
    guessed = suggest(lines)
    assert guessed.payee is not None and guessed.payee.value == "Kent Respite Care Ltd"


def test_misread_letters_still_match_a_known_payee_and_strangers_do_not() -> None:
    """OCR slips (`MEDWAY M0BILITY AlDS`, words run together) still match; a line unlike
    every known payee falls back to the header, never to a wrong payee."""
    found = suggest(["MEDWAY M0BILITY AlDS", "TOTAL £5.00"], PAYEES)
    assert found.payee is not None and found.payee.value == "Medway Mobility Aids"
    joined = suggest(["BRIGHTHOMECARE", "TOTAL £5.00"], PAYEES)
    assert joined.payee is not None and joined.payee.value == "Bright Homecare"
    stranger = suggest(["Thanet Link Buses", "TOTAL £5.00"], PAYEES)
    assert stranger.payee is not None and stranger.payee.value == "Thanet Link Buses"


def test_a_town_shared_with_a_known_payee_is_not_that_payee() -> None:
    """ "Whitstable Taxis" is not picked from a PA's Whitstable address: every word of a
    payee's name must be on the line, give or take a misread letter."""
    lines = ["Sarah Jones", "15 Mill Lane, Whitstable CT5 2BB", "Total due £290.00"]
    found = suggest(lines, ["Whitstable Taxis"])
    assert found.payee is not None and found.payee.value == "Sarah Jones"
    assert found.payee.line == "Sarah Jones"  # the header guess, not a known payee


def test_a_self_employed_pa_is_the_payee_not_the_person_invoiced() -> None:
    """A PA's invoice names the PA and the person; the PA is the payee."""
    lines = [
        "Sarah Jones",
        "Self-employed personal assistant",
        "Invoice to: Jo Bloggs",
        "Invoice no: 27",
        "Date: 28 November 2025",
        "Period: 1 November 2025 to 28 November 2025",
        "Personal assistance: 20 hours @ £14.50",
        "£290.00",
        "Total due",
        "£290.00",
    ]
    found = suggest(lines, PAYEES)
    assert found.payee is not None and found.payee.value == "Sarah Jones"
    assert found.date is not None and found.date.value == date(2025, 11, 28)
    assert found.amount is not None and found.amount.value == Money(29000)
    assert found.number is not None and found.number.value == "27"
    assert found.hours_centi is not None and found.hours_centi.value == 2000
    assert found.rate is not None and found.rate.value == Money(1450)
    assert suggest(lines).payee == found.payee  # the header line agrees
    # with the addressee's block first, the header guess passes over it to the PA
    addressed = suggest(["Invoice to: Jo Bloggs", "4 Elm Road", "Ashford", "Sarah Jones"])
    assert addressed.payee is not None and addressed.payee.value == "Sarah Jones"


def test_invoice_numbers_and_hours_times_rate() -> None:
    """`Invoice number:`, `Invoice #`, `Invoice No` and `83 hours x £15.00`."""
    for line, number in (
        ("Invoice number: BH-2025-0142", "BH-2025-0142"),
        ("Invoice #: MMA-20931", "MMA-20931"),
        ("INVOICE NO OT-3391", "OT-3391"),
    ):
        found = suggest([line])
        assert found.number is not None and found.number.value == number, line
    found = suggest(["Home care visits: 83 hours x £15.00 £1,245.00"])
    assert found.hours_centi is not None and found.hours_centi.value == 8300
    assert found.rate is not None and found.rate.value == Money(1500)
    assert suggest(["Invoice to: Jo Bloggs"]).number is None


def test_nothing_readable_is_an_empty_suggestion() -> None:
    """No text, or text with nothing to pick, gives an empty suggestion, not an error."""
    assert suggest([]) == Suggestion()
    assert suggest([]).is_empty and suggest([]).evidence == []
    assert suggest(["12", "--", "1 2 3"]).is_empty


def _turned(text: str, left: float, top: float, width: float, degrees: float) -> TextBox:
    """A box of text at (left, top) on an upright page, as a camera turned by `degrees`
    sees it: every corner turned about the origin."""
    height = 24.0
    corners = [(left, top), (left + width, top), (left + width, top + height), (left, top + height)]
    a = math.radians(degrees)
    turned = tuple(
        (x * math.cos(a) - y * math.sin(a), x * math.sin(a) + y * math.cos(a)) for x, y in corners
    )
    return TextBox(text, turned)


def test_boxes_from_a_turned_photo_keep_prices_on_their_labels() -> None:
    """Turned 8°, a price at the right sits a line higher than its label; un-turning the
    boxes by their median angle keeps each price with its label."""
    page = [
        ("MEDWAY MOBILITY AIDS", 160, 40, 300),
        ("SUBTOTAL", 40, 300, 110),
        ("£30.97", 520, 300, 80),
        ("VAT 0%", 40, 330, 80),
        ("£0.00", 530, 330, 70),
        ("TOTAL", 40, 360, 70),
        ("£30.97", 520, 360, 80),
    ]
    for degrees in (-8, 0, 8):
        boxes = [_turned(text, x, y, w, degrees) for text, x, y, w in page]
        lines = lines_from_boxes(list(reversed(boxes)))
        assert lines == [
            "MEDWAY MOBILITY AIDS",
            "SUBTOTAL £30.97",
            "VAT 0% £0.00",
            "TOTAL £30.97",
        ], degrees
    assert lines_from_boxes([]) == []
