from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports and reminders")

    def ready(self) -> None:
        from . import documents, pricing, reminders

        documents.register()
        pricing.register()
        reminders.register()
