"""The purpose poster as a wall poster PDF (A4 or A3 portrait), built by Celery.

Registered with :mod:`lib.documents` in ``GroupsConfig.ready``. The text is
sized to fill the sheet: WeasyPrint lays the poster out at a few sizes (a
binary search on the point size) and the largest that still fits one page is
printed, so a short poster is not a block of text with the lower third empty
and a long one still fits. A3 is the A4 design scaled up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy

from lib.documents import BuiltFile, DocumentBuilder, Progress
from lib.models import GeneratedDocument

from .access import access_for, groups_with_access
from .models import PosterVersion
from .services.poster import POSTER_PDF_KIND

A3_SCALE = 1.414  # A3 is A4 with both sides √2 longer
SMALLEST_SIZE = 7.5  # A4 points: the longest poster the form allows
LARGEST_SIZE = 44.0  # A4 points: a three-line poster, read from across the room
FIT_STEPS = 9  # (44 − 7.5) / 2⁹ ≈ 0.07 pt; about 0.1 s a layout


def sizes(size: float, scale: float) -> dict[str, str]:
    """The poster's type sizes for commitments of ``size`` A4 points, on a sheet ``scale``
    times A4: the lead a little larger, the group's name never smaller than 30 pt."""
    return {"size": f"{size * scale:.1f}pt", "lead_size": f"{size * 1.1 * scale:.1f}pt",
            "title_size": f"{max(30.0, size * 1.2) * scale:.1f}pt",
            "small_size": f"{11 * scale:.1f}pt"}


def fit_size(fits: Callable[[float], bool], low: float = SMALLEST_SIZE,
             high: float = LARGEST_SIZE, steps: int = FIT_STEPS) -> float:
    """The largest size in [low, high] for which ``fits`` holds (``low`` if none does).

    ``fits`` is monotone: a larger type never takes less room.
    """
    if fits(high):
        return high
    for _step in range(steps):
        middle = (low + high) / 2
        low, high = (middle, high) if fits(middle) else (low, middle)
    return low


def _fits_one_page(html_for: Callable[[float], str]) -> Callable[[float], bool]:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"})

    def fits(size: float) -> bool:
        layout = HTML(string=html_for(size), url_fetcher=fetcher).render()
        if len(layout.pages) != 1:
            return False
        page = layout.pages[0]._page_box
        root = page.children[0]
        return root.position_y + root.margin_height() <= page.content_box_y() + page.height
    return fits


def build_poster_pdf(document: GeneratedDocument, progress: Progress) -> BuiltFile:
    # WeasyPrint is imported here, in the worker, not at start-up of every web process.
    from lib.pdf import render_pdf

    version = PosterVersion.objects.select_related(
        "poster__group__unit", "poster__group__organisation").get(pk=document.params["version_id"])
    group = version.poster.group
    commitments = list(version.commitments.order_by("position"))
    progress(30)
    page_size = document.params.get("page_size", "A4")
    scale = A3_SCALE if page_size == "A3" else 1.0
    context: dict[str, Any] = {
        "title": document.title, "page_size": page_size, "group": group, "version": version,
        "commitments": commitments, "published_at": version.first_published_at}

    def html_for(size: float) -> str:
        with translation.override(document.language):
            return render_to_string("groups/pdf/poster.html", {
                **context, **sizes(size, scale), "LANGUAGE_CODE": document.language})

    size = fit_size(_fits_one_page(html_for))
    progress(70)
    pdf = render_pdf(template="groups/pdf/poster.html", language=document.language,
                     context={**context, **sizes(size, scale)})
    progress(90)
    return BuiltFile(content=pdf, filename=f"formalsplakat-{slugify(group.name)[:60]}-"
                                           f"{page_size.lower()}.pdf")


def may_view_poster_pdf(user: object, document: GeneratedDocument) -> bool:
    """A published version is for everyone in the municipality; a draft for the group."""
    version = PosterVersion.objects.filter(pk=document.params.get("version_id")).values(
        "first_published_at", "poster__group_id").first()
    if version is None:
        return False
    if version["first_published_at"] is not None:
        return True  # lib.documents.may_view has already checked the municipality
    group = groups_with_access(user).filter(pk=version["poster__group_id"]).first()
    return group is not None and access_for(user, group).can_follow


def register() -> None:
    from lib.documents import register_builder

    register_builder(DocumentBuilder(kind=POSTER_PDF_KIND, build=build_poster_pdf,
                                     may_view=may_view_poster_pdf,
                                     label=gettext_lazy("Purpose poster (PDF)")))
