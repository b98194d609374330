"""Password reset: rate-limited, and the same answer whether or not the address exists.

The request (in the web process) never looks the address up. It counts the
request against two limits and queues one Celery task in every case; the task
looks the user up and sends the link only to an active user with a usable
password. So a known and an unknown address get the same page, the same
redirect, and the same work in the request (two counters, one outbox row).

Limits (:mod:`lib.ratelimit`, fixed windows of one hour):

* **3 requests per address** — more are answered exactly like the others
  ("check your email") but send nothing, and are logged; saying so would tell
  an attacker which addresses someone is trying.
* **10 requests per client IP** — the next ones get the form again with a clear
  message (status 429); this reveals nothing about any address.
"""

from __future__ import annotations

import hashlib
import logging

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lib.outbox import enqueue
from lib.ratelimit import Limit, limit_hit

from . import notifications
from .backends import normalise_email

logger = logging.getLogger(__name__)

PER_ADDRESS = Limit("password-reset-address", hits=3, seconds=60 * 60)
PER_IP = Limit("password-reset-ip", hits=10, seconds=60 * 60)


def password_reset_request(*, email: str, ip: str, domain: str, protocol: str) -> None:
    """Count the request and queue the mail; the same steps for every address.

    Raises ``ValidationError(code="too_many_requests")`` when the client IP is
    over its limit. Over the per-address limit nothing is queued and nothing
    is raised.
    """
    email = normalise_email(email)
    if not limit_hit(PER_IP, ip):
        logger.warning("Password reset: limit per IP reached (ip=%s)", ip)
        raise ValidationError(
            _("There have been too many requests for a new password from your network. "
              "Wait an hour and try again."),
            code="too_many_requests")
    if not limit_hit(PER_ADDRESS, email):
        # Logged with a hash: the log should not collect the addresses being tried.
        logger.warning("Password reset: limit per address reached (address sha256:%s, ip=%s)",
                       hashlib.sha256(email.encode()).hexdigest()[:12], ip)
        return
    from .tasks import password_reset_send

    # Through the outbox: with the broker down the request still succeeds, and the
    # mail follows when the broker is back.
    enqueue(password_reset_send, email=email, domain=domain, protocol=protocol)


def password_reset_deliver(*, email: str, domain: str, protocol: str) -> int:
    """Send the reset link to the account with this address, if it may reset; return how many.

    Only an active user with a usable password gets a link (Django's
    ``PasswordResetForm.get_users``); an unknown address sends nothing.
    """
    from .forms import PasswordResetForm

    sent = 0
    for user in PasswordResetForm().get_users(normalise_email(email)):
        notifications.password_reset_link(user=user, protocol=protocol, domain=domain)
        sent += 1
    return sent
