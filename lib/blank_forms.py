"""The HTML of a blank form that is the same for every visitor, written once per language.

The login page is the page most often opened (every journey starts there, bench/load.py)
and its email-and-password form, written by crispy-forms through a template per field,
was half of its CPU (issue 23). Unbound and without initial values, that form's HTML
depends only on its class, its prefix and ids, and the language: :func:`blank_form_html`
keeps it per process. Only a view whose form is the same for everyone may use it (not
one whose fields a view narrows per user, such as choices from the user's municipality);
a bound form (a POST, with its values and errors) is always written afresh.

A form class may say so itself, ``same_for_everyone = True`` (a comment on a poster, a
request for a module's seat, a coaching reflection note: a label and a text box), and
``{{ form|crispy_fields }}`` then serves its blank form from here (:func:`fields_html`).
A class whose fields a view narrows per user must never say it.
"""

from __future__ import annotations

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from .kept import Kept

_kept: Kept[SafeString] = Kept(most=256)


def crispy_fields(form: forms.BaseForm) -> SafeString:
    """The form's fields as crispy-forms writes them (``as_crispy_field``, the template
    ``{{ form|crispy }}`` includes per field), with their inline errors, without its box
    of non-field errors (``lib/templatetags/crispy_fields.py``)."""
    # Each part is crispy-forms' rendered (escaped) template output.
    return mark_safe("\n".join(as_crispy_field(field) for field in form))  # noqa: S308


def _is_blank(form: forms.BaseForm) -> bool:
    return not (form.is_bound or form.initial
                or any(field.initial for field in form.fields.values()))


def fields_html(form: forms.BaseForm) -> SafeString:
    """:func:`crispy_fields`, kept per language when the form's class says its blank form
    is the same for everyone (``same_for_everyone = True``) and this one is blank."""
    if getattr(type(form), "same_for_everyone", False) and _is_blank(form):
        return blank_form_html(form)
    return crispy_fields(form)


def blank_form_html(form: forms.BaseForm) -> SafeString:
    """``{{ form|crispy_fields }}`` for an unbound form without initial values, kept
    per form class, prefix, id format and language."""
    if not _is_blank(form):
        raise ValueError("only a blank form, the same for everyone, is kept")
    return _kept.get((type(form), form.prefix, form.auto_id, get_language()),
                     lambda: crispy_fields(form))

