"""Allow `python -m kentcard`."""

from kentcard.cli import main

main()
