"""``{{ form|crispy_fields }}``: a form's fields as crispy-forms writes them, without its
box of non-field errors.

A page with the error summary at its top (``includes/form_errors.html``: every error,
each field's linked to it) showed a non-field error twice, in the summary and again in
the box crispy-forms' ``{{ form|crispy }}`` puts above the fields ("Wrong email address
or password" on the login page). Each field here is crispy-forms' own
(``as_crispy_field``, the template ``{{ form|crispy }}`` includes per field), with its
inline error. A page without the summary keeps ``{{ form|crispy }}``.
"""

from __future__ import annotations

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def crispy_fields(form: forms.BaseForm) -> SafeString:
    # Each part is crispy-forms' rendered (escaped) template output.
    return mark_safe("\n".join(as_crispy_field(field) for field in form))  # noqa: S308
