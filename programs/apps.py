from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("Programmes and leadership deepening")

    def ready(self) -> None:
        from accounts.calendar import register_calendar_source
        from accounts.dashboard import Panel, register_panel

        from . import reminders
        from .selectors import calendar_events, min_side_panel, min_side_reads

        register_panel(Panel(key="programs", order=30, template="programs/min_side_panel.html",
                             load=min_side_panel, reads=min_side_reads))
        register_calendar_source("programs", calendar_events)
        reminders.register()
        from accounts.approvals import register_approval_source

        from .approvals import SOURCE
        register_approval_source(SOURCE)
        from . import rooms
        rooms.register()
        from accounts.privacy import register_anonymiser, register_personal_data

        from . import privacy
        register_personal_data("programs", privacy.personal_data)
        register_anonymiser("programs", privacy.anonymise)
