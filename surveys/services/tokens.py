"""Signed links for evaluations: answer without logging in, once.

The token is the invitation's random id signed with the site's secret, a salt
of its own (a token made for anything else never passes) and a time stamp
checked against :data:`TOKEN_MAX_AGE`. It is single use: once its invitation
has answered, the link is refused.
"""

from __future__ import annotations

import datetime as dt

from django.core import signing
from django.utils.translation import gettext as _

from ..models import InstrumentKind, Invitation
from .answering import AnswerRefused

TOKEN_SALT = "surveys.evaluation-invitation"  # noqa: S105 - a salt, not a secret
TOKEN_MAX_AGE = dt.timedelta(days=60)


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps(str(invitation.pk), salt=TOKEN_SALT)


def invitation_from_token(token: str) -> Invitation:
    """The evaluation invitation a token was made for, if still usable.

    Raises :class:`AnswerRefused` for a forged, altered or expired token, and
    for one already used to answer.
    """
    try:
        value = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        raise AnswerRefused(_("This link has expired. Log in to answer instead."),
                            code="token_expired", status=403) from None
    except signing.BadSignature:
        raise AnswerRefused(_("This link is not valid. Check that you have the whole address "
                              "from the email, or log in to answer."),
                            code="token_invalid", status=403) from None
    invitation = (Invitation.objects.select_related("round__instrument", "round__organisation",
                                                    "leader__user")
                  .filter(pk=value, round__kind=InstrumentKind.EVALUATION).first())
    if invitation is None:
        raise AnswerRefused(_("This link is not valid. Check that you have the whole address "
                              "from the email, or log in to answer."),
                            code="token_invalid", status=403)
    if invitation.submitted:
        raise AnswerRefused(_("This link has already been used to answer. Each link works "
                              "once."), code="token_used")
    return invitation
