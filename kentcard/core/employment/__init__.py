"""Employing a personal assistant (PA) with a direct payment: records, the year's legal
figures, the checks a reviewer would make and an estimate of what a PA costs.

kentcard records and checks what the employer did; it is not payroll software. Money is
whole pence and time is whole minutes throughout.
"""
