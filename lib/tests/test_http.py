"""The shared refusal plumbing: public ids, refusals as messages and form errors, admin rows."""

from __future__ import annotations

import uuid

import pytest
from django import forms
from django.contrib import admin
from django.contrib.messages import constants, get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import RequestFactory
from django.utils import translation

from lib.admin import run_per_row
from lib.http import add_error_to_form, error_messages, messages_from_error, uuid_or_404
from lib.testing import assert_refused, refusal_codes


def _request():
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _sent(request) -> list[tuple[int, str]]:
    return [(m.level, m.message) for m in get_messages(request)]


def test_uuid_or_404_accepts_uuids_and_their_text_only():
    value = uuid.uuid4()
    assert uuid_or_404(value) is value
    assert uuid_or_404(str(value)) == value
    for bad in ("42", "", None, "not-a-uuid"):
        with pytest.raises(Http404):
            uuid_or_404(bad)


def test_every_message_of_every_form_becomes_one_django_message():
    request = _request()
    messages_from_error(request, ValidationError(["First.", "Second."]))
    messages_from_error(request, ValidationError({"field": ["Third."], "__all__": ["Fourth."]}))
    messages_from_error(request, PermissionDenied("Only O&F."), prefix="Kari")
    messages_from_error(request, PermissionDenied())
    assert _sent(request) == [
        (constants.ERROR, "First."), (constants.ERROR, "Second."), (constants.ERROR, "Third."),
        (constants.ERROR, "Fourth."), (constants.ERROR, "Kari: Only O&F."),
        (constants.ERROR, "Du har ikke tilgang til dette."),  # bokmål is the default
    ]


@pytest.mark.django_db
def test_a_refusal_reaches_the_user_in_their_language():
    from coaching import services

    with translation.override("nn"):
        with pytest.raises(ValidationError) as caught:
            services.reflection_add(course=None, actor=None, body="  ")
        assert error_messages(PermissionDenied()) == ["Du har ikkje tilgang til dette."]
    request = _request()
    messages_from_error(request, caught.value)
    assert _sent(request) == [(constants.ERROR, "Skriv noko først.")]
    assert refusal_codes(caught.value) == ["empty"]


class _Form(forms.Form):
    name = forms.CharField(required=False)


def test_form_errors_go_under_their_field_or_above_the_form():
    form = _Form({"name": "x"})
    assert form.is_valid()
    add_error_to_form(form, ValidationError({
        "name": ValidationError("Taken.", code="duplicate"),
        "organisation": ValidationError("Other town.", code="other_municipality")}))
    assert form.errors["name"] == ["Taken."]
    assert form.non_field_errors() == ["Other town."]
    assert form.errors.as_data()["name"][0].code == "duplicate"
    other = _Form({"name": "x"})
    other.is_valid()
    add_error_to_form(other, ValidationError("Closed.", code="closed"))
    add_error_to_form(other, PermissionDenied("Not yours."))
    assert other.non_field_errors() == ["Closed.", "Not yours."]


class _Admin:
    def __init__(self) -> None:
        self.sent: list[tuple[str, int]] = []

    def message_user(self, request, message, level=constants.INFO):
        self.sent.append((message, level))


def test_run_per_row_reports_each_refusal_by_row_and_counts_the_rest():
    def call(row: str) -> None:
        if row == "b":
            raise ValidationError("Full.", code="full")
        if row == "c":
            raise PermissionDenied("Only O&F.")

    modeladmin = _Admin()
    done = run_per_row(modeladmin, None, ["a", "b", "c", "d"], call,  # type: ignore[arg-type]
                       success="%(count)d done.", label=str.upper)
    assert done == 2
    assert modeladmin.sent == [("B: Full.", constants.ERROR), ("C: Only O&F.", constants.ERROR),
                               ("2 done.", constants.SUCCESS)]
    nothing = _Admin()
    assert run_per_row(nothing, None, ["b"], call,  # type: ignore[arg-type]
                       success=lambda n: f"{n} done") == 0
    assert nothing.sent == [("b: Full.", constants.ERROR)]
    assert isinstance(admin.ModelAdmin, type)  # run_per_row takes any ModelAdmin


def test_refusal_codes_and_assert_refused():
    error = ValidationError({"a": [ValidationError("x", code="one")],
                             "b": [ValidationError("y", code="two"), ValidationError("z")]})
    assert refusal_codes(error) == ["one", "two", ""]
    assert refusal_codes(PermissionDenied("no")) == ["permission_denied"]
    with assert_refused("two"):
        raise error
    assert_refused("permission_denied", lambda: (_ for _ in ()).throw(PermissionDenied()))
    with pytest.raises(AssertionError, match="expected 'three'"), assert_refused("three"):
        raise error
    with pytest.raises(AssertionError, match="not refused"), assert_refused("one"):
        pass
