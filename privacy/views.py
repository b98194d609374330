"""The accessibility and privacy statements: the signed-in user's municipality's, or a list.

Both are public (a statement must be reachable without logging in). A signed-in
user gets their own municipality's; an anonymous visitor the list of
municipalities that have published one (each at ``?kommune=<slug>``), and the
portal's own accessibility statement (``privacy.defaults``). The municipality
is a query parameter, not part of the path: one public page each.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Organisation
from lib.multilingual import pick

from .defaults import ACCESSIBILITY_FEEDBACK, ACCESSIBILITY_SCOPE, KNOWN_DEVIATIONS
from .models import (
    AccessibilityStatement,
    Conformance,
    DeviationArea,
    PrivacyStatement,
    RetentionPolicy,
)
from .services import privacy_acknowledge, privacy_pending
from .wcag import WCAG_CRITERIA


@dataclass(frozen=True)
class Deviation:
    criterion: str
    area: str
    description: str


@dataclass(frozen=True)
class AccessibilityPage:
    """One statement as the page shows it, in the reader's language."""

    municipality: str | None
    conformance: str
    scope: str
    deviations: list[Deviation]
    feedback_email: str
    feedback_url: str
    feedback: str
    created_on: Any = None
    reviewed_on: Any = None
    others: list[Organisation] = field(default_factory=list)


def _accessibility_page(statement: AccessibilityStatement) -> AccessibilityPage:
    return AccessibilityPage(
        municipality=statement.organisation.name,
        conformance=statement.get_conformance_display(),
        scope=pick(statement, "scope"),
        deviations=[Deviation(d.get_criterion_display(), d.get_area_display(),
                              pick(d, "description")) for d in statement.deviations.all()],
        feedback_email=statement.feedback_email, feedback_url=statement.feedback_url,
        feedback=pick(statement, "feedback"), created_on=statement.created_on,
        reviewed_on=statement.reviewed_on)


def _portal_default() -> AccessibilityPage:
    """The portal's own statement, for where no municipality's applies."""
    language = (get_language() or "nb")[:2]
    criteria = dict(WCAG_CRITERIA)
    areas = dict(DeviationArea.choices)
    return AccessibilityPage(
        municipality=None, conformance=str(Conformance.PARTIAL.label),
        scope=ACCESSIBILITY_SCOPE.get(language, ACCESSIBILITY_SCOPE["nb"]),
        deviations=[Deviation(str(criteria[row["criterion"]]), str(areas[row["area"]]),
                              row["description"].get(language, row["description"]["nb"]))
                    for row in KNOWN_DEVIATIONS],
        feedback_email="", feedback_url="",
        feedback=ACCESSIBILITY_FEEDBACK.get(language, ACCESSIBILITY_FEEDBACK["nb"]))


def _statements() -> Any:
    return (AccessibilityStatement.objects.select_related("organisation")
            .prefetch_related("deviations"))


@login_not_required
@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    """Own municipality's statement when signed in; otherwise the one asked for by
    ``?kommune=<slug>``, or the list of municipalities and the portal's own."""
    organisation_id = getattr(request.user, "organisation_id", None)
    if organisation_id:
        statement = _statements().filter(organisation_id=organisation_id).first()
        page = _accessibility_page(statement) if statement else _portal_default()
        return render(request, "privacy/accessibility.html", {"page": page})
    if slug := request.GET.get("kommune"):
        statement = _statements().filter(organisation__slug=slug).first()
        if statement is None:
            raise Http404
        return render(request, "privacy/accessibility.html",
                      {"page": _accessibility_page(statement)})
    others = list(Organisation.objects.filter(accessibility_statement__isnull=False)
                  .order_by("name"))
    return render(request, "privacy/accessibility.html",
                  {"page": _portal_default(), "others": others})


def _privacy_context(statement: PrivacyStatement) -> dict[str, Any]:
    from .services.retention import RETENTION_KINDS

    policy = (RetentionPolicy.objects.filter(organisation_id=statement.organisation_id).first()
              or RetentionPolicy(organisation_id=statement.organisation_id))
    return {
        "statement": statement,
        "texts": {name: pick(statement, name) for name in
                  ("purposes", "legal_basis", "categories", "recipients", "rights")},
        "retention": [(kind.label, kind.what, kind.period(policy)) for kind in RETENTION_KINDS],
    }


@login_not_required
@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    """Own municipality's statement when signed in (with "go on" until read); otherwise
    the one asked for by ``?kommune=<slug>``, or the list of municipalities."""
    organisation_id = getattr(request.user, "organisation_id", None)
    statements = PrivacyStatement.objects.select_related("organisation")
    if organisation_id:
        statement = statements.filter(organisation_id=organisation_id).first()
        context: dict[str, Any] = {
            "next": _safe_next(request, request.GET.get("next")),
            "pending": privacy_pending(user=request.user) is not None}  # type: ignore[arg-type]
        if statement is not None:
            context.update(_privacy_context(statement))
        return render(request, "privacy/privacy.html", context)
    if slug := request.GET.get("kommune"):
        statement = statements.filter(organisation__slug=slug).first()
        if statement is None:
            raise Http404
        return render(request, "privacy/privacy.html", _privacy_context(statement))
    others = list(Organisation.objects.filter(privacy_statement__isnull=False).order_by("name"))
    return render(request, "privacy/privacy.html", {"others": others})


def _safe_next(request: HttpRequest, value: str | None) -> str:
    fallback = reverse("accounts:min_side")
    if not value or not url_has_allowed_host_and_scheme(
            value, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return fallback
    return value


@require_POST
def privacy_read(request: HttpRequest) -> HttpResponse:
    """The user has been shown the statement: note the version, go on (to Min side)."""
    privacy_acknowledge(user=request.user)  # type: ignore[arg-type]
    return HttpResponseRedirect(_safe_next(request, request.POST.get("next")))
