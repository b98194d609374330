from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Privacy and accessibility")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from . import documents
        from .notice import notice_on_login

        documents.register()
        user_logged_in.connect(notice_on_login, dispatch_uid="privacy.notice_on_login")
