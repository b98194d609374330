"""``{{ form|crispy_fields }}``: a form's fields as crispy-forms writes them, without its
box of non-field errors.

A page with the error summary at its top (``includes/form_errors.html``: every error,
each field's linked to it) showed a non-field error twice, in the summary and again in
the box crispy-forms' ``{{ form|crispy }}`` puts above the fields ("Wrong email address
or password" on the login page). Each field here is crispy-forms' own
(``as_crispy_field``, the template ``{{ form|crispy }}`` includes per field), with its
inline error. A page without the summary keeps ``{{ form|crispy }}``. A blank form
whose class says it is the same for everyone is written once per language
(:func:`lib.blank_forms.fields_html`).
"""

from __future__ import annotations

from django import template

from lib.blank_forms import crispy_fields, fields_html

register = template.Library()
register.filter("crispy_fields", fields_html)

__all__ = ["crispy_fields", "fields_html"]
