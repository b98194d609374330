"""Permissions that follow from a user's role, not from hand-kept groups."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest

from lib.prepared import Prepared

from .access import USER_WITH_PROFILE, remember_leader

_USER_BY_PK: Prepared[Any] = Prepared(
    lambda pk: get_user_model()._default_manager.filter(pk=pk).select_related(
        *USER_WITH_PROFILE)[:1])

# Apps whose records an O&F administrator manages for their own municipality.
OAF_APPS = frozenset({"accounts", "programs", "groups", "surveys", "coaching", "networks",
                      "reports", "cockpit", "lib", "privacy", "leaderplatform"})
# Municipalities themselves are created by system administrators only.
OAF_DENIED = frozenset({"accounts.add_organisation", "accounts.delete_organisation"})


def normalise_email(value: str) -> str:
    """The one spelling of a login address: stripped and lower-cased.

    Emails are stored lower-cased (``UserManager``), so this is the stored
    spelling. ``lower()`` rather than ``casefold()``: folding would turn "ß"
    into "ss", which is another address, not another spelling of the same one.
    """
    return value.strip().lower()


def axes_username(request: HttpRequest | None, credentials: dict | None = None) -> str | None:
    """``AXES_USERNAME_CALLABLE``: count failed logins per address, whatever its letter case.

    Without this, ``name@…``, ``NAME@…`` and ``Name@…`` each had their own five
    attempts, and a locked-out address logged in by changing one letter's case.
    """
    from django.conf import settings

    field = settings.AXES_USERNAME_FORM_FIELD
    value = (credentials or {}).get(field)
    if value is None and request is not None:
        value = getattr(request, "POST", {}).get(field)
    return normalise_email(value) if isinstance(value, str) else value


class RoleBackend(ModelBackend):
    """Email + password login (through ``User.USERNAME_FIELD``) and role permissions.

    An O&F administrator may view, add, change and delete every model of the
    portal's apps; which *rows* they reach is limited separately by
    :mod:`lib.scoping`.
    """

    def authenticate(self, request: HttpRequest | None, username: str | None = None,
                     password: str | None = None, **kwargs: Any) -> Any:
        if isinstance(username, str):
            username = normalise_email(username)
        return super().authenticate(request, username=username, password=password, **kwargs)

    def get_user(self, user_id: Any) -> Any:
        """The signed-in user of each request (``ModelBackend.get_user``), by a query
        compiled once per process: it runs on every page. Their leader profile comes
        with them (``accounts.access.USER_WITH_PROFILE``): eight of the sixteen leader
        pages of ``bench/page_cpu.py`` ask ``leader_for``, which then needs no query."""
        try:
            found = _USER_BY_PK(pk=int(user_id))
        except (TypeError, ValueError):
            return None
        user = found[0] if found else None
        if user is None or not self.user_can_authenticate(user):
            return None
        try:
            leader = user.leader
        except ObjectDoesNotExist:  # read as absent by the join: no query
            leader = None
        remember_leader(user, leader)
        return user

    def _is_oaf(self, user_obj: Any) -> bool:
        return bool(
            user_obj.is_active and getattr(user_obj, "is_oaf_admin", False)
            and user_obj.organisation_id
        )

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        if self._is_oaf(user_obj) and perm.split(".", 1)[0] in OAF_APPS:
            return perm not in OAF_DENIED
        return super().has_perm(user_obj, perm, obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        if self._is_oaf(user_obj) and app_label in OAF_APPS:
            return True
        return super().has_module_perms(user_obj, app_label)
