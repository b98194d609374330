"""For tests: what a PDF prints, read with poppler's ``pdftotext`` (clipped to the page).

pypdf reads every string in a content stream, also those WeasyPrint laid out
beyond the page's right edge — a table cut after its fourth column still
"contains" its fifth header. ``pdftotext`` keeps only what lies on the page,
and ``-bbox`` tells where each word sits, so a test can ask both "is every
column header there?" and "does any word run off the page?".

:func:`structure` reads what assistive technology reads instead: the tag tree
(headings, tables and their header cells, figures and their alternative text),
the language and the title (docs/ACCESSIBILITY-PDF.md).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Any

_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                   r'yMax="([\d.]+)">(.*?)</word>')
_AFTER_DASH = re.compile(r"([-\u2013\u2014]) ")  # hyphen, en and em dash: lines break after


@dataclass(frozen=True)
class PrintedPdf:
    text: str  # every kind of space made one plain space
    pages: int
    off_page: list[str]  # words that run over a page's edge

    def has(self, phrase: str) -> bool:
        """Whether ``phrase`` is printed, wherever its lines wrap. ``pdftotext`` joins
        lines with a space, also where a line broke after a dash ("2026–⏎2027" reads
        "2026– 2027"), so a space after a dash counts for nothing on either side."""
        wanted = " ".join(phrase.replace("\u202f", " ").replace("\u00a0", " ").split())
        return _AFTER_DASH.sub(r"\1", wanted) in _AFTER_DASH.sub(r"\1", self.text)


def available() -> bool:
    return shutil.which("pdftotext") is not None


def _pdftotext(*args: str) -> str:
    binary = shutil.which("pdftotext")
    if binary is None:
        raise RuntimeError("pdftotext (poppler-utils) is not installed")
    # Our own fixed arguments and a temporary file we wrote: no untrusted input.
    return subprocess.run([binary, "-enc", "UTF-8", *args, "-"],  # noqa: S603
                          capture_output=True, check=True, text=True).stdout


def _dump(data: bytes) -> None:
    if dump := os.environ.get("PDF_TEST_DUMP"):
        Path(dump).mkdir(parents=True, exist_ok=True)
        (Path(dump) / f"{len(list(Path(dump).glob('*.pdf'))):02d}.pdf").write_bytes(data)


def printed(data: bytes) -> PrintedPdf:
    """Run ``pdftotext`` on ``data``: the printed text, page count and words off the page.

    With ``PDF_TEST_DUMP=<folder>`` the PDF is also saved there, to look at.
    """
    _dump(data)
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


@dataclass(frozen=True)
class PdfStructure:
    """What a screen reader gets from a PDF: its tags, language, title and alt texts."""

    struct_tree: bool  # /StructTreeRoot in the catalogue
    marked: bool  # /MarkInfo /Marked true
    lang: str
    title: str  # /Title of the document information
    display_doc_title: bool  # the viewer shows the title, not the file name
    tags: Counter[str]  # structure element types: "H1", "Table", "TH", "TD", "Figure", …
    figure_alts: list[str | None]  # each Figure's /Alt (None when missing)
    header_cells: list[str]  # the text under each TH, in reading order
    header_scopes: list[str]  # each TH's /Scope ("Column", "Row"; "" when missing)
    cells_with_headers: int  # TD elements that point at their TH through /Headers
    reading_order: list[str]  # headings' text in the order of the structure tree
    heading_levels: list[str] = field(default_factory=list)  # "H1", "H2", … in that order

    def has_tag(self, name: str) -> bool:
        return self.tags[name] > 0


def structure(data: bytes) -> PdfStructure:
    """Read the structure tree of a tagged PDF with pypdf.

    With ``PDF_TEST_DUMP=<folder>`` the PDF is also saved there, e.g. for a PDF/UA checker.
    """
    _dump(data)
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject

    reader = PdfReader(io.BytesIO(data))
    root: Any = reader.trailer["/Root"].get_object()
    page_texts = _marked_texts(reader)
    tags: Counter[str] = Counter()
    alts: list[str | None] = []
    headers: list[str] = []
    scopes: list[str] = []
    headings: list[str] = []
    levels: list[str] = []
    linked = 0

    def text_of(element: DictionaryObject, page: int | None) -> str:
        parts: list[str] = []
        page_ref = element.get("/Pg")
        if page_ref is not None:
            page = _page_index(reader, page_ref)
        kids = element.get("/K")
        kids = kids if isinstance(kids, ArrayObject) else [kids] if kids is not None else []
        for kid in kids:
            kid = kid.get_object()
            if isinstance(kid, int) and page is not None:
                parts.append(page_texts.get((page, int(kid)), ""))
            elif isinstance(kid, DictionaryObject) and kid.get("/Type") != "/OBJR":
                parts.append(text_of(kid, page))
        return " ".join(p for p in parts if p).strip()

    def walk(node: DictionaryObject) -> None:
        nonlocal linked
        kind = str(node.get("/S", "")).lstrip("/")
        if kind:
            tags[kind] += 1
        if kind == "Figure":
            alt = node.get("/Alt")
            alts.append(str(alt) if alt is not None else None)
        elif kind == "TH":
            headers.append(text_of(node, None))
            attributes = node.get("/A")
            scope = attributes.get_object().get("/Scope") if attributes is not None else None
            scopes.append(str(scope).lstrip("/") if scope is not None else "")
        elif kind == "TD":
            attributes = node.get("/A")
            if attributes is not None and attributes.get_object().get("/Headers"):
                linked += 1
        elif re.fullmatch(r"H[1-6]", kind):
            headings.append(text_of(node, None))
            levels.append(kind)
        kids = node.get("/K")
        kids = kids if isinstance(kids, ArrayObject) else [kids] if kids is not None else []
        for kid in kids:
            kid = kid.get_object()
            if isinstance(kid, DictionaryObject) and kid.get("/Type") != "/OBJR":
                walk(kid)

    tree = root.get("/StructTreeRoot")
    if tree is not None:
        walk(tree.get_object())
    mark_info = root.get("/MarkInfo")
    marked = bool(mark_info is not None and mark_info.get_object().get("/Marked"))
    preferences = root.get("/ViewerPreferences")
    display = bool(preferences is not None
                   and preferences.get_object().get("/DisplayDocTitle"))
    info = reader.metadata
    return PdfStructure(
        struct_tree=tree is not None, marked=marked, lang=str(root.get("/Lang", "")),
        title=str(info.title or "") if info else "", display_doc_title=display, tags=tags,
        figure_alts=alts, header_cells=headers, header_scopes=scopes, cells_with_headers=linked,
        reading_order=headings, heading_levels=levels)


def assert_tagged(data: bytes, *, title: str, lang: str = "nb", tables: bool = True,
                  h1: int = 1) -> PdfStructure:
    """Assert what every PDF the portal makes carries for assistive technology (PDF/UA-1):
    the tag tree, language, title, ``h1`` H1s, headings that are not empty and skip no
    level, alternative text on every figure, and with ``tables`` header cells that are
    non-empty, scoped and referenced by the data cells. Returns the structure."""
    pdf = structure(data)
    assert pdf.struct_tree, "no structure tree"
    assert pdf.marked, "/MarkInfo is not marked"
    assert pdf.lang == lang
    assert pdf.title == title and pdf.display_doc_title
    assert pdf.tags["H1"] == h1 and pdf.reading_order, pdf.tags
    assert all(pdf.reading_order), pdf.reading_order  # no empty heading
    # Heading levels go down one at a time (Matterhorn 14-003): no H3 straight after H1.
    levels = [int(tag[1]) for tag in pdf.heading_levels]
    assert levels[0] == 1 and all(
        b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels
    assert all(pdf.figure_alts), pdf.figure_alts  # every figure has alternative text
    if tables:
        assert pdf.has_tag("Table") and pdf.has_tag("TH") and pdf.has_tag("TD")
        assert all(pdf.header_cells), pdf.header_cells  # no empty header cell
        # Every header says what it heads (Matterhorn 15-003), columns first.
        assert set(pdf.header_scopes) <= {"Column", "Row"} and "Column" in pdf.header_scopes
        assert pdf.cells_with_headers > 0
    return pdf


def _page_index(reader: Any, reference: Any) -> int:
    target = reference.get_object()
    for index, page in enumerate(reader.pages):
        if page.get_object() is target or page.indirect_reference == reference:
            return index
    return -1


def _marked_texts(reader: Any) -> dict[tuple[int, int], str]:
    """(page, MCID) → the text of that marked-content run, decoded through the page's fonts.

    pypdf's text extractor is run with a visitor that knows which MCID is open.
    """
    texts: dict[tuple[int, int], str] = {}
    for index, page in enumerate(reader.pages):
        current: list[int | None] = [None]

        def before(operator: bytes, operands: list, cm: Any, tm: Any,
                   current: list[int | None] = current) -> None:
            if operator == b"BDC" and len(operands) > 1:
                properties = operands[1]
                mcid = properties.get("/MCID") if hasattr(properties, "get") else None
                current[0] = int(mcid) if mcid is not None else current[0]
            elif operator == b"EMC":
                current[0] = None

        def text(value: str, cm: Any, tm: Any, font: Any, size: Any,
                 current: list[int | None] = current, index: int = index) -> None:
            if current[0] is not None and value:
                key = (index, current[0])
                texts[key] = (texts.get(key, "") + value)

        page.extract_text(visitor_operand_before=before, visitor_text=text)
    return {key: " ".join(value.split()) for key, value in texts.items()}
