from __future__ import annotations

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from accounts.models import User
from lib.testing import assert_queries_stable
from tests.factories import PASSWORD, LeaderFactory, LeaderGroupMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_every_page_but_login_requires_login(client):
    for url in (reverse("accounts:min_side"), "/", reverse("password_change")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    for url in (reverse("login"), reverse("password_reset"), reverse("password_reset_done")):
        assert client.get(url).status_code == 200


def test_login_with_email_lands_on_min_side(client, personas):
    response = client.post(reverse("login"), {"username": "BOB@askvik.example",
                                              "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("accounts:min_side")


def test_wrong_login_does_not_reveal_whether_email_exists(client, personas):
    known = client.post(reverse("login"), {"username": "bob@askvik.example", "password": "feil"})
    unknown = client.post(reverse("login"), {"username": "ingen@askvik.example",
                                             "password": "feil"})
    assert known.status_code == unknown.status_code == 200
    known_errors = known.context["form"].non_field_errors()
    assert known_errors == unknown.context["form"].non_field_errors()
    assert "Feil e-postadresse eller passord" in known.content.decode()
    assert "_auth_user_id" not in client.session


def test_min_side_shows_who_where_and_leader_above(client, personas):
    client.force_login(personas.bob)
    response = client.get(reverse("accounts:min_side"))
    text = response.content.decode()
    assert response.status_code == 200
    for expected in ("Bob Leder", "Virksomhetsleder", "Helse og velferd", "Solbakken sykehjem",
                     "Berit Sjef"):
        assert expected in text
    assert reverse("admin:index") not in text  # a leader gets no admin link


def test_min_side_links_administrators_to_admin(client, personas):
    client.force_login(personas.alice)
    response = client.get(reverse("accounts:min_side"))
    assert reverse("admin:index") in response.content.decode()


def test_min_side_lists_reports_of_a_leader_above(client, personas):
    client.force_login(personas.boss_leader.user)
    response = client.get(reverse("accounts:min_side"))
    assert "Bob Leder" in response.content.decode()


def test_min_side_reads_the_leader_above_with_the_reports_in_one_query(client, personas):
    """The leader's profile comes with the signed-in user; the leader above (a name with
    a newline and accents) and the direct reports (two in units with the same name) are
    one query, and the page tells them apart."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import UnitFactory

    bob = personas.bob_leader
    boss = personas.boss_leader
    boss.user.full_name = "Berit\nSjø-Ødegård"
    boss.user.save(update_fields=["full_name"])
    twins = [UnitFactory(organisation=personas.org_a, name="Rådgiving") for _ in range(2)]
    for name, unit in zip(("Åse Ås", "Kåre Kå"), twins, strict=True):
        LeaderFactory(organisation=personas.org_a, unit=unit, leader_above=bob,
                      title="Teamleder", user__full_name=name)
    client.force_login(personas.bob)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("accounts:min_side"))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Berit\nSjø-Ødegård (" in text
    assert text.count("Rådgiving") >= 2 and "Åse Ås" in text and "Kåre Kå" in text
    leader_reads = [q["sql"] for q in queries.captured_queries
                    if q["sql"].startswith('SELECT "accounts_leader"')]
    assert len(leader_reads) == 1 and '"leader_above_id" =' in leader_reads[0]
    # The top of the line: no leader above, and Bob among the reports.
    client.force_login(boss.user)
    text = client.get(reverse("accounts:min_side")).content.decode()
    assert "Ingen registrert" in text and "Bob Leder – Virksomhetsleder" in text


def test_min_side_query_count_does_not_grow(client, personas):
    boss = personas.boss_leader
    client.force_login(boss.user)
    group = LeaderGroupMembershipFactory(group__organisation=personas.org_a, group__head=boss,
                                         leader=personas.bob_leader).group

    def grow(n: int) -> None:
        for _ in range(n):
            leader = LeaderFactory(organisation=personas.org_a, leader_above=boss)
            LeaderGroupMembershipFactory(group=group, leader=leader)
            LeaderGroupMembershipFactory(group__organisation=personas.org_a, leader=boss)

    # session, user with leader profile (unit, organisation), unit ancestors, direct
    # reports with the leader above, then each app's panel (each app pins its own panel's count in
    # its tests); a page view writes no session (renewed at most once a minute). The whole
    # page must not grow with the number of reports and groups.
    assert_queries_stable(lambda: client.get(reverse("accounts:min_side")), grow=grow)


def test_unknown_url_gets_styled_404_in_users_language(client, personas):
    personas.bob.language = "nn"
    personas.bob.save()
    client.force_login(personas.bob)
    with override_settings(DEBUG=False):
        response = client.get("/finst-ikkje/")
    assert response.status_code == 404
    text = response.content.decode()
    assert 'lang="nn"' in text
    assert "Fann ikkje sida" in text


def test_language_choice_is_remembered_on_the_account(client, personas):
    client.force_login(personas.bob)
    response = client.post(reverse("accounts:language_set"),
                           {"language": "nn", "next": reverse("accounts:min_side")})
    assert response.status_code == 302
    personas.bob.refresh_from_db()
    assert personas.bob.language == "nn"
    client.cookies.clear()  # a new device: no cookie, the account decides
    client.force_login(personas.bob)
    response = client.get(reverse("accounts:min_side"))
    assert "Mi side" in response.content.decode()


def test_unknown_language_is_refused_and_changes_nothing(client, personas):
    client.force_login(personas.bob)
    response = client.post(reverse("accounts:language_set"), {"language": "xx"}, follow=True)
    personas.bob.refresh_from_db()
    assert personas.bob.language == "nb"
    assert "Velg et av språkene i lista" in response.content.decode()


def test_language_switch_refuses_foreign_redirects(client, personas):
    client.force_login(personas.bob)
    response = client.post(reverse("accounts:language_set"),
                           {"language": "en", "next": "https://evil.example/"})
    assert response.url == reverse("accounts:min_side")


def test_password_reset_mail_is_in_the_readers_language(
        client, personas, django_capture_on_commit_callbacks):
    personas.bob.language = "nn"
    personas.bob.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "bob@askvik.example"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["bob@askvik.example"]
    assert "Vel eit nytt passord" in message.subject
    html = message.alternatives[0][0]
    assert "/konto/passord/ny/" in message.body and "/konto/passord/ny/" in html
    # The link works: it leads to the form for a new password.
    link = next(w for w in message.body.split() if "/konto/passord/ny/" in w)
    response = client.get(link.split("testserver")[-1], follow=True)
    assert response.context["validlink"] is True


def test_password_reset_for_unknown_email_sends_nothing_but_looks_the_same(
        client, personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "ingen@askvik.example"})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


def test_healthz_reports_database_and_broker(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "broker": "ok"}


def test_healthz_is_503_when_the_broker_is_down(client, settings):
    from lederutvikling.celery import app

    old = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        response = client.get(reverse("healthz"))
    finally:
        app.conf.broker_url = old
    assert response.status_code == 503
    assert response.json()["broker"] == "down"
    assert response.json()["database"] == "ok"


def test_no_traceback_when_debug_is_off(client, personas, monkeypatch):
    from accounts import views

    def boom(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(views, "min_side_get", boom)
    client.raise_request_exception = False
    client.force_login(personas.bob)
    with override_settings(DEBUG=False):
        response = client.get(reverse("accounts:min_side"))
    assert response.status_code == 500
    text = response.content.decode()
    assert "secret internals" not in text and "Traceback" not in text
    assert "Noe gikk galt" in text


def test_csp_header_has_a_nonce_and_no_unsafe_inline(client, personas):
    client.force_login(personas.bob)
    response = client.get(reverse("accounts:min_side"))
    csp = response.headers["Content-Security-Policy"]
    assert "'nonce-" in csp
    assert "unsafe-inline" not in csp
    assert "<script>" not in response.content.decode()  # no inline scripts


def test_inactive_user_cannot_log_in(client):
    UserFactory(email="gone@askvik.example", is_active=False)
    client.post(reverse("login"), {"username": "gone@askvik.example", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert User.objects.get(email="gone@askvik.example").last_login is None
