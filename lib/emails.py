"""Every email of the portal is rendered here, in the reader's language.

A message is three templates: ``<base>_subject.txt``, ``<base>.txt`` and
``<base>.html``. Rendering happens inside ``translation.override`` so a
nynorsk reader gets nynorsk whatever language the sender's request had. The
send itself goes to Celery after the transaction commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

# (file name, text content, MIME type), e.g. ("coaching.ics", "BEGIN:VCALENDAR…", "text/calendar").
# Text only, so the outbox can keep it as JSON.
Attachment = tuple[str, str, str]


@dataclass(frozen=True)
class RenderedEmail:
    to: str
    subject: str
    body: str
    html: str
    attachments: tuple[Attachment, ...] = ()


def absolute_url(path: str) -> str:
    """The site's address in front of ``path``, for links in emails and reminders."""
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def render_email(*, to: str, template_base: str, context: dict[str, Any],
                 language: str | None = None) -> RenderedEmail:
    context = {"site_url": settings.SITE_URL, **context}
    with translation.override(language or settings.LANGUAGE_CODE):
        subject: str = render_to_string(f"{template_base}_subject.txt", context)
        body = render_to_string(f"{template_base}.txt", context)
        html = render_to_string(f"{template_base}.html", context)
    # A header line must not contain newlines.
    subject = " ".join(subject.split())
    return RenderedEmail(to=to, subject=subject, body=body, html=html)


def send_rendered(email: RenderedEmail) -> None:
    """Send now, in this process (used by the Celery task)."""
    message = EmailMultiAlternatives(
        subject=email.subject, body=email.body, from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
    )
    message.attach_alternative(email.html, "text/html")
    for filename, content, mimetype in email.attachments:
        message.attach(filename, content, mimetype)
    message.send()


def queue_email(*, to: str, template_base: str, context: dict[str, Any],
                language: str | None = None,
                attachments: list[Attachment] | None = None) -> None:
    """Render now (templates need the request's objects) and send from a worker.

    The job goes through the outbox: with the broker down it is sent when it is back.
    ``attachments`` are text files (an ``.ics``), sent with the message.
    """
    from .outbox import enqueue
    from .tasks import email_send

    email = render_email(to=to, template_base=template_base, context=context, language=language)
    extra = {"attachments": [list(a) for a in attachments]} if attachments else {}
    enqueue(email_send, to=email.to, subject=email.subject, body=email.body, html=email.html,
            **extra)
