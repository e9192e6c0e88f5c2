"""kentcard: keep a Kent Card direct-payment account and prove every payment to a reviewer."""

__version__ = "0.1.0"
