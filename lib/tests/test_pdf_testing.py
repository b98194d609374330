"""The PDF test helper reads a phrase wherever WeasyPrint wrapped its line."""

from __future__ import annotations

from lib.pdf_testing import PrintedPdf


def test_a_phrase_is_found_across_a_line_break_after_a_dash():
    # pdftotext prints "2026–⏎2027" as "2026– 2027" when a title wraps after the dash.
    pdf = PrintedPdf(text="Programoversikt: Fjordviklederen 2026– 2027 "
                          "Periode: 1. januar 2027 – 2. mars 2027 Helse- Bergen",
                     pages=1, off_page=[])
    assert pdf.has("Fjordviklederen 2026–2027")
    assert pdf.has("Fjordviklederen\u00a02026–2027")
    assert pdf.has("Periode: 1. januar 2027 – 2. mars 2027")
    assert pdf.has("Helse-Bergen")
    assert not pdf.has("Fjordviklederen 2026–2028")
    assert not pdf.has("Fjordviklederen2026")
