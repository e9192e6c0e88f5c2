"""Headless writers for the review workbook, CSV files and the evidence pack.

Nothing here opens a database or imports the terminal UI: a service gathers a `ReviewBook`
and these modules turn it into files.
"""
