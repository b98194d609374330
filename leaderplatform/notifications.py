"""Emails of the leader platform, each in its reader's language.

Called by the services inside their transaction; ``queue_email`` sends after
commit, so a refused or rolled-back change sends nothing.
"""

from __future__ import annotations

from accounts.models import User
from lib.emails import queue_email

from .models import PlatformVersion


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
