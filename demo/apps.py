from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo world (``seed_demo``): above every other app, imported by none."""

    name = "demo"
    verbose_name = _("Demo data")
