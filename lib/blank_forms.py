"""The HTML of a blank form that is the same for every visitor, written once per language.

The login page is the page most often opened (every journey starts there, bench/load.py)
and its email-and-password form, written by crispy-forms through a template per field,
was half of its CPU (issue 23). Unbound and without initial values, that form's HTML
depends only on its class, its prefix and ids, and the language: :func:`blank_form_html`
keeps it per process. Only a view whose form is the same for everyone may use it (not
one whose fields a view narrows per user, such as choices from the user's municipality);
a bound form (a POST, with its values and errors) is always written afresh.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.signals import setting_changed
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from .templatetags.crispy_fields import crispy_fields

_kept: dict[tuple[Any, ...], SafeString] = {}


def blank_form_html(form: forms.BaseForm) -> SafeString:
    """``{{ form|crispy_fields }}`` for an unbound form without initial values, kept
    per form class, prefix, id format and language."""
    if form.is_bound or form.initial or any(field.initial for field in form.fields.values()):
        raise ValueError("only a blank form, the same for everyone, is kept")
    key = (type(form), form.prefix, form.auto_id, get_language())
    html = _kept.get(key)
    if html is None:
        html = _kept[key] = crispy_fields(form)
    return html


def _forget(**kwargs: Any) -> None:
    _kept.clear()


# A setting (the crispy template pack, the languages) changed in a test: written afresh.
setting_changed.connect(_forget, dispatch_uid="lib.blank_forms")
