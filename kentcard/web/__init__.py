"""The app in a web browser: `kentcard serve` (see `kentcard.web.server`)."""
