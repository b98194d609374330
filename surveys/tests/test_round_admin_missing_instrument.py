from __future__ import annotations

import pytest
from django.urls import reverse

from surveys.models import Round

pytestmark = pytest.mark.django_db


def test_new_round_without_instrument_is_a_form_error(client, personas):
    client.force_login(personas.alice)
    response = client.post(reverse("admin:surveys_round_add"), {
        "instrument": "", "title": "Evaluering av samling", "opens_on": "2026-10-05",
        "closes_on": "2026-10-19", "_save": "Lagre"})
    assert response.status_code == 200
    assert "instrument" in response.context["adminform"].form.errors
    assert not Round.objects.exists()
