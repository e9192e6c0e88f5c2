"""Persistence: SQLModel tables, engine and sessions, repositories and migrations."""
