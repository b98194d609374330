from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Surveys")

    def ready(self) -> None:
        from accounts.dashboard import Panel, register_panel
        from groups.timeline import register_milestone_source

        from . import reminders
        from .documents import register
        from .selectors import min_side_panel, min_side_reads
        from .timeline import effect_milestones, effect_reads

        register_panel(Panel(key="surveys", order=15, template="surveys/min_side_panel.html",
                             load=min_side_panel,
                             reads=min_side_reads))
        register_milestone_source("surveys.effect", effect_milestones, effect_reads)
        register()
        reminders.register()
        from accounts.privacy import register_anonymiser, register_personal_data

        from . import privacy
        register_personal_data("surveys", privacy.personal_data)
        register_anonymiser("surveys", privacy.anonymise)
