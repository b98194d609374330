"""Every leader-facing view: the owner can, a read-only member gets 403, an outsider 404.

Personas: Bob (leader in A) and his leader above Berit; Kari (another leader in
A, not Bob's leader above, and outside a unit-restricted module's audience);
Alice (O&F of A); Charlie and Dora (municipality B).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from programs import services
from programs.models import Audience, Enrollment, EnrollmentStatus, ModuleStatus
from tests.factories import UserFactory

from .conftest import make_module, sessions_held
from .factories import GatheringFactory, ProgrammeParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit_module(personas):
    """A module only for Bob's service area (Kari sits elsewhere)."""
    module = make_module(personas.org_a, topic="Kompetanseledelse", audience=Audience.UNITS)
    module.audience_units.set([personas.boss_leader.unit])
    return module


def _get(client, user, name, **kwargs):
    client.force_login(user)
    return client.get(reverse(f"programs:{name}", kwargs=kwargs))


def _post(client, user, name, data=None, **kwargs):
    client.force_login(user)
    return client.post(reverse(f"programs:{name}", kwargs=kwargs), data or {})


def _messages(response):
    return [str(m) for m in response.wsgi_request._messages]


# --- module list ---------------------------------------------------------------------------

def test_module_list_shows_own_modules_with_seats(client, personas, module):
    response = _get(client, personas.bob, "module_list")
    text = response.content.decode()
    assert response.status_code == 200
    assert "Endringsledelse" in text and "20 av 20 plasser ledige" in text
    assert f"Vår {module.year} ·" in text
    assert "Søk om plass i Endringsledelse" in text


def test_module_list_hides_modules_not_for_the_leader_and_drafts(client, personas, unit_module,
                                                                 other_leader):
    draft = make_module(personas.org_a, topic="Hemmelig utkast", status=ModuleStatus.DRAFT)
    text = _get(client, other_leader.user, "module_list").content.decode()
    assert "Kompetanseledelse" not in text and draft.topic not in text
    assert "Kompetanseledelse" in _get(client, personas.bob, "module_list").content.decode()
    assert draft.topic in _get(client, personas.alice, "module_list").content.decode()


def test_module_list_never_shows_another_municipality(client, personas, module, b_module):
    assert "Brattli-modul" not in _get(client, personas.bob, "module_list").content.decode()
    text = _get(client, personas.dora_leader.user, "module_list").content.decode()
    assert "Brattli-modul" in text and "Endringsledelse" not in text


# --- module page ------------------------------------------------------------------------------

def test_module_page_owner_readonly_outsider(client, personas, unit_module, other_leader):
    kwargs = {"module_uuid": unit_module.uuid}
    response = _get(client, personas.bob, "module_detail", **kwargs)
    assert response.status_code == 200
    assert "Søk om plass" in response.content.decode()
    denied = _get(client, other_leader.user, "module_detail", **kwargs)
    assert denied.status_code == 403
    assert "Denne modulen er ikke åpen for deg." in denied.content.decode()
    assert _get(client, personas.charlie, "module_detail", **kwargs).status_code == 404
    assert _get(client, personas.dora_leader.user, "module_detail", **kwargs).status_code == 404


def test_draft_module_is_404_for_leaders_but_open_to_oaf(client, personas, module):
    module.status = ModuleStatus.DRAFT
    module.save()
    assert _get(client, personas.bob, "module_detail", module_uuid=module.uuid).status_code == 404
    assert _get(client, personas.alice, "module_detail",
                module_uuid=module.uuid).status_code == 200


def test_leader_above_may_open_a_module_their_report_asked_for(client, personas, unit_module,
                                                               other_leader):
    from .factories import EnrollmentFactory

    EnrollmentFactory(module=unit_module, leader=personas.bob_leader)
    personas.bob_leader.leader_above = other_leader
    personas.bob_leader.save()
    assert _get(client, other_leader.user, "module_detail",
                module_uuid=unit_module.uuid).status_code == 200


# --- asking for a place ---------------------------------------------------------------------

def test_request_owner_readonly_outsider(client, personas, unit_module, other_leader):
    kwargs = {"module_uuid": unit_module.uuid}
    data = {"note": "Jeg vil bli bedre på kompetanseplanlegging."}
    response = _post(client, personas.bob, "enrollment_request", data, **kwargs)
    assert response.status_code == 302
    assert "Søknaden er sendt til lederen din" in _messages(response)[0]
    assert Enrollment.objects.get().leader == personas.bob_leader
    assert _post(client, other_leader.user, "enrollment_request", data,
                 **kwargs).status_code == 403
    assert _post(client, personas.dora_leader.user, "enrollment_request", data,
                 **kwargs).status_code == 404
    assert Enrollment.objects.count() == 1


def test_request_needs_post(client, personas, module):
    assert _get(client, personas.bob, "enrollment_request",
                module_uuid=module.uuid).status_code == 405


def test_request_without_note_or_too_long_note_changes_nothing(client, personas, module):
    kwargs = {"module_uuid": module.uuid}
    empty = _post(client, personas.bob, "enrollment_request", {"note": "  "}, **kwargs)
    assert empty.status_code == 400
    assert "Skriv noen ord om hvorfor du vil delta." in empty.content.decode()
    tampered = _post(client, personas.bob, "enrollment_request", {"note": "x" * 2001}, **kwargs)
    assert tampered.status_code == 400
    assert not Enrollment.objects.exists()


def test_request_in_closed_module_shows_message(client, personas, module):
    module.enrolment_opens_on = module.enrolment_closes_on
    module.save()
    response = _post(client, personas.bob, "enrollment_request", {"note": "x"},
                     module_uuid=module.uuid)
    assert _messages(response) == ["Påmeldingen til denne modulen er stengt."]
    assert not Enrollment.objects.exists()


def test_request_in_full_module_shows_message(client, personas, module):
    module.capacity, module.waiting_list_limit = 1, 0
    module.save()
    from .factories import EnrollmentFactory
    seated = EnrollmentFactory(module=module, leader__organisation=personas.org_a)
    services.enrollment_approve(enrollment=seated, actor=personas.alice)
    response = _post(client, personas.bob, "enrollment_request", {"note": "x"},
                     module_uuid=module.uuid)
    assert _messages(response) == ["Modulen er full, og ventelisten også."]
    assert not Enrollment.objects.filter(leader=personas.bob_leader).exists()


def test_request_twice_shows_message(client, personas, module, request_of_bob):
    response = _post(client, personas.bob, "enrollment_request", {"note": "x"},
                     module_uuid=module.uuid)
    assert _messages(response) == ["Du har allerede søkt om plass i denne modulen."]
    assert Enrollment.objects.count() == 1


def test_non_leader_cannot_ask_for_a_place(client, personas, module):
    response = _post(client, personas.alice, "enrollment_request", {"note": "x"},
                     module_uuid=module.uuid)
    assert response.status_code == 403
    assert not Enrollment.objects.exists()


def test_malformed_module_id_is_404(client, personas):
    client.force_login(personas.bob)
    assert client.get("/fordypning/moduler/ikke-en-uuid/").status_code == 404


# --- enrolment page and decisions -------------------------------------------------------------

def test_enrollment_page_owner_approver_readonly_outsider(client, personas, request_of_bob,
                                                           other_leader):
    kwargs = {"enrollment_uuid": request_of_bob.uuid}
    own = _get(client, personas.bob, "enrollment_detail", **kwargs)
    assert own.status_code == 200 and "Godkjenn Bob Leder" not in own.content.decode()
    boss = _get(client, personas.boss_leader.user, "enrollment_detail", **kwargs)
    assert boss.status_code == 200 and "Godkjenn Bob Leder" in boss.content.decode()
    assert _get(client, other_leader.user, "enrollment_detail", **kwargs).status_code == 403
    assert _get(client, personas.charlie, "enrollment_detail", **kwargs).status_code == 404


def test_approve_owner_readonly_outsider(client, personas, request_of_bob, other_leader):
    kwargs = {"enrollment_uuid": request_of_bob.uuid}
    assert _post(client, personas.bob, "enrollment_approve", **kwargs).status_code == 403
    refused = _post(client, other_leader.user, "enrollment_approve", **kwargs)
    assert refused.status_code == 403
    assert "tilhører en leder som ikke rapporterer til deg" in refused.content.decode()
    assert _post(client, personas.charlie, "enrollment_approve", **kwargs).status_code == 404
    assert Enrollment.objects.get().status == EnrollmentStatus.REQUESTED
    response = _post(client, personas.boss_leader.user, "enrollment_approve", **kwargs)
    assert response.status_code == 302
    assert _messages(response) == ["Godkjent: Bob Leder har fått plass."]
    assert Enrollment.objects.get().status == EnrollmentStatus.SEATED


def test_approving_twice_shows_message_and_changes_nothing(client, personas, request_of_bob):
    kwargs = {"enrollment_uuid": request_of_bob.uuid}
    _post(client, personas.boss_leader.user, "enrollment_approve", **kwargs)
    decided_at = Enrollment.objects.get().decided_at
    again = _post(client, personas.alice, "enrollment_approve", **kwargs)
    assert _messages(again)[-1] == "Denne søknaden er allerede behandlet."
    assert Enrollment.objects.get().decided_at == decided_at


def test_approve_from_min_side_returns_there_but_not_to_other_sites(client, personas,
                                                                    request_of_bob):
    kwargs = {"enrollment_uuid": request_of_bob.uuid}
    back = _post(client, personas.boss_leader.user, "enrollment_approve",
                 {"next": "/min-side/"}, **kwargs)
    assert back.url == "/min-side/"
    services.enrollment_cancel(enrollment=request_of_bob, actor=personas.alice,
                               reason="Ny søknad")
    again = services.enrollment_request(module=request_of_bob.module,
                                        leader=personas.bob_leader, note="x", actor=personas.bob)
    evil = _post(client, personas.boss_leader.user, "enrollment_approve",
                 {"next": "https://evil.example/"}, enrollment_uuid=again.uuid)
    assert evil.url == reverse("programs:enrollment_detail", args=[again.uuid])


def test_decline_owner_readonly_outsider(client, personas, request_of_bob, other_leader):
    kwargs = {"enrollment_uuid": request_of_bob.uuid}
    data = {"reason": "Ikke nå"}
    assert _post(client, personas.bob, "enrollment_decline", data, **kwargs).status_code == 403
    assert _post(client, other_leader.user, "enrollment_decline", data,
                 **kwargs).status_code == 403
    assert _post(client, personas.charlie, "enrollment_decline", data,
                 **kwargs).status_code == 404
    confirm = _post(client, personas.boss_leader.user, "enrollment_decline", data, **kwargs)
    assert confirm.status_code == 200  # the confirmation step; nothing is declined yet
    assert Enrollment.objects.get().status == EnrollmentStatus.REQUESTED
    response = _post(client, personas.boss_leader.user, "enrollment_decline",
                     {**data, "confirm": "1"}, **kwargs)
    assert response.status_code == 302
    e = Enrollment.objects.get()
    assert e.status == EnrollmentStatus.DECLINED and e.decision_note == "Ikke nå"


def test_decline_with_tampered_reason_changes_nothing(client, personas, request_of_bob):
    response = _post(client, personas.boss_leader.user, "enrollment_decline",
                     {"reason": "x" * 2001}, enrollment_uuid=request_of_bob.uuid)
    assert response.status_code == 302
    assert _messages(response)  # the length error, in the user's language
    assert Enrollment.objects.get().status == EnrollmentStatus.REQUESTED


def test_cancel_owner_readonly_outsider(client, personas, request_of_bob, other_leader):
    kwargs = {"enrollment_uuid": request_of_bob.uuid}
    assert _post(client, other_leader.user, "enrollment_cancel", **kwargs).status_code == 403
    assert _post(client, personas.charlie, "enrollment_cancel", **kwargs).status_code == 404
    assert Enrollment.objects.get().status == EnrollmentStatus.REQUESTED
    response = _post(client, personas.bob, "enrollment_cancel", **kwargs)
    assert _messages(response) == ["Påmeldingen er avmeldt."]
    assert Enrollment.objects.get().status == EnrollmentStatus.CANCELLED


def test_cancel_after_cutoff_shows_message(client, personas, module, request_of_bob):
    import datetime as dt

    services.enrollment_approve(enrollment=request_of_bob, actor=personas.alice)
    module.cancellation_cutoff_on = module.enrolment_opens_on - dt.timedelta(days=1)
    module.save()
    response = _post(client, personas.bob, "enrollment_cancel", {"confirm": "1"},
                     enrollment_uuid=request_of_bob.uuid)
    assert response.status_code == 400
    assert "Siste dag for å melde seg av var" in response.content.decode()
    assert Enrollment.objects.get().status == EnrollmentStatus.SEATED


def test_messages_follow_the_users_language(client, personas, module, request_of_bob):
    personas.bob.language = "nn"
    personas.bob.save()
    response = _post(client, personas.bob, "enrollment_request", {"note": "x"},
                     module_uuid=module.uuid)
    assert _messages(response) == ["Du har allereie søkt om plass i denne modulen."]


# --- calendars --------------------------------------------------------------------------------

def test_ics_owner_readonly_outsider(client, personas, unit_module, other_leader):
    session = unit_module.sessions.first()
    for name, kwargs in (("module_ics", {"module_uuid": unit_module.uuid}),
                         ("session_ics", {"session_uuid": session.uuid})):
        response = _get(client, personas.bob, name, **kwargs)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/calendar")
        assert b"BEGIN:VEVENT" in response.content
        assert _get(client, other_leader.user, name, **kwargs).status_code == 403
        assert _get(client, personas.dora_leader.user, name, **kwargs).status_code == 404


def test_gathering_ics_owner_readonly_outsider(client, personas, other_leader):
    participation = ProgrammeParticipantFactory(programme__organisation=personas.org_a,
                                                leader=personas.bob_leader)
    gathering = GatheringFactory(programme=participation.programme, theme="Relasjonsleiing")
    kwargs = {"gathering_uuid": gathering.uuid}
    response = _get(client, personas.bob, "gathering_ics", **kwargs)
    assert response.status_code == 200 and b"Relasjonsleiing" in response.content
    assert _get(client, other_leader.user, "gathering_ics", **kwargs).status_code == 403
    assert _get(client, personas.charlie, "gathering_ics", **kwargs).status_code == 404


# --- programme page ---------------------------------------------------------------------------

def test_programme_page_owner_readonly_outsider(client, personas, module):
    programme = module.programme
    GatheringFactory(programme=programme, theme="Felles lederplattform")
    response = _get(client, personas.bob, "programme_detail", slug=programme.slug)
    assert response.status_code == 200
    assert "Felles lederplattform" in response.content.decode()
    coach = UserFactory(organisation=personas.org_a, is_coach=True)
    assert _get(client, coach, "programme_detail", slug=programme.slug).status_code == 403
    assert _get(client, personas.charlie, "programme_detail",
                slug=programme.slug).status_code == 404


# --- attendance register ------------------------------------------------------------------------

def test_register_owner_readonly_outsider(client, personas, module, request_of_bob, facilitator):
    services.enrollment_approve(enrollment=request_of_bob, actor=personas.alice)
    sessions_held(module)
    session = module.sessions.first()
    session.facilitators.add(facilitator)
    kwargs = {"session_uuid": session.uuid}
    page = _get(client, facilitator, "session_register", **kwargs)
    assert page.status_code == 200 and "Bob Leder" in page.content.decode()
    assert _get(client, personas.alice, "session_register", **kwargs).status_code == 200
    assert _get(client, personas.bob, "session_register", **kwargs).status_code == 403
    assert _get(client, personas.charlie, "session_register", **kwargs).status_code == 404
    response = _post(client, facilitator, "session_register",
                     {"present": [request_of_bob.pk]}, **kwargs)
    assert response.status_code == 302
    assert _messages(response) == ["Oppmøte lagret: 1 til stede, 0 fraværende."]
    assert request_of_bob.attendances.get().attended


def test_register_with_tampered_list_changes_nothing(client, personas, module, request_of_bob):
    services.enrollment_approve(enrollment=request_of_bob, actor=personas.alice)
    other_module = make_module(personas.org_a)
    from .factories import EnrollmentFactory
    foreign = EnrollmentFactory(module=other_module, leader__organisation=personas.org_a)
    services.enrollment_approve(enrollment=foreign, actor=personas.alice)
    sessions_held(module)
    session = module.sessions.first()
    response = _post(client, personas.alice, "session_register",
                     {"present": [request_of_bob.pk, foreign.pk]}, session_uuid=session.uuid)
    assert response.status_code == 400
    assert "Listen er endret" in response.content.decode()
    garbage = _post(client, personas.alice, "session_register", {"present": ["x"]},
                    session_uuid=session.uuid)
    assert garbage.status_code == 400
    assert not session.attendances.exists()


def test_every_page_needs_login(client, module):
    response = client.get(reverse("programs:module_list"))
    assert response.status_code == 302 and "/konto/logg-inn/" in response.url


def test_register_refuses_a_session_that_has_not_started(client, personas, module,
                                                         request_of_bob, facilitator):
    """Issue 21 item 13: no "1 present, 0 absent" for a session in February."""
    from django.core.exceptions import ValidationError

    services.enrollment_approve(enrollment=request_of_bob, actor=personas.alice)
    session = module.sessions.order_by("date").first()  # 60 days ahead
    session.facilitators.add(facilitator)
    kwargs = {"session_uuid": session.uuid}
    page = _get(client, facilitator, "session_register", **kwargs)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Oppmøte kan registreres når samlingen har begynt" in text
    assert "Lagre oppmøte" not in text  # no form to tick
    response = _post(client, facilitator, "session_register",
                     {"present": [request_of_bob.pk]}, **kwargs)
    assert "Oppmøte kan registreres når samlingen har begynt" in " ".join(_messages(response))
    assert not session.attendances.exists()
    for language, phrase in (("nn", "Oppmøte kan registrerast når samlinga har starta"),
                             ("en", "Attendance can be kept once the session has started")):
        from django.utils import translation
        with translation.override(language), pytest.raises(ValidationError) as exc:
            services.attendance_register(session=session, present_ids=[request_of_bob.pk],
                                         actor=facilitator)
        assert exc.value.code == "session_not_started"
        assert phrase in exc.value.messages[0]
    # Once it has started (earlier today), the same list is kept.
    sessions_held(module, days_ago=0)
    session.refresh_from_db()
    session.starts_at = dt.time(0, 0)
    session.save(update_fields=["starts_at"])
    response = _post(client, facilitator, "session_register",
                     {"present": [request_of_bob.pk]}, **kwargs)
    assert response.status_code == 302
    assert request_of_bob.attendances.get().attended


def test_past_sessions_are_one_click_from_the_facilitators_min_side(client, personas, module,
                                                                   facilitator):
    sessions_held(module, days_ago=20)  # 20, 13 and 6 days ago
    sessions = list(module.sessions.order_by("date"))
    coming = make_module(personas.org_a, topic="Kommende modul").sessions.order_by("date")[0]
    for s in (*sessions, coming):
        s.facilitators.add(facilitator)
    client.force_login(facilitator)
    text = client.get(reverse("accounts:min_side")).content.decode()
    for s in sessions:
        assert reverse("programs:session_register", args=[s.uuid]) in text
    assert "ikke registrert ennå" in text
    # The coming session is listed, but not as an attendance link.
    assert "Kommende modul" in text
    assert reverse("programs:session_register", args=[coming.uuid]) not in text
