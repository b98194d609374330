"""For tests: what a PDF prints, read with poppler's ``pdftotext`` (clipped to the page).

pypdf reads every string in a content stream, also those WeasyPrint laid out
beyond the page's right edge — a table cut after its fourth column still
"contains" its fifth header. ``pdftotext`` keeps only what lies on the page,
and ``-bbox`` tells where each word sits, so a test can ask both "is every
column header there?" and "does any word run off the page?".
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from html import unescape
from pathlib import Path

_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                   r'yMax="([\d.]+)">(.*?)</word>')


@dataclass(frozen=True)
class PrintedPdf:
    text: str  # every kind of space made one plain space
    pages: int
    off_page: list[str]  # words that run over a page's edge

    def has(self, phrase: str) -> bool:
        return " ".join(phrase.replace("\u202f", " ").replace("\u00a0", " ").split()) \
            in self.text


def available() -> bool:
    return shutil.which("pdftotext") is not None


def _pdftotext(*args: str) -> str:
    binary = shutil.which("pdftotext")
    if binary is None:
        raise RuntimeError("pdftotext (poppler-utils) is not installed")
    # Our own fixed arguments and a temporary file we wrote: no untrusted input.
    return subprocess.run([binary, "-enc", "UTF-8", *args, "-"],  # noqa: S603
                          capture_output=True, check=True, text=True).stdout


def printed(data: bytes) -> PrintedPdf:
    """Run ``pdftotext`` on ``data``: the printed text, page count and words off the page.

    With ``PDF_TEST_DUMP=<folder>`` the PDF is also saved there, to look at.
    """
    if dump := os.environ.get("PDF_TEST_DUMP"):
        Path(dump).mkdir(parents=True, exist_ok=True)
        (Path(dump) / f"{len(list(Path(dump).glob('*.pdf'))):02d}.pdf").write_bytes(data)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "file.pdf"
        path.write_bytes(data)
        text = _pdftotext(str(path))
        boxes = _pdftotext("-bbox", str(path))
    off_page: list[str] = []
    pages = 0
    for chunk in boxes.split("<page ")[1:]:
        pages += 1
        page = _PAGE.match("<page " + chunk)
        if page is None:
            raise ValueError("pdftotext -bbox wrote a page without its size")
        width, height = (float(v) for v in page.groups())
        for x0, y0, x1, y1, word in _WORD.findall(chunk):
            if float(x0) < 0 or float(y0) < 0 or float(x1) > width or float(y1) > height:
                off_page.append(unescape(word))
    flat = " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())
    return PrintedPdf(text=flat, pages=pages, off_page=off_page)
