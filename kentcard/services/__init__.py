"""Use cases shared by the TUI and the command line: one function per user action."""
