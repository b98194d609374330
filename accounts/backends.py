"""Permissions that follow from a user's role, not from hand-kept groups."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

# Apps whose records an O&F administrator manages for their own municipality.
OAF_APPS = frozenset({"accounts", "programs", "groups", "surveys", "coaching", "networks",
                      "reports", "lib"})
# Municipalities themselves are created by system administrators only.
OAF_DENIED = frozenset({"accounts.add_organisation", "accounts.delete_organisation"})


class RoleBackend(ModelBackend):
    """Email + password login (through ``User.USERNAME_FIELD``) and role permissions.

    An O&F administrator may view, add, change and delete every model of the
    portal's apps; which *rows* they reach is limited separately by
    :mod:`lib.scoping`.
    """

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
