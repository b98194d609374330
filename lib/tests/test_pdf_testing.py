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


def _tagged(body: str) -> bytes:
    from weasyprint import HTML

    from lib.pdf import PDF_VARIANT

    return HTML(string=f"<html lang='nb'><title>T</title><body>{body}</body></html>").write_pdf(
        pdf_variant=PDF_VARIANT)


def test_assert_tagged_passes_a_sound_file_and_fails_each_fault():
    import pytest

    from lib.pdf_testing import assert_tagged

    good = "<h1>T</h1><h2>Del</h2><p>Tekst</p>"
    pdf = assert_tagged(_tagged(good), title="T", tables=False)
    assert pdf.heading_levels == ["H1", "H2"]
    faults = {
        "a skipped level": "<h1>T</h1><h3>Del</h3>",
        "two H1": "<h1>T</h1><h1>U</h1>",
        "a chart without a title": "<h1>T</h1><svg width='10' height='10'>"
                                   "<rect width='10' height='10'/></svg>",
    }
    for fault, body in faults.items():
        with pytest.raises(AssertionError):
            assert_tagged(_tagged(body), title="T", tables=False)
            pytest.fail(f"not caught: {fault}")  # pragma: no cover
    with pytest.raises(AssertionError):  # another title, another language
        assert_tagged(_tagged(good), title="Annen", tables=False)
    with pytest.raises(AssertionError):
        assert_tagged(_tagged(good), title="T", lang="en", tables=False)
