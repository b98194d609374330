from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworksConfig(AppConfig):
    name = "networks"
    verbose_name = _("Network groups")

    def ready(self) -> None:
        from accounts.calendar import register_calendar_source
        from accounts.dashboard import Panel, register_panel

        from . import reminders
        from .selectors import calendar_events, min_side_panel, min_side_reads

        register_panel(Panel(key="networks", order=40, template="networks/min_side_panel.html",
                             load=min_side_panel,
                             reads=min_side_reads))
        register_calendar_source("networks", calendar_events)
        reminders.register()
        from . import rooms
        rooms.register()
        from accounts.privacy import register_anonymiser, register_personal_data

        from . import privacy
        register_personal_data("networks", privacy.personal_data)
        register_anonymiser("networks", privacy.anonymise)
