"""The published leader platform as a print-ready PDF (A4 or A3 portrait), built by Celery.

Registered with :mod:`lib.documents` in ``LeaderplatformConfig.ready``. The
platform's texts are printed in the requester's language (bokmål where the
municipality wrote none); A3 is the A4 layout with larger type.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from lib.documents import BuiltFile, DocumentBuilder, Progress, document_request
from lib.models import GeneratedDocument

from .models import PlatformVersion
from .selectors import themes_with_content

PLATFORM_PDF_KIND = "leaderplatform.platform_pdf"
PAGE_SIZES = ("A4", "A3")
A3_SCALE = 1.414


def platform_pdf_request(*, version: PlatformVersion, actor: User,
                         page_size: str) -> GeneratedDocument:
    """Ask Celery for the published platform as a PDF."""
    if page_size not in PAGE_SIZES:
        raise ValidationError(_("Choose A4 or A3."), code="invalid_paper_size")
    if not version.is_published:
        raise ValidationError(_("Only the published platform is printed."),
                              code="not_published")
    return document_request(
        kind=PLATFORM_PDF_KIND, organisation=version.platform.organisation, requested_by=actor,
        title=f"{version.platform.name} ({page_size})",
        params={"version_id": version.pk, "page_size": page_size}, language=actor.language)


def render_platform_pdf(version: PlatformVersion, *, page_size: str, language: str) -> bytes:
    from lib.pdf import render_pdf  # WeasyPrint only in the worker

    scale = A3_SCALE if page_size == "A3" else 1.0
    with translation.override(language):
        themes = themes_with_content(version)
        context = {"title": version.platform.name, "version": version, "themes": themes,
                   "page_size": page_size, "intro": version.intro,
                   "body_size": f"{10.5 * scale:.1f}pt", "h1_size": f"{22 * scale:.1f}pt",
                   "h2_size": f"{15 * scale:.1f}pt", "h3_size": f"{12 * scale:.1f}pt",
                   "footer": version.platform.organisation.name}
    return render_pdf(template="leaderplatform/pdf/platform.html", context=context,
                      language=language)


def build_platform_pdf(document: GeneratedDocument, progress: Progress) -> BuiltFile:
    version = PlatformVersion.objects.select_related("platform__organisation").get(
        pk=document.params["version_id"])
    page_size = document.params.get("page_size", "A4")
    progress(30)
    pdf = render_platform_pdf(version, page_size=page_size, language=document.language)
    progress(90)
    return BuiltFile(content=pdf, filename=f"{slugify(version.platform.name_nb)[:60]}-"
                                           f"v{version.number}-{page_size.lower()}.pdf")


def may_view_platform_pdf(user: User, document: GeneratedDocument) -> bool:
    # lib.documents.may_view has checked the municipality; the printed version is public to it.
    return PlatformVersion.objects.filter(pk=document.params.get("version_id"),
                                          published_at__isnull=False).exists()


def register() -> None:
    from lib.documents import register_builder

    register_builder(DocumentBuilder(kind=PLATFORM_PDF_KIND, build=build_platform_pdf,
                                     may_view=may_view_platform_pdf,
                                     label=gettext_lazy("Leader platform (PDF)")))
