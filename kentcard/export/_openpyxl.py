"""openpyxl, loaded without numpy: numpy is a sixth of a one-year export's time.

openpyxl imports numpy, when it is installed, only so that numpy numbers are accepted as
cell values; the writers here never hand it one. So the first import, made from the main
thread (where no other import can be racing it), hides numpy from openpyxl for that
moment only: numpy stays importable by anything else afterwards, and if numpy or openpyxl
is already loaded nothing changes.
"""

from __future__ import annotations

import sys
import threading


def load() -> None:
    if "openpyxl" in sys.modules or "numpy" in sys.modules:
        return
    if threading.current_thread() is not threading.main_thread():
        return
    sys.modules["numpy"] = None  # type: ignore[assignment]  # `import numpy` → ImportError
    try:
        import openpyxl  # noqa: F401
    finally:
        del sys.modules["numpy"]


load()
