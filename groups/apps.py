from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "groups"
    verbose_name = _("Leader groups")

    def ready(self) -> None:
        from accounts.dashboard import Panel, register_panel

        from . import calendar, documents, reminders
        from .selectors import min_side_panel, min_side_reads
        from .timeline import OWN_SOURCE, group_milestones, register_milestone_source

        register_panel(Panel(key="groups", order=20, template="groups/min_side_panel.html",
                             load=min_side_panel,
                             reads=min_side_reads))
        register_milestone_source(OWN_SOURCE, group_milestones)
        documents.register()
        calendar.register()
        reminders.register()
        from . import rooms
        rooms.register()
        from accounts.privacy import register_anonymiser, register_personal_data

        from . import privacy
        register_personal_data("groups", privacy.personal_data)
        register_anonymiser("groups", privacy.anonymise)
