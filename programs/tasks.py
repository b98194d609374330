"""Periodic work of the deepening track (scheduled by Celery beat)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from . import services
from .models import EnrollmentStatus, Module, ModuleStatus


@shared_task
def talent_seats_release() -> int:
    """After a module's release day, give its freed talent seats to the waiting list.

    Safe to run any number of times: the service only fills seats that are
    free, under the module lock. Returns how many leaders got a seat.
    """
    today = timezone.localdate()
    modules = (Module.objects.filter(status=ModuleStatus.PUBLISHED,
                                     talent_seats_release_on__lte=today,
                                     enrollments__status=EnrollmentStatus.WAITING)
               .distinct())
    return sum(len(services.module_fill_seats(module=m, today=today)) for m in modules)
