"""The purpose poster as a wall poster PDF (A4 or A3 portrait), built by Celery.

Registered with :mod:`lib.documents` in ``GroupsConfig.ready``. The text is
sized from its length so a short poster fills the sheet and a long one still
fits on one page; A3 is the A4 design scaled up.
"""

from __future__ import annotations

import math

from django.utils.text import slugify
from django.utils.translation import gettext_lazy

from lib.documents import BuiltFile, DocumentBuilder, Progress
from lib.models import GeneratedDocument

from .access import access_for, groups_with_access
from .models import PosterVersion
from .services.poster import POSTER_PDF_KIND

A3_SCALE = 1.414  # A3 is A4 with both sides √2 longer


def text_size(total_chars: int, count: int, lead_chars: int = 100) -> float:
    """Point size of the commitments on A4, so the text fills one sheet but no more.

    A character at size s takes about 0.5·s by 1.35·s points; the A4 text block
    under the heading holds about 233,000 such units once line ends, numbers and
    gaps are allowed for. Each commitment costs the space of ~60 characters
    (gap and purpose line), the larger lead sentence a little more. Capped so a
    three-line poster is not shouting; the floor is only reached by the longest
    poster the form allows (ten commitments of 300 characters).
    """
    weighted = max(1, total_chars + 60 * count + int(lead_chars * 1.2))
    return max(7.5, min(26.0, math.sqrt(233_000 / weighted)))


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
    size = text_size(sum(len(c.text) for c in commitments), len(commitments),
                     len(version.lead)) * scale
    pdf = render_pdf(template="groups/pdf/poster.html", language=document.language, context={
        "title": document.title, "page_size": page_size, "group": group, "version": version,
        "commitments": commitments, "published_at": version.first_published_at,
        "size": f"{size:.1f}pt", "lead_size": f"{min(size * 1.1, 28 * scale):.1f}pt",
        "title_size": f"{30 * scale:.1f}pt", "small_size": f"{11 * scale:.1f}pt",
    })
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
