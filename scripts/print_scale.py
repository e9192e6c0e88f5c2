"""How big the text of each printed page is, against 11-point text printed at 100 %.

    soffice --headless --convert-to pdf review.xlsx
    python scripts/print_scale.py review.pdf

For each page of a PDF that LibreOffice printed from a workbook, the median height of the
words in the page body (the header and footer left out), and that height as a share of
11-point Calibri (LibreOffice's Carlito) printed at full size, whose words measure 12.47
points high. The review workbook's sheets should all print at 85 % or more.
"""

from __future__ import annotations

import re
import subprocess
import sys

FULL_SIZE = 12.47  # points: a word of 11-point Carlito, as pdftotext -bbox measures it
BODY = (
    70.0,
    530.0,
)  # points from the top of an A4 landscape page: below the header, above the footer


def main(path: str) -> None:
    html = subprocess.run(
        ["pdftotext", "-bbox", path, "-"], capture_output=True, text=True, check=True
    ).stdout
    for number, page in enumerate(html.split("<page ")[1:], 1):
        heights = sorted(
            float(bottom) - float(top)
            for top, bottom in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', page)
            if BODY[0] < float(top) < BODY[1]
        )
        middle = heights[len(heights) // 2] if heights else 0.0
        print(f"page {number}: {middle:.2f} pt = {middle / FULL_SIZE:.0%} of full size")


if __name__ == "__main__":
    main(sys.argv[1])
