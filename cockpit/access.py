"""Who may do what in the cockpit's own (non-admin) pages."""

from __future__ import annotations

from django.http import Http404

from accounts.access import is_oaf_for
from accounts.models import User
from programs.models import Enrollment


def get_enrollment_for_certificate(user: User, enrollment_uuid: object) -> Enrollment:
    """The enrolment whose certificate ``user`` may download: their own, or O&F's of the
    municipality. Everyone else gets 404 (not even confirming the enrolment exists)."""
    from lib.http import uuid_or_404

    enrollment = (Enrollment.objects.select_related("leader__user", "module__programme")
                  .filter(uuid=uuid_or_404(enrollment_uuid),
                          module__programme__organisation_id=user.organisation_id).first()
                  if user.organisation_id or user.is_superuser else None)
    if user.is_superuser and enrollment is None:
        enrollment = (Enrollment.objects.select_related("leader__user", "module__programme")
                      .filter(uuid=uuid_or_404(enrollment_uuid)).first())
    if enrollment is None:
        raise Http404
    if enrollment.leader.user_id != user.pk and not is_oaf_for(
            user, enrollment.module.programme.organisation_id):
        raise Http404
    return enrollment
