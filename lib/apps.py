from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibConfig(AppConfig):
    name = "lib"
    verbose_name = _("Shared helpers")

    def ready(self) -> None:
        from django.apps import apps
        from django.utils.module_loading import autodiscover_modules

        from . import checks, lookups  # checks registers production's refusals

        lookups.register()  # field__any=[…]: a list as one parameter (lib/lookups.py)
        from .driver_caches import install

        install()  # psycopg's caches sized for the portal's queries (issue 23)
        from .scoping import guard_history, guard_unique_checks, is_scoped

        for model in apps.get_models():
            if is_scoped(model):
                guard_unique_checks(model)
                guard_history(model)
        # Log lines inside a task carry the task's id (lib/logs.py).
        from .logs import task_context_connect

        task_context_connect()
        # migrate stops with a clear message if btree_gist cannot be created (lib/checks.py).
        from django.db.models.signals import pre_migrate

        pre_migrate.connect(checks.btree_gist_ensure, sender=self,
                            dispatch_uid="lib.checks.btree_gist_ensure")
        # Each app names its audit actions in <app>/audit_labels.py (lib.audit).
        autodiscover_modules("audit_labels")
