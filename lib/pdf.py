"""HTML → PDF with WeasyPrint. Network access is off: a PDF only uses what we ship.

Every PDF is tagged as PDF/UA-1 (ISO 14289-1): a structure tree built from the
HTML (headings, lists, tables with ``<th>`` as TH and header references on each
cell, figures with their alternative text), ``/MarkInfo`` marked, the document
language from ``<html lang>`` and the title from ``<title>``, shown as the
window title. The universal-design regulation asks this of documents a
municipality publishes; docs/ACCESSIBILITY-PDF.md says how it is checked.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML
from weasyprint.urls import URLFetcher

# PDF/UA-1 turns on WeasyPrint's tagging (``pdf_tags``), PDF 1.7 and the XMP
# metadata that names the document's title and conformance.
PDF_VARIANT = "pdf/ua-1"


def render_pdf(*, template: str, context: dict[str, Any], language: str = "nb") -> bytes:
    """Render ``template`` in ``language`` and return the PDF's bytes."""
    with translation.override(language):
        html = render_to_string(template, {**context, "LANGUAGE_CODE": language})
    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=html, url_fetcher=fetcher).write_pdf(
        pdf_variant=PDF_VARIANT, finisher=_table_header_scope)


def _table_header_scope(document: Any, pdf: Any) -> None:
    """Give every table header cell (TH) a ``/Scope``: ``/Column`` in a row of headers only,
    else ``/Row``.

    WeasyPrint links data cells to their headers with ``/Headers`` and IDs; PDF/UA
    checkers (Matterhorn 15-003) and some screen readers look for ``/Scope`` on the
    header itself, which WeasyPrint does not write. Runs on the finished object
    tree, before the file is written.
    """
    import pydyf  # type: ignore[import-untyped]

    def resolve(reference: Any) -> Any:
        if isinstance(reference, bytes | str):
            number = int(reference.split()[0])
            return pdf.objects[number] if 0 <= number < len(pdf.objects) else None
        return reference

    for element in list(pdf.objects):
        if not isinstance(element, pydyf.Dictionary) or element.get("S") != "/TH":
            continue
        row = resolve(element.get("P"))
        kinds = {getattr(resolve(kid), "get", lambda _key: None)("S")
                 for kid in (row.get("K", []) if isinstance(row, dict) else [])}
        attributes = element.get("A")
        if not isinstance(attributes, pydyf.Dictionary):
            attributes = element["A"] = pydyf.Dictionary({"O": "/Table"})
        attributes["Scope"] = "/Column" if kinds <= {"/TH"} else "/Row"
