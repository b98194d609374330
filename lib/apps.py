from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibConfig(AppConfig):
    name = "lib"
    verbose_name = _("Shared helpers")

    def ready(self) -> None:
        from celery.signals import task_postrun
        from django.apps import apps
        from django.utils.module_loading import autodiscover_modules

        from .fragments import fragments_invalidate
        from .scoping import guard_history, guard_unique_checks, is_scoped

        for model in apps.get_models():
            if is_scoped(model):
                guard_unique_checks(model)
                guard_history(model)

        def invalidate_after_task(sender: object = None, **_kwargs: object) -> None:
            # A task may have changed what any page shows (seats released,
            # reminders logged): cached fragments of every municipality go stale.
            # Housekeeping that runs every minute says it changes no page.
            if getattr(sender, "invalidates_fragments", True):
                fragments_invalidate()

        task_postrun.connect(invalidate_after_task, weak=False,
                             dispatch_uid="lib.fragments.invalidate_after_task")
        # Each app names its audit actions in <app>/audit_labels.py (lib.audit).
        autodiscover_modules("audit_labels")
