"""Emails of the leader platform, each in its reader's language.

Called by the services inside their transaction; ``queue_email`` sends after
commit, so a refused or rolled-back change sends nothing.
"""

from __future__ import annotations

from accounts.models import Leader, User
from lib.emails import queue_email

from .models import FeedbackInvitation, PlatformVersion


def platform_published(*, version: PlatformVersion) -> int:
    """Announce a published platform to every active leader of the municipality."""
    recipients = (User.objects.filter(leader__organisation_id=version.platform.organisation_id,
                                      is_active=True)
                  .only("email", "language", "full_name").order_by("pk"))
    sent = 0
    for user in recipients:
        queue_email(to=user.email, template_base="leaderplatform/emails/published",
                    language=user.language,
                    context={"user": user, "version": version, "platform": version.platform})
        sent += 1
    return sent


def feedback_invited(*, invitation: FeedbackInvitation, leader: Leader) -> None:
    """Ask a rater for 360 feedback, in the rater's language, with a link to the form."""
    from django.urls import reverse

    rater = invitation.rater
    queue_email(to=rater.email, template_base="leaderplatform/emails/feedback_invite",
                language=rater.language,
                context={"user": rater, "leader_name": leader.user.full_name,
                         "group": invitation.get_group_display,
                         "path": reverse("leaderplatform:feedback_rate",
                                         args=[invitation.uuid])})
