from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from lib.dates import validate_sane_date

from .backends import normalise_email


class NormalisedEmailMixin:
    """Authenticate with the address as stored (stripped, lower case), so that the
    lockout (``accounts.backends.axes_username``) and the login see one spelling."""

    def clean_username(self) -> str:
        return normalise_email(self.cleaned_data["username"])  # type: ignore[attr-defined]


class EmailAuthenticationForm(NormalisedEmailMixin, auth_forms.AuthenticationForm):
    """Login by email. The error never tells whether the address exists."""

    username = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _("Wrong email address or password. Check both and try again."),
        "inactive": _("This account is inactive."),
        "sso_only": _("Your municipality signs you in with its own account: use its button "
                      "on this page."),
    }

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        from .services.sso import password_login_allowed

        if not password_login_allowed(user=user):
            raise forms.ValidationError(self.error_messages["sso_only"], code="sso_only")


class AdminEmailAuthenticationForm(NormalisedEmailMixin, AdminAuthenticationForm):
    """The admin's login, with the same spelling of the address as the portal's."""


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Only validates the address: :mod:`accounts.password_reset` limits and queues the
    mail, and the Celery task finds the user (``get_users``) and sends it."""

    email = forms.EmailField(
        label=_("Email address"), max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_email(self) -> str:
        return normalise_email(self.cleaned_data["email"])


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=())
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from django.conf import settings

        super().__init__(*args, **kwargs)
        self.fields["language"].choices = settings.LANGUAGES


class DeputyForm(forms.Form):
    """Min side: name a deputy (stedfortreder) for a period."""

    deputy = forms.ModelChoiceField(
        label=_("Deputy"), queryset=None,
        error_messages={"required": _("Choose the deputy."),
                        "invalid_choice": _("Choose a colleague from the list.")})
    starts_on = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}),
                                validators=[validate_sane_date])
    ends_on = forms.DateField(label=_("To (inclusive)"),
                              widget=forms.DateInput(attrs={"type": "date"}),
                              validators=[validate_sane_date])

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        from .models import User

        super().__init__(*args, **kwargs)
        field = self.fields["deputy"]
        field.queryset = (User.objects.filter(organisation_id=user.organisation_id,
                                              is_active=True, leader__isnull=False)
                          .exclude(pk=user.pk).order_by("full_name"))
        field.label_from_instance = lambda u: u.full_name
        field.widget.attrs["class"] = "form-select"
        for name in ("starts_on", "ends_on"):
            self.fields[name].widget.attrs["class"] = "form-control"
