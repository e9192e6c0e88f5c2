#!/usr/bin/env bash
# Drive the real `kentcard demo` in tmux as a person would: log a payment with a receipt by
# typing keys, then find it on the dashboard (capture-pane) and in `kentcard list money-out --json`.
# Runs in a fresh temporary folder, so no real database is near it. Exit 0 = all found.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
kentcard=${KENTCARD:-$here/.venv/bin/kentcard}
python=${PYTHON:-$here/.venv/bin/python}
work=$(mktemp -d)
session="kentcard-demo-$$"
trap 'tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"
printf 'Riverside Day Centre\nLunch club\nTotal 12.34\nPaid by card\n' > receipt-lunch.txt

screen() { tmux capture-pane -p -t "$session"; }
wait_for() {
    for _ in $(seq 1 150); do
        if screen | grep -q -- "$1"; then return 0; fi
        sleep 0.2
    done
    echo "tmux_demo: did not see '$1' on the screen:" >&2
    screen >&2
    exit 1
}
keys() { tmux send-keys -t "$session" "$@"; sleep 0.1; }
type_text() { tmux send-keys -t "$session" -l "$1"; sleep 0.1; }

tmux new-session -d -s "$session" -x 120 -y 60 -c "$work" "$kentcard demo; sleep 30"
wait_for "Needs attention"
keys 3
wait_for "Showing 1"
keys n
wait_for "Add money out"
# No pause needed: the form is shown only once its date box has focus (holding today's
# date); keys sent straight after `n` wait for it. Tab moves to the next box.
keys Tab
type_text "12.34"
keys Tab
type_text "Riverside Day Centre"
keys Tab
type_text "Activities"
keys Tab
type_text "Lunch club (typed in tmux)"
keys Tab Tab
type_text "$work/receipt-lunch.txt"
keys C-s
wait_for "Saved."
keys 1
wait_for "Latest payments"
wait_for "£12.34"
screen | grep -q "Riverside Day Centre" || { echo "tmux_demo: payee not on dashboard" >&2; exit 1; }
keys q
sleep 1

"$kentcard" --db db/demo.sqlite3 list money-out --json > money-out.json
"$kentcard" --db db/demo.sqlite3 list documents --json > documents.json
"$python" - <<'PY'
import json
payments = [p for p in json.load(open("money-out.json")) if p["amount"] == "12.34"]
assert len(payments) == 1, payments
payment = payments[0]
assert payment["payee"] == "Riverside Day Centre", payment
assert payment["description"] == "Lunch club (typed in tmux)", payment
docs = [d for d in json.load(open("documents.json")) if d["filename"] == "receipt-lunch.txt"]
assert docs and f"money-out:{payment['id']}" in docs[0]["links"], docs
print(f"tmux_demo: found money-out {payment['id']} with its receipt on the dashboard and in the CLI")
PY
