"""lib.blank_forms: a blank form's HTML kept per language is what crispy-forms writes."""

from __future__ import annotations

import pytest
from django.utils import translation

from accounts.forms import EmailAuthenticationForm, PasswordResetForm
from lib.blank_forms import blank_form_html
from lib.templatetags.crispy_fields import crispy_fields


@pytest.mark.parametrize("form_class", [EmailAuthenticationForm, PasswordResetForm])
def test_kept_html_is_the_fields_as_crispy_forms_writes_them_in_each_language(form_class):
    written = {}
    for language in ("nb", "nn", "en"):
        with translation.override(language):
            kept = blank_form_html(form_class())
            assert kept == crispy_fields(form_class())
            assert blank_form_html(form_class()) is kept  # kept, not written again
            written[language] = kept
    assert len(set(written.values())) >= 2  # the labels are the language's
    assert "Email address" in written["en"]


def test_only_a_blank_form_is_kept():
    with pytest.raises(ValueError, match="blank form"):
        blank_form_html(EmailAuthenticationForm(data={"username": "a@b.no", "password": "x"}))
    with pytest.raises(ValueError, match="blank form"):
        blank_form_html(PasswordResetForm(initial={"email": "kari@fjordvik.example"}))


@pytest.mark.django_db
def test_the_login_page_writes_the_blank_form_and_a_posted_one_afresh(client):
    with translation.override("nb"):
        blank = str(crispy_fields(EmailAuthenticationForm()))
    page = client.get("/konto/logg-inn/").content.decode()
    assert blank in page
    posted = client.post("/konto/logg-inn/", {"username": "ørjan.ås@fjordvik.example",
                                               "password": "feil"})
    assert posted.status_code == 200
    html = posted.content.decode()
    assert 'value="ørjan.ås@fjordvik.example"' in html and blank not in html
    assert "is-invalid" in html or "invalid-feedback" in html or "alert" in html


@pytest.mark.django_db
def test_a_non_field_error_is_shown_once_in_the_summary_and_fields_keep_theirs(client):
    """The summary lists every error; crispy-forms' own box above the fields used to
    repeat a non-field error ("Wrong email address or password") a second time."""
    html = client.post("/konto/logg-inn/", {"username": "kari@fjordvik.example",
                                            "password": "feil"}).content.decode()
    assert html.count("Feil e-postadresse eller passord") == 1
    assert 'id="error-summary"' in html and "alert-block" not in html
    # A field's own error is still written next to it (and linked from the summary).
    html = client.post("/konto/logg-inn/", {"username": "ikke en adresse",
                                            "password": "x"}).content.decode()
    assert 'href="#id_username"' in html and 'id="error_1_id_username"' in html


def test_crispy_fields_keeps_a_blank_form_only_when_its_class_says_it_is_everyone_s():
    """``{{ form|crispy_fields }}``: a blank form of a class with ``same_for_everyone`` is
    served from the kept HTML (the same text as crispy-forms' own, per language); a bound
    one is written afresh with its value and error; a class without the flag never is."""
    from django.template import Context, Template

    from coaching.forms import ReflectionForm
    from groups.forms import CommentForm
    from lib import blank_forms
    from programs.forms import EnrollmentRequestForm

    tag = Template("{% load crispy_fields %}{{ form|crispy_fields }}")
    for form_class in (CommentForm, EnrollmentRequestForm, ReflectionForm):
        assert form_class.same_for_everyone
        for language in ("nb", "en"):
            with translation.override(language):
                blank_forms._kept.clear()
                html = tag.render(Context({"form": form_class()}))
                assert html == blank_forms.crispy_fields(form_class())
                assert len(blank_forms._kept) == 1  # kept ...
                assert tag.render(Context({"form": form_class()})) == html  # ... and served
                field = next(iter(form_class.base_fields))
                posted = form_class(data={field: "<b>Mitt svar</b> & mer" * 400})
                posted.is_valid()
                written = tag.render(Context({"form": posted}))
                assert written != html and "&lt;b&gt;Mitt svar&lt;/b&gt; &amp; mer" in written
                assert "invalid" in written and len(blank_forms._kept) == 1
    blank_forms._kept.clear()
    assert not getattr(PasswordResetForm, "same_for_everyone", False)
    with translation.override("nb"):
        tag.render(Context({"form": PasswordResetForm()}))
    assert len(blank_forms._kept) == 0  # a class that does not say so is never kept
