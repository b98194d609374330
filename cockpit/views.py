from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from lib.http import error_text

from .access import get_enrollment_for_certificate
from .services.certificates import certificates_pdf, completed_for_certificates


@require_GET
def certificate(request: HttpRequest, enrollment_uuid: str) -> HttpResponse:
    """The course certificate of one completed module, as a PDF (made on the spot: one page)."""
    enrollment = get_enrollment_for_certificate(request.user, enrollment_uuid)
    rows = completed_for_certificates([enrollment.pk])
    try:
        pdf = certificates_pdf(enrollments=rows,
                               organisation_id=enrollment.module.programme.organisation_id,
                               language=request.LANGUAGE_CODE)
    except ValidationError as exc:
        raise PermissionDenied(error_text(exc)) from exc
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"kursbevis-{slugify(enrollment.module.topic)}.pdf")
    return response
