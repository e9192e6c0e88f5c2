"""The terminal app: screens call services (in thread workers), never the database."""
