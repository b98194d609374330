"""``get_FOO_display()`` through ChoiceLabels says what Django's own says."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db.models import Model
from django.utils import translation

from lib.choice_labels import ChoiceLabels

MODELS = [m for m in apps.get_models() if issubclass(m, ChoiceLabels)]


def test_the_models_shown_in_leader_lists_use_it():
    names = {m.__name__ for m in MODELS}
    assert {"NetworkMeeting", "MeetingOption", "Module", "Enrollment", "Booking",
            "GroupProcess", "Leader"} <= names


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_label_in_every_language_is_django_s(model):
    """Each field's every value, a value outside the choices and an empty one, in nb, nn
    and en, twice (the second from the kept dict): the same text as Django's method."""
    fields = [f for f in model._meta.concrete_fields if f.choices]
    assert fields
    for field in fields:
        values = [value for value, _ in field.flatchoices] + ["ukjent\nverdi", None]
        for language in ("nb", "nn", "en"):
            with translation.override(language):
                for value in values:
                    obj = model()
                    setattr(obj, field.attname, value)
                    shown = getattr(obj, f"get_{field.name}_display")
                    for _ in range(2):
                        assert shown() == Model._get_FIELD_display(obj, field), (field, value)
                    assert type(shown()) is type(Model._get_FIELD_display(obj, field))
