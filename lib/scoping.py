"""One rule, written once: a user sees only their own municipality's data.

Every model that belongs to an organisation names the lookup path to it in
``organisation_path`` (``"organisation"`` for a direct foreign key,
``"group__organisation"`` for something one hop away, ``""`` for the
Organisation itself). Querysets built on :class:`OrganisationQuerySet` can then
be narrowed with ``.visible_to(user)``; the admin mixin in
:mod:`lib.admin` and the leader-facing access helpers all go through it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Self

from django.db import models
from django.db.models import Q
from django.utils.functional import SimpleLazyObject, empty
from simple_history.manager import HistoricalQuerySet
from simple_history.models import HistoricalRecords

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

    # The mixin is only ever mixed into a QuerySet; this tells the type checker so.
    _QuerySetBase = models.QuerySet[Any]
else:
    _QuerySetBase = object


def organisation_lookup(model: type[models.Model]) -> str | None:
    """Return the ORM lookup that reaches the organisation's id, or None if unscoped."""
    path = getattr(model, "organisation_path", None)
    if path is None:
        return None
    return f"{path}__pk" if path else "pk"


def is_scoped(model: type[models.Model]) -> bool:
    return organisation_lookup(model) is not None


# --- The second wall: a guard in the ORM ---------------------------------------
#
# The first wall is the access helpers and the admin's scoped querysets. The
# second catches what they miss: while a request (or task) acts for one
# municipality, every queryset a manager hands out for a municipality-owned
# model is already narrowed to it — related managers, prefetches, admin
# views a dependency adds, forms' unique checks — and asking explicitly for
# another municipality raises :class:`ScopeError`. This follows django-scopes
# (``scope()``, ``scopes_disabled()``), but keyed on the signed-in user's
# municipality and armed only while acting for one: management commands, the
# reminder sweeps and a superuser's requests work across municipalities by
# design. See docs/ARCHITECTURE.md, "Tenant scoping".

class ScopeError(Exception):
    """A query asked for rows of a municipality other than the active one."""


_EVERY = object()  # armed for every municipality: a system task, explicitly
_active: ContextVar[Any] = ContextVar("lederutvikling_scope", default=None)


def active_organisation_id() -> int | None:
    """The municipality the current request or task acts for (None: not armed)."""
    value = _active.get()
    return value if isinstance(value, int) else None


@contextmanager
def scope(organisation_id: int) -> Iterator[None]:
    """Act for one municipality: queries on its models see only its rows."""
    token = _active.set(int(organisation_id))
    try:
        yield
    finally:
        _active.reset(token)


@contextmanager
def unscoped() -> Iterator[None]:
    """Deliberately cross municipalities (uniqueness checks, system work).

    Every use is a reviewed decision: grep for ``unscoped(`` to list them.
    """
    token = _active.set(_EVERY)
    try:
        yield
    finally:
        _active.reset(token)


def scope_q(model: type[models.Model], organisation_id: int) -> Q:
    """The filter that keeps ``model`` inside one municipality (shared rows included)."""
    lookup = organisation_lookup(model)
    assert lookup is not None
    condition = Q(**{lookup: organisation_id})
    if getattr(model, "organisation_shared", False):
        # Rows without a municipality are shared by all (the standard instruments).
        condition |= Q(**{lookup.removesuffix("__pk") + "__isnull": True})
    return condition


def _check_asked_for(model: type[models.Model], organisation_id: int | None) -> None:
    active = active_organisation_id()
    if active is not None and organisation_id is not None and organisation_id != active:
        raise ScopeError(f"{model._meta.label} of municipality {organisation_id} asked for "
                         f"while acting for municipality {active}")


class OrganisationQuerySetMixin(_QuerySetBase):
    def __init__(self, model: Any = None, query: Any = None, using: Any = None,
                 hints: Any = None) -> None:
        super().__init__(model, query, using, hints)
        # A fresh queryset (from a manager, related manager or prefetch; clones
        # pass their query on) is narrowed to the municipality being acted for.
        organisation_id = active_organisation_id()
        if query is None and model is not None and organisation_id is not None:
            self.query.add_q(scope_q(model, organisation_id))

    def in_organisation(self, organisation_id: int | None) -> Self:
        lookup = organisation_lookup(self.model)
        assert lookup is not None, f"{self.model} has no organisation_path"
        if organisation_id is None:
            return self.none()
        _check_asked_for(self.model, organisation_id)
        return self.filter(**{lookup: organisation_id})

    def visible_to(self, user: User | AnonymousUser) -> Self:
        """Superusers see every municipality; everyone else only their own."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        return self.in_organisation(user.organisation_id)


class OrganisationQuerySet(OrganisationQuerySetMixin, models.QuerySet):
    pass


class ScopedHistoricalQuerySet(OrganisationQuerySetMixin, HistoricalQuerySet):
    """History rows (django-simple-history) behind the same guard as the live rows."""


class ScopedHistoryBase(models.Model):
    """The base of every history model of a municipality-owned model.

    Its default manager (what simple-history's version page and the admin's
    lookups use) goes through the guard, as ``Model.history`` does.
    """

    objects = ScopedHistoricalQuerySet.as_manager()

    class Meta:
        abstract = True


def scoped_history(**kwargs: Any) -> HistoricalRecords:
    """``HistoricalRecords`` for a municipality-owned model: its history is guarded too.

    :func:`guard_history` (run at start-up) gives the history model the live
    model's ``organisation_path``.
    """
    return HistoricalRecords(historical_queryset=ScopedHistoricalQuerySet,
                             bases=[ScopedHistoryBase], **kwargs)


def guard_history(model: type[models.Model]) -> None:
    attribute = getattr(model._meta, "simple_history_manager_attribute", None)
    if attribute and is_scoped(model):
        getattr(model, attribute).model.organisation_path = model.organisation_path  # type: ignore[attr-defined]


def scope_queryset[QS: models.QuerySet[Any]](qs: QS, user: User | AnonymousUser) -> QS:
    """Scope any queryset whose model has an ``organisation_path``."""
    lookup = organisation_lookup(qs.model)
    if lookup is None:
        return qs
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.is_superuser:
        return qs
    if user.organisation_id is None:
        return qs.none()
    _check_asked_for(qs.model, user.organisation_id)
    return qs.filter(**{lookup: user.organisation_id})


class ScopeMiddleware:
    """Arms the guard for the signed-in user's municipality for the whole request.

    Superusers serve every municipality and anonymous requests act for none
    (login, password reset, calendar feeds by token look people up across
    municipalities by design), so neither is armed.
    """

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        user = getattr(request, "user", None)
        organisation_id = _organisation_of(user)
        if isinstance(user, SimpleLazyObject) and user._wrapped is not empty:
            # Read above, so loaded: the page's hundreds of reads of request.user (menu,
            # access checks, templates) go to the user itself, not through the lazy
            # wrapper's __getattribute__ (as after login(), which sets the user itself).
            request.user = user._wrapped
        if organisation_id is None:
            return self.get_response(request)
        with scope(organisation_id):
            return self.get_response(request)


def _organisation_of(user: User | AnonymousUser | None) -> int | None:
    if user is None or not user.is_authenticated or user.is_superuser:
        return None
    return user.organisation_id


def guard_unique_checks(model: type[models.Model]) -> None:
    """Uniqueness is installation-wide (an email is one login): check it unscoped.

    Django's ``validate_unique``/``validate_constraints`` query the default
    manager, which the guard narrows; without this a duplicate in another
    municipality would pass validation and fail at the database (a 500).
    """
    for name in ("validate_unique", "validate_constraints"):
        original = getattr(model, name)
        if getattr(original, "_unscoped", False):
            continue

        def checked(self: Any, *args: Any, _original: Callable = original, **kwargs: Any) -> Any:
            with unscoped():
                return _original(self, *args, **kwargs)

        checked._unscoped = True  # type: ignore[attr-defined]
        setattr(model, name, checked)
