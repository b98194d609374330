from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Municipalities and people")

    def ready(self) -> None:
        from allauth.mfa.models import Authenticator
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_save

        from . import mfa

        user_logged_in.connect(mfa.record_sign_in, dispatch_uid="accounts.mfa.record_sign_in")
        post_save.connect(mfa.record_activation, sender=Authenticator,
                          dispatch_uid="accounts.mfa.record_activation")

        from . import reminders
        reminders.register()
