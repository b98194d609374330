"""The admin's list pages, written more cheaply than Django does (issue 23), say the same.

The select box of every row is written directly rather than through the form renderer's
templates; the markup must be Django's own, byte for byte, for names that need escaping.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import translation

from accounts.models import Leader
from tests.factories import LeaderFactory

pytestmark = pytest.mark.django_db

AWKWARD = ['Åse "Kari" <Ødegård>\nSmith & Sønn', "Ole's enhet", "Ünal Çelik"]


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_select_box_is_djangos_own_markup(personas, language):
    model_admin = admin.site._registry[Leader]
    with translation.override(language):
        for name in AWKWARD:
            leader = LeaderFactory(organisation=personas.org_a, user__full_name=name)
            ours = model_admin.action_checkbox(leader)
            djangos = admin.ModelAdmin.action_checkbox(model_admin, leader)
            assert ours == djangos
            assert "<Ødegård>" not in ours  # escaped, not raw


def test_the_leader_list_selects_rows_and_an_action_runs_on_them(client, personas):
    odd = LeaderFactory(organisation=personas.org_a, user__full_name=AWKWARD[0])
    client.force_login(personas.alice)
    url = reverse("admin:accounts_leader_changelist")
    page = client.get(url).content.decode()
    assert (f'<input type="checkbox" name="{ACTION_CHECKBOX_NAME}" value="{odd.pk}" '
            'class="action-select" aria-label="') in page
    assert f'value="{personas.dora_leader.pk}"' not in page  # the other municipality's
    # The boxes are what Django's actions read: the confirmation page lists the row.
    confirm = client.post(url, {"action": "delete_selected",
                                ACTION_CHECKBOX_NAME: [odd.pk]})
    assert confirm.status_code == 200
    assert "Åse" in confirm.content.decode()
    assert Leader.objects.filter(pk=odd.pk).exists()  # only asked, nothing deleted yet


def test_a_long_filter_is_djangos_filter_markup():
    from django.template.loader import get_template
    from django.utils.safestring import mark_safe

    choices = [
        {"selected": False, "query_string": "?", "display": "Alle"},
        {"selected": True, "query_string": "?enhet=7&o=1", "display": "Oppvekst"},
        {"selected": False, "query_string": "?enhet=8&q=Åse ø",
         "display": '\u2003Nordby skole "A" <&>'},
        {"selected": False, "query_string": "?enhet=9", "display": mark_safe("<b>x</b>")},
    ]
    context = {"title": "enhet (med enhetene under)", "choices": choices, "spec": None}
    ours = get_template("admin/filter_many.html").render(context)
    djangos = get_template("admin/filter.html").render(context)
    assert ours == djangos
    assert "&lt;&amp;&gt;" in ours and "%C3%85se%20%C3%B8" in ours


def test_the_leader_list_uses_the_long_filter(client, personas):
    client.force_login(personas.alice)
    page = client.get(reverse("admin:accounts_leader_changelist")).content.decode()
    unit = personas.boss_leader.unit  # «Helse og velferd», a service area
    assert f'<a href="?enhet={unit.pk}">{unit.name}</a>' in page
