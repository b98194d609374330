"""Emails of the surveys app, each in its reader's language.

Called by the services inside their transaction; ``queue_email`` sends after
commit, so a rolled-back change sends nothing.
"""

from __future__ import annotations

from accounts.models import User
from lib.emails import queue_email

from .models import Round


def invitation(*, user: User, round: Round, link: str) -> None:
    """Invite one leader to answer a round (through ``link``, personal or signed)."""
    queue_email(to=user.email, template_base="surveys/emails/invitation", language=user.language,
                context={"name": user.full_name, "round": round, "link": link})
