"""Statement files: reading card and bank CSV downloads into plain statement lines.

Pure parsing: nothing here touches the database, the terminal app or the command line.
Matching and saving the lines is `kentcard.services.statement_import`.
"""
