from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeaderplatformConfig(AppConfig):
    name = "leaderplatform"
    verbose_name = _("Leader platform")

    def ready(self) -> None:
        from accounts.dashboard import Panel, register_panel
        from accounts.privacy import register_anonymiser, register_personal_data

        from . import documents, privacy
        from .selectors import min_side_panel, min_side_reads

        register_panel(Panel(key="leaderplatform", order=15,
                             template="leaderplatform/min_side_panel.html", load=min_side_panel,
                             reads=min_side_reads))
        documents.register()
        register_personal_data("leaderplatform", privacy.personal_data)
        register_anonymiser("leaderplatform", privacy.anonymise)
        from programs.module_page import ModuleSection, register_module_section

        from .selectors import module_section
        register_module_section(ModuleSection(key="leaderplatform", order=10,
                                              template="leaderplatform/module_section.html",
                                              load=module_section))
