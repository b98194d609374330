from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibConfig(AppConfig):
    name = "lib"
    verbose_name = _("Shared helpers")

    def ready(self) -> None:
        from celery.signals import task_postrun

        from .fragments import fragments_invalidate

        def invalidate_after_task(**_kwargs: object) -> None:
            # A task may have changed what any page shows (seats released,
            # reminders logged): cached fragments of every municipality go stale.
            fragments_invalidate()

        task_postrun.connect(invalidate_after_task, weak=False,
                             dispatch_uid="lib.fragments.invalidate_after_task")
