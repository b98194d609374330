"""GDPR for the cockpit: a person's export holds the messages O&F sent them.

Registered in ``CockpitConfig.ready()`` with ``accounts.privacy``. Anonymising a
leader changes nothing here: the messages are O&F's words, and the delivery rows
point at the user, whose name accounts anonymises.
"""

from __future__ import annotations

from typing import Any

from accounts.models import User

from .models import MessageDelivery


def personal_data(user: User) -> dict[str, Any]:
    deliveries = (MessageDelivery.objects.filter(recipient=user).select_related("message")
                  .order_by("message__created_at"))
    return {"messages_received": [{
        "subject": d.message.subject, "text": d.message.body,
        "sent": d.message.created_at.isoformat(), "status": d.status,
    } for d in deliveries]}
