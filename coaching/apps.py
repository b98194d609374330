from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoachingConfig(AppConfig):
    name = "coaching"
    verbose_name = _("Individual leadership development")

    def ready(self) -> None:
        from accounts.calendar import register_calendar_source
        from accounts.dashboard import Panel, register_panel

        from . import invoices, reminders
        from .selectors import (
            calendar_events,
            min_side_approvals_panel,
            min_side_approvals_reads,
            min_side_coach_panel,
            min_side_leader_panel,
            min_side_leader_reads,
        )

        register_panel(Panel(key="coaching", order=40, template="coaching/panels/leader.html",
                             load=min_side_leader_panel, reads=min_side_leader_reads))
        register_panel(Panel(key="coaching_approvals", order=41,
                             template="coaching/panels/approvals.html",
                             load=min_side_approvals_panel,
                             reads=min_side_approvals_reads))
        register_panel(Panel(key="coaching_coach", order=42,
                             template="coaching/panels/coach.html", load=min_side_coach_panel))
        register_calendar_source("coaching", calendar_events)
        invoices.register()
        reminders.register()
        from accounts.approvals import register_approval_source

        from .approvals import SOURCE
        register_approval_source(SOURCE)
        from . import rooms
        rooms.register()
        from accounts.privacy import register_anonymiser, register_personal_data

        from . import privacy
        register_personal_data("coaching", privacy.personal_data)
        register_anonymiser("coaching", privacy.anonymise)
