"""Reusable widgets: the section bar, the budget chart, the spending bar, forms and dialogs."""
