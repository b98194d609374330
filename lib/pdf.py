"""HTML → PDF with WeasyPrint. Network access is off: a PDF only uses what we ship."""

from __future__ import annotations

from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML
from weasyprint.urls import URLFetcher


def static_text(path: str) -> str:
    """The contents of a static file (for CSS inlined into PDF templates)."""
    found = finders.find(path)
    if not found:
        raise FileNotFoundError(path)
    with open(found, encoding="utf-8") as handle:
        return handle.read()


def render_pdf(*, template: str, context: dict[str, Any], language: str = "nb") -> bytes:
    """Render ``template`` in ``language`` and return the PDF's bytes."""
    with translation.override(language):
        html = render_to_string(template, {**context, "LANGUAGE_CODE": language})
    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=html, url_fetcher=fetcher).write_pdf()
