"""The wall poster PDF: built by Celery through lib.documents, read back with pypdf."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from django.urls import reverse
from pypdf import PdfReader

from groups import services
from groups.documents import fit_size
from groups.models import PosterVersion, Purpose
from lib.models import DocumentStatus, GeneratedDocument

from .conftest import save_version

pytestmark = pytest.mark.django_db

COMMITMENTS = ["Sette en tydelig retning for tjenestene våre og forklare hvorfor",
               "Gi hverandre ærlige tilbakemeldinger og støtte når det stormer",
               "Følge opp det vi har bestemt, til det er gjennomført"]


@pytest.fixture
def published(world):
    services.poster_version_save(
        group=world.group, author=world.member, base_number=None,
        lead="Vår ledergruppe skal skape MERVERDI for organisasjonen og det enkelte medlem av "
             "gruppen ved å:",
        commitments=[services.CommitmentInput(COMMITMENTS[0], Purpose.DIRECTION),
                     *[services.CommitmentInput(t) for t in COMMITMENTS[1:]]])
    services.poster_publish(version=PosterVersion.objects.get(number=1), actor=world.head)
    return world


def _request_pdf(client, user, world, size, capture):
    client.force_login(user)
    with capture(execute=True):
        response = client.post(reverse("groups:poster_pdf", args=[world.group.public_id]),
                               {"page_size": size})
    assert response.status_code == 302
    document = GeneratedDocument.objects.filter(kind="groups.poster_pdf").latest("created_at")
    assert response.url == reverse("lib:document_detail", args=[document.pk])
    return document


def _text(document) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(document.file.read()))
    return "\n".join(page.extract_text() for page in reader.pages), reader


def test_a4_poster_has_group_unit_date_and_every_commitment(client, published,
                                                             django_capture_on_commit_callbacks):
    document = _request_pdf(client, published.outsider_leader, published, "A4",
                            django_capture_on_commit_callbacks)
    document.refresh_from_db()
    assert document.status == DocumentStatus.DONE and document.progress == 100
    text, reader = _text(document)
    assert len(reader.pages) == 1
    flat = " ".join(text.split())
    for expected in ("Ledergruppen i Helse og velferd", "Helse og velferd", "MERVERDI",
                     "Formålsplakat", "Publisert", "Formål: sette retning", *COMMITMENTS):
        assert expected in flat, expected
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert round(width / 72 * 25.4) == 210 and round(height / 72 * 25.4) == 297  # A4 portrait


def test_a3_and_nynorsk_render_right(client, published, django_capture_on_commit_callbacks):
    user = published.outsider_leader
    user.language = "nn"
    user.save()
    document = _request_pdf(client, user, published, "A3", django_capture_on_commit_callbacks)
    document.refresh_from_db()
    text, reader = _text(document)
    flat = " ".join(text.split())
    assert "Formål: setje retning" in flat  # nynorsk label from the catalogue
    assert "ærlige tilbakemeldinger og støtte" in flat  # æ ø å survive
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert round(width / 72 * 25.4) == 297 and round(height / 72 * 25.4) == 420  # A3 portrait
    # The document page offers the file to its requester.
    client.force_login(user)
    page = client.get(reverse("lib:document_detail", args=[document.pk])).content.decode()
    assert reverse("lib:document_download", args=[document.pk]) in page


def test_another_municipality_cannot_fetch_the_file(client, personas, published,
                                                    django_capture_on_commit_callbacks):
    document = _request_pdf(client, published.member, published, "A4",
                            django_capture_on_commit_callbacks)
    client.force_login(personas.charlie)
    assert client.get(reverse("lib:document_download", args=[document.pk])).status_code == 404


def test_unknown_paper_size_is_refused_with_a_message(client, published):
    client.force_login(published.member)
    response = client.post(reverse("groups:poster_pdf", args=[published.group.public_id]),
                           {"page_size": "A5"}, follow=True)
    assert "Velg A4 eller A3." in response.content.decode()
    assert not GeneratedDocument.objects.exists()


def test_unpublished_poster_gives_a_message_not_a_pdf(client, world):
    save_version(world, world.member, ["Et utkast"])
    client.force_login(world.member)
    response = client.post(reverse("groups:poster_pdf", args=[world.group.public_id]),
                           {"page_size": "A4"}, follow=True)
    assert "Plakaten er ikke publisert ennå." in response.content.decode()
    assert not GeneratedDocument.objects.exists()


def test_fit_size_finds_the_largest_size_that_fits():
    assert fit_size(lambda size: size <= 21.3) == pytest.approx(21.3, abs=0.1)
    assert fit_size(lambda size: True) == 44.0  # a very short poster: the largest size
    assert fit_size(lambda size: False) == 7.5  # nothing fits: the floor, spread over pages


def _lowest_ink(pdf: bytes, tmp_path) -> tuple[float, float]:
    """Render page 1 with pdftoppm; the lowest and highest non-white rows as parts of the
    height (0 = top, 1 = bottom)."""
    import shutil
    import subprocess

    from PIL import Image

    (tmp_path / "poster.pdf").write_bytes(pdf)
    # Our own fixed arguments and a file we wrote: no untrusted input.
    subprocess.run([shutil.which("pdftoppm") or "pdftoppm", "-png", "-r", "30",  # noqa: S603
                    "-f", "1", "-l", "1", "-singlefile", str(tmp_path / "poster.pdf"),
                    str(tmp_path / "poster")], check=True)
    image = Image.open(tmp_path / "poster.png").convert("L")
    width, height = image.size
    pixels = image.load()
    inked = [y for y in range(height) if any(pixels[x, y] < 200 for x in range(width))]
    return inked[0] / height, inked[-1] / height


@pytest.mark.parametrize("size", ["A3", "A4"])
def test_a_short_poster_fills_the_sheet(client, published, size, tmp_path,
                                        django_capture_on_commit_callbacks):
    """Issue 21 item 10: the A3 poster left its lower third empty; the type now fills it."""
    document = _request_pdf(client, published.member, published, size,
                            django_capture_on_commit_callbacks)
    document.refresh_from_db()
    data = document.file.read()
    top, bottom = _lowest_ink(data, tmp_path)
    assert top < 0.1
    print(f"{size}: ink from {top:.1%} to {bottom:.1%} of the page height")
    assert bottom > 0.85, f"the lowest printed row is at {bottom:.0%} of the page"
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    flat = " ".join(reader.pages[0].extract_text().split())
    assert all(c in flat for c in COMMITMENTS)
    if folder := os.environ.get("POSTER_PNG_DIR"):  # to look at it
        (Path(folder) / f"poster-{size}.pdf").write_bytes(data)


@pytest.mark.parametrize("size", ["A4", "A3"])
def test_the_longest_allowed_poster_still_fits_one_page(client, world, size,
                                                       django_capture_on_commit_callbacks):
    words = "Ærlig åpenhet gir økt tillit og bedre beslutninger for innbyggerne våre "
    longest = [(words * 5)[:300].strip() for _ in range(10)]
    services.poster_version_save(
        group=world.group, author=world.member, base_number=None, lead=(words * 6)[:400],
        commitments=[services.CommitmentInput(t, Purpose.LEADERS) for t in longest])
    services.poster_publish(version=PosterVersion.objects.get(number=1), actor=world.head)
    document = _request_pdf(client, world.member, world, size,
                            django_capture_on_commit_callbacks)
    document.refresh_from_db()
    _text_content, reader = _text(document)
    assert len(reader.pages) == 1


def test_a_long_unbroken_word_wraps_inside_the_pdf_page(client, world,
                                                       django_capture_on_commit_callbacks):
    # Issue 21, item 7: a 300-character word ran off the page and was clipped.
    word = "Tillit" + "ogåpenhet" * 32 + "Slutt"
    assert len(word) <= 300
    services.poster_version_save(
        group=world.group, author=world.member, base_number=None, lead="Vi skal:",
        commitments=[services.CommitmentInput(word)])
    services.poster_publish(version=PosterVersion.objects.get(number=1), actor=world.head)
    document = _request_pdf(client, world.member, world, "A4",
                            django_capture_on_commit_callbacks)
    document.refresh_from_db()
    text, reader = _text(document)
    assert len(reader.pages) == 1
    assert word in "".join(text.split())  # every character is printed…
    assert not any(word in line for line in text.splitlines())  # …over several lines


def test_the_poster_page_offers_both_paper_sizes_with_a3_chosen(client, published):
    """The paper size's radios (``{% inline_choices %}``): both sizes side by side, each
    label tied to its radio, A3 chosen as the form's initial value says."""
    client.force_login(published.outsider_leader)
    text = client.get(reverse("groups:poster", args=[published.group.public_id])).content.decode()
    assert ('<input type="radio" name="page_size" value="A4" class="form-check-input" '
            'id="id_page_size_0">') in text
    assert ('<input type="radio" name="page_size" value="A3" class="form-check-input" '
            'id="id_page_size_1" checked>') in text
    assert '<label class="form-check-label" for="id_page_size_0">A4 stående</label>' in text
    assert text.count('class="form-check form-check-inline"') == 2
