from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CockpitConfig(AppConfig):
    name = "cockpit"
    verbose_name = _("O&F's cockpit")

    def ready(self) -> None:
        from accounts.dashboard import Panel, register_panel

        from . import documents
        from .admin_actions import install_message_actions
        from .selectors import min_side_panel, min_side_reads

        register_panel(Panel(key="cockpit", order=12, template="cockpit/min_side_panel.html",
                             load=min_side_panel,
                             reads=min_side_reads))
        documents.register()
        install_message_actions()
        from accounts.privacy import register_personal_data

        from . import privacy

        register_personal_data("cockpit", privacy.personal_data)
