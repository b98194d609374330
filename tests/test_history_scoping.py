"""The audit trail of enrolments (django-simple-history) stays inside the municipality."""

from __future__ import annotations

import pytest
from django.urls import reverse

from programs.tests.factories import EnrollmentFactory, ModuleFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def _enrollment(organisation, leader):
    module = ModuleFactory(programme=ProgrammeFactory(organisation=organisation))
    return EnrollmentFactory(module=module, leader=leader)


def test_enrolment_changes_are_recorded_and_shown_to_own_oaf(client, personas):
    enrollment = _enrollment(personas.org_a, personas.bob_leader)
    enrollment.note = "Endret av O&F"
    enrollment.save()
    assert enrollment.history.count() == 2
    client.force_login(personas.alice)
    response = client.get(reverse("admin:programs_enrollment_history", args=[enrollment.pk]))
    assert response.status_code == 200


def test_enrolment_history_of_another_municipality_is_404(client, personas):
    enrollment = _enrollment(personas.org_b, personas.dora_leader)
    enrollment.note = "Endra"
    enrollment.save()
    client.force_login(personas.alice)
    response = client.get(reverse("admin:programs_enrollment_history", args=[enrollment.pk]))
    assert response.status_code == 404
    client.force_login(personas.charlie)
    response = client.get(reverse("admin:programs_enrollment_history", args=[enrollment.pk]))
    assert response.status_code == 200
