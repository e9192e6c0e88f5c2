#!/usr/bin/env bash
# A whole month logged in the real app in tmux, keys only, as a carer new to it would:
# first-run set-up with three budget lines, the missed payments fixed from Home (a date typed
# the UK way), a provider, an invoice, the invoice paid with `p`, then a new plan from
# 1 December. Checks the figures on Home and in `kentcard budget --json`. Runs in a fresh
# temporary folder with today fixed at 25 November 2026. Exit 0 = every figure as expected.
# SIZE=120x40 (default 80x24) tries the larger window.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
kentcard=${KENTCARD:-$here/.venv/bin/kentcard}
python=${PYTHON:-$here/.venv/bin/python}
size=${SIZE:-80x24}
work=$(mktemp -d)
session="kentcard-month-$$"
trap 'tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"
export KENTCARD_TODAY=2026-11-25 KENTCARD_DB="$work/k.sqlite3"

screen() { tmux capture-pane -p -t "$session"; }
wait_for() {
    for _ in $(seq 1 150); do
        if screen | grep -q -- "$1"; then return 0; fi
        sleep 0.2
    done
    echo "tmux_month: did not see '$1' on the screen:" >&2
    screen >&2
    exit 1
}
keys() { for key in "$@"; do tmux send-keys -t "$session" "$key"; sleep 0.4; done; }
type_text() { tmux send-keys -t "$session" -l "$1"; sleep 0.2; }
clear_box() { keys C-a; keys C-k; }

tmux new-session -d -s "$session" -x "${size%x*}" -y "${size#*x}" -c "$work" \
    "KENTCARD_TODAY=$KENTCARD_TODAY KENTCARD_DB='$KENTCARD_DB' '$kentcard'; sleep 30"
# First run: the person, the plan and its lines.
wait_for "Welcome to kentcard"
sleep 1  # the form takes the first key once its name box has focus
type_text "Mary Jones"; keys Tab
type_text "DP765432"; keys Tab
type_text "4321"; keys Tab Tab Tab          # the plan starts on the 1st; every four weeks
type_text "1000"; keys Tab
type_text "84"; keys Tab
type_text "Home care"; keys Enter; type_text "950"; keys Enter
type_text "Equipment"; keys Enter; type_text "50"; keys Enter
type_text "Activities"; keys Enter; type_text "84"
wait_for "Lines add up to the payment"
keys C-s
wait_for "Needs attention: 2 things"
# Home's first item is the contribution due on 1 Nov: Enter opens it filled in.
keys Enter
wait_for "Add money in"
clear_box; type_text "3/11/2026"; keys C-s
wait_for "Needs attention: 1 thing"
keys Enter
wait_for "Add money in"
keys C-s
wait_for "Nothing needs attention"
# A provider, its invoice, and the invoice paid from the Invoices section.
keys 5; keys n
wait_for "Add a provider"
type_text "Bright Homecare Ltd"; keys Tab Tab
type_text "28"; keys Tab
type_text "Home care"; keys C-s
wait_for "Bright Homecare Ltd"
keys 4; keys n
wait_for "Add an invoice"
keys Enter; keys Down; keys Enter; keys Tab
type_text "BH-1"; keys Tab Tab
type_text "8.75"; keys Tab
type_text "28"; keys C-s
wait_for "unpaid"
keys p
wait_for "Pay invoice BH-1"
wait_for "☑ BH-1"
keys C-s
wait_for "paid    BH-1"
# A new plan from 1 December: KCC pays £1,100 every four weeks.
keys 0
wait_for "Plan and person"
keys n
wait_for "New plan from a date"
clear_box; type_text "1/12/2026"; keys Tab Tab Tab
clear_box; type_text "1100"; keys C-s
wait_for "2026-12-01"
keys 1
wait_for "Spent                  £245.00"
screen | grep -q "Budget               £1,174.33" || { echo "tmux_month: Home's budget" >&2; screen >&2; exit 1; }
screen | grep -q "Card balance 25 Nov     £839.00" || { echo "tmux_month: Home's balance" >&2; screen >&2; exit 1; }
keys q
sleep 1

"$kentcard" budget --month 2026-11 --json > november.json
"$kentcard" budget --month 2026-12 --json > december.json
"$kentcard" list invoices --json > invoices.json
"$python" - <<'PY'
import json
november = json.load(open("november.json"))
assert (november["budget"], november["spent"], november["balance"]) == ("1174.33", "245.00", "839.00"), november
assert november["received"]["kcc"] == "1000.00" and november["received"]["contribution"] == "84.00", november
december = json.load(open("december.json"))
assert december["budget"] == "1282.67", december  # (1,100 + 84) x 13 / 12
assert sum(float(c["budget"]) * 100 for c in december["categories"]) == 128267, december
(invoice,) = json.load(open("invoices.json"))
assert invoice["number"] == "BH-1" and invoice["status"] == "paid", invoice
print("tmux_month: a month logged with keys only; Home and kentcard budget agree")
PY
