"""Pure domain: money, dates, records and the money rules. Imports nothing else of ours."""
