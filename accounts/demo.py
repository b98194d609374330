"""The demo's sign-ins, as the README lists them.

``demo`` creates these accounts; the track apps' ``demo.py`` modules look them
up by email, so the constants live here, below both, rather than in ``demo``.
"""

from __future__ import annotations

DEMO_PASSWORD = "lederutvikling"  # noqa: S105 - printed in the README on purpose

# Key → email.
DEMO_ACCOUNTS = {
    "oaf": "oaf@fjordvik.example",
    "facilitator": "fasilitator@fjordvik.example",
    "coach": "coach@fjordvik.example",
    "group_head": "leder.gruppe@fjordvik.example",
    "leader_above": "leders.leder@fjordvik.example",
    "leader": "leder@fjordvik.example",
    "small_oaf": "oaf@lia.example",
    "superuser": "admin@lederutvikling.example",
}
