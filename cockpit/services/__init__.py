"""Writes of the cockpit: messages to participants and their once-only delivery."""

from __future__ import annotations

from .certificates import certificates_pdf, completed_for_certificates
from .messages import (
    message_deliver,
    message_record_failure,
    message_send,
    recipients_for,
    resolve_targets,
)

__all__ = ["certificates_pdf", "completed_for_certificates", "message_deliver",
           "message_record_failure", "message_send", "recipients_for", "resolve_targets"]
