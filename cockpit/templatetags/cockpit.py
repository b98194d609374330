"""``{% needs_action_panel %}``: what needs O&F's action, on the admin's start page."""

from __future__ import annotations

from typing import Any

from django import template

from accounts.models import Organisation

from ..rules import needs_action

register = template.Library()


def organisations_for(request: Any) -> tuple[list[int] | None, list[Organisation], int | None]:
    """O&F: their municipality. A system administrator: all, or the one chosen in
    ``?organisation=`` (with the list to choose from)."""
    user = request.user
    if not user.is_superuser:
        return ([user.organisation_id] if user.organisation_id else []), [], None
    choices = list(Organisation.objects.order_by("name"))
    chosen = request.GET.get("organisation", "")
    if chosen.isdigit() and any(org.pk == int(chosen) for org in choices):
        return [int(chosen)], choices, int(chosen)
    return None, choices, None


@register.inclusion_tag("cockpit/admin/needs_action.html", takes_context=True)
def needs_action_panel(context: dict[str, Any]) -> dict[str, Any]:
    request = context["request"]
    organisations, choices, chosen = organisations_for(request)
    items = needs_action(organisations) if organisations != [] else []
    return {"items": items, "choices": choices, "chosen": chosen, "request": request}
