"""Emails of the leader-group track, each in its reader's language.

Called by the services inside their transaction; ``queue_email`` sends after
commit, so a refused or rolled-back change sends nothing.
"""

from __future__ import annotations

from accounts.models import User
from lib.emails import queue_email

from .models import LeaderGroup, PosterVersion


def poster_published(*, group: LeaderGroup, version: PosterVersion, actor: User) -> None:
    """Tell every active member of the group but the publisher that a poster version is out."""
    recipients = User.objects.filter(leader__group_memberships__group=group, is_active=True)
    for user in recipients.exclude(pk=actor.pk).distinct():
        queue_email(to=user.email, template_base="groups/emails/poster_published",
                    language=user.language,
                    context={"user": user, "group": group, "version": version, "actor": actor})
