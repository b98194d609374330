"""HTML → PDF with WeasyPrint. Network access is off: a PDF only uses what we ship."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML
from weasyprint.urls import URLFetcher


def render_pdf(*, template: str, context: dict[str, Any], language: str = "nb") -> bytes:
    """Render ``template`` in ``language`` and return the PDF's bytes."""
    with translation.override(language):
        html = render_to_string(template, {**context, "LANGUAGE_CODE": language})
    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=html, url_fetcher=fetcher).write_pdf()
