"""The enrolment rules: request, approve, decline, cancel, waiting list, talent seats."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from lib.models import AuditEntry
from lib.testing import assert_refused
from programs import services
from programs.models import Audience, Enrollment, EnrollmentStatus, ModuleStatus
from tests.factories import LeaderFactory, UnitFactory

from .conftest import make_module
from .factories import EnrollmentFactory, today

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mail_after_each_call(committed, monkeypatch):
    """Run every service call here as its own committed unit, so its emails are sent."""
    for name in ("enrollment_request", "enrollment_approve", "enrollment_decline",
                 "enrollment_cancel", "enrollment_enrol", "module_fill_seats"):
        original = getattr(services, name)

        def call(*args, _original=original, **kwargs):
            with committed():
                return _original(*args, **kwargs)

        monkeypatch.setattr(services, name, call)


def _approve(enrollment, actor):
    return services.enrollment_approve(enrollment=enrollment, actor=actor)


def _leaders(personas, n, **kwargs):
    return [LeaderFactory(organisation=personas.org_a, leader_above=personas.boss_leader,
                          **kwargs) for _ in range(n)]


def _seat_all(personas, module, leaders):
    out = []
    for leader in leaders:
        e = EnrollmentFactory(module=module, leader=leader)
        out.append(_approve(e, personas.alice))
    return out


# --- request -----------------------------------------------------------------------------

def test_request_creates_pending_enrolment_audits_and_mails_leader_above(personas, module):
    e = services.enrollment_request(module=module, leader=personas.bob_leader,
                                    note="  Vil bli tryggere  ", actor=personas.bob)
    assert e.status == EnrollmentStatus.REQUESTED and e.note == "Vil bli tryggere"
    assert AuditEntry.objects.filter(action="programs.enrollment.requested",
                                     object_id=str(e.pk)).exists()
    assert [m.to for m in mail.outbox] == [["berit@askvik.example"]]
    message = mail.outbox[0]
    assert "Bob Leder" in message.subject and "Endringsledelse" in message.subject
    assert f"/fordypning/pameldinger/{e.uuid}/" in message.body
    assert f"/fordypning/pameldinger/{e.uuid}/" in message.alternatives[0][0]
    assert f"vår {module.year}." in message.body  # a year, not a grouped number ("2 027")


def test_request_without_leader_above_goes_to_oaf(personas, module):
    lone = LeaderFactory(organisation=personas.org_a, leader_above=None)
    services.enrollment_request(module=module, leader=lone, note="x", actor=lone.user)
    assert [m.to for m in mail.outbox] == [["alice@askvik.example"]]


def test_request_email_is_in_the_approvers_language(personas, module):
    boss = personas.boss_leader.user
    boss.language = "nn"
    boss.save()
    services.enrollment_request(module=module, leader=personas.bob_leader, note="x",
                                actor=personas.bob)
    message = mail.outbox[0]
    assert "ber om plass i Endringsledelse" in message.subject
    assert "Godkjenn eller avslå" in message.body or "Godkjenn eller avslå" in \
        message.alternatives[0][0]
    assert "Hei Berit Sjef" in message.body


@pytest.mark.parametrize("change", [
    {"enrolment_opens_on": today() + dt.timedelta(days=1)},
    {"enrolment_closes_on": today() - dt.timedelta(days=1),
     "enrolment_opens_on": today() - dt.timedelta(days=20)},
    {"status": ModuleStatus.DRAFT},
    {"status": ModuleStatus.CANCELLED},
])
def test_request_in_closed_module_is_refused(personas, module, change):
    for key, value in change.items():
        setattr(module, key, value)
    module.save()
    with pytest.raises(ValidationError) as exc:
        services.enrollment_request(module=module, leader=personas.bob_leader, note="x",
                                    actor=personas.bob)
    assert exc.value.code == "closed"
    assert not Enrollment.objects.exists() and not mail.outbox


def test_request_in_module_not_for_the_leader_is_refused(personas):
    other_area = UnitFactory(organisation=personas.org_a, name="Oppvekst")
    module = make_module(personas.org_a, audience=Audience.UNITS)
    module.audience_units.set([other_area])
    with pytest.raises(ValidationError) as exc:
        services.enrollment_request(module=module, leader=personas.bob_leader, note="x",
                                    actor=personas.bob)
    assert exc.value.code == "not_for_you"
    assert not Enrollment.objects.exists()


def test_unit_audience_includes_the_whole_subtree(personas):
    module = make_module(personas.org_a, audience=Audience.UNITS)
    module.audience_units.set([personas.boss_leader.unit])  # Helse og velferd, Bob's area
    e = services.enrollment_request(module=module, leader=personas.bob_leader, note="x",
                                    actor=personas.bob)
    assert e.pk


def test_level_and_new_leader_audiences(personas):
    by_level = make_module(personas.org_a, audience=Audience.LEVELS,
                           audience_levels=["teamleder"])
    for_new = make_module(personas.org_a, audience=Audience.NEW_LEADERS)
    bob = personas.bob_leader  # virksomhetsleder, leader for over two years
    assert not by_level.is_for(bob) and not for_new.is_for(bob)
    newcomer = LeaderFactory(organisation=personas.org_a, level="teamleder",
                             leader_since=today() - dt.timedelta(days=30))
    assert by_level.is_for(newcomer) and for_new.is_for(newcomer)


def test_request_for_someone_else_is_refused(personas, module, other_leader):
    with pytest.raises(PermissionDenied):
        services.enrollment_request(module=module, leader=personas.bob_leader, note="x",
                                    actor=other_leader.user)
    assert not Enrollment.objects.exists()


def test_second_request_while_one_is_live_is_refused(personas, module, request_of_bob):
    with pytest.raises(ValidationError) as exc:
        services.enrollment_request(module=module, leader=personas.bob_leader, note="igjen",
                                    actor=personas.bob)
    assert exc.value.code == "duplicate"
    assert Enrollment.objects.count() == 1


def test_new_request_allowed_after_cancelling(personas, module, request_of_bob):
    services.enrollment_cancel(enrollment=request_of_bob, actor=personas.bob)
    again = services.enrollment_request(module=module, leader=personas.bob_leader, note="x",
                                        actor=personas.bob)
    assert again.status == EnrollmentStatus.REQUESTED


def test_request_in_full_module_with_full_waiting_list_is_refused(personas, module):
    module.capacity, module.waiting_list_limit = 1, 1
    module.save()
    first, second = _leaders(personas, 2)
    _seat_all(personas, module, [first, second])  # one seated, one waiting
    with pytest.raises(ValidationError) as exc:
        services.enrollment_request(module=module, leader=personas.bob_leader, note="x",
                                    actor=personas.bob)
    assert exc.value.code == "full"
    assert not Enrollment.objects.filter(leader=personas.bob_leader).exists()


# --- approve / decline ---------------------------------------------------------------

def test_leader_above_approves_and_leader_gets_a_seat_and_an_email(personas, request_of_bob):
    e = _approve(request_of_bob, personas.boss_leader.user)
    assert e.status == EnrollmentStatus.SEATED and e.seated_at and e.decided_at
    assert e.decided_by == personas.boss_leader.user
    assert AuditEntry.objects.filter(action="programs.enrollment.approved").count() == 1
    message = mail.outbox[-1]
    assert message.to == ["bob@askvik.example"]
    assert "Du har plass i Endringsledelse" in message.subject


def test_approval_beyond_capacity_goes_to_waiting_list_in_approval_order(personas, module):
    module.capacity = 2
    module.save()
    done = _seat_all(personas, module, _leaders(personas, 5))
    assert [e.status for e in done] == ["plass", "plass", "venteliste", "venteliste",
                                        "venteliste"]
    from programs.selectors import waiting_positions
    positions = waiting_positions(module_ids=[module.pk])
    assert [positions[e.pk] for e in done[2:]] == [1, 2, 3]
    assert "venteliste" in mail.outbox[-1].subject


def test_approving_twice_is_refused_and_changes_nothing(personas, request_of_bob):
    _approve(request_of_bob, personas.boss_leader.user)
    before = Enrollment.objects.get(pk=request_of_bob.pk)
    sent = len(mail.outbox)
    with pytest.raises(ValidationError) as exc:
        _approve(request_of_bob, personas.alice)
    assert exc.value.code == "decided"
    after = Enrollment.objects.get(pk=request_of_bob.pk)
    assert (after.status, after.decided_by_id, after.decided_at) == \
        (before.status, before.decided_by_id, before.decided_at)
    assert len(mail.outbox) == sent


def test_approving_someone_who_is_not_yours_is_refused(personas, request_of_bob, other_leader):
    with pytest.raises(PermissionDenied):
        _approve(request_of_bob, other_leader.user)
    # Nobody approves their own request (issue 26: refused with its own code).
    assert_refused("own_request", lambda: _approve(request_of_bob, personas.bob))
    with pytest.raises(PermissionDenied):
        _approve(request_of_bob, personas.charlie)  # O&F of another municipality
    assert Enrollment.objects.get(pk=request_of_bob.pk).status == EnrollmentStatus.REQUESTED


def test_oaf_can_approve_anyone_in_their_municipality(personas, request_of_bob):
    assert _approve(request_of_bob, personas.alice).status == EnrollmentStatus.SEATED


def test_decline_records_reason_and_tells_the_leader(personas, request_of_bob):
    e = services.enrollment_decline(enrollment=request_of_bob,
                                    actor=personas.boss_leader.user, reason="Ikke i år")
    assert e.status == EnrollmentStatus.DECLINED and e.decision_note == "Ikke i år"
    assert "Ikke i år" in mail.outbox[-1].body
    assert AuditEntry.objects.filter(action="programs.enrollment.declined").exists()
    with pytest.raises(ValidationError):
        _approve(e, personas.boss_leader.user)


# --- cancel and the waiting list -------------------------------------------------------

def test_cancelling_a_seat_gives_it_to_the_first_waiting_leader(personas, module):
    module.capacity = 1
    module.save()
    seated, first_waiting, second_waiting = _seat_all(personas, module, _leaders(personas, 3))
    mail.outbox.clear()
    services.enrollment_cancel(enrollment=seated, actor=seated.leader.user)
    statuses = dict(Enrollment.objects.values_list("pk", "status"))
    assert statuses[seated.pk] == "avmeldt"
    assert statuses[first_waiting.pk] == "plass"
    assert statuses[second_waiting.pk] == "venteliste"
    assert [m.to for m in mail.outbox] == [[first_waiting.leader.user.email]]
    assert "plass" in mail.outbox[0].subject
    assert AuditEntry.objects.filter(action="programs.enrollment.seat_from_waiting_list",
                                     object_id=str(first_waiting.pk)).exists()
    assert AuditEntry.objects.filter(action="programs.enrollment.cancelled").exists()


def test_leader_cannot_cancel_after_cutoff_but_oaf_can(personas, request_of_bob, module):
    e = _approve(request_of_bob, personas.alice)
    module.cancellation_cutoff_on = today() - dt.timedelta(days=1)
    module.save()
    with pytest.raises(ValidationError) as exc:
        services.enrollment_cancel(enrollment=e, actor=personas.bob)
    assert exc.value.code == "cutoff"
    assert "Siste dag for å melde seg av" in exc.value.messages[0]
    assert Enrollment.objects.get(pk=e.pk).status == EnrollmentStatus.SEATED
    services.enrollment_cancel(enrollment=e, actor=personas.alice, reason="Avtalt med O&F")
    assert Enrollment.objects.get(pk=e.pk).status == EnrollmentStatus.CANCELLED
    assert mail.outbox[-1].to == ["bob@askvik.example"]  # told, since O&F did it


def test_cancelling_twice_is_refused(personas, request_of_bob):
    services.enrollment_cancel(enrollment=request_of_bob, actor=personas.bob)
    with pytest.raises(ValidationError):
        services.enrollment_cancel(enrollment=request_of_bob, actor=personas.bob)


def test_someone_else_cannot_cancel(personas, request_of_bob, other_leader):
    with pytest.raises(PermissionDenied):
        services.enrollment_cancel(enrollment=request_of_bob, actor=other_leader.user)
    assert Enrollment.objects.get(pk=request_of_bob.pk).status == EnrollmentStatus.REQUESTED


# --- talent seats ---------------------------------------------------------------------

def test_talent_seats_are_kept_for_talents_until_release(personas, module):
    module.capacity, module.talent_seats = 3, 2
    module.talent_seats_release_on = today() + dt.timedelta(days=5)
    module.save()
    plain = _seat_all(personas, module, _leaders(personas, 2))
    assert [e.status for e in plain] == ["plass", "venteliste"]
    talent = _seat_all(personas, module, _leaders(personas, 1, is_talent=True))[0]
    assert talent.status == EnrollmentStatus.SEATED and talent.talent_seat
    # On the release day the last kept seat goes to the waiting leader, in order.
    promoted = services.module_fill_seats(module=module, today=module.talent_seats_release_on)
    assert [e.pk for e in promoted] == [plain[1].pk]


def test_new_approval_does_not_jump_the_waiting_list_after_release(personas, module):
    module.capacity, module.talent_seats = 2, 1
    module.talent_seats_release_on = today() + dt.timedelta(days=3)
    module.save()
    seated, waiting = _seat_all(personas, module, _leaders(personas, 2))
    assert waiting.status == EnrollmentStatus.WAITING
    late = EnrollmentFactory(module=module, leader=_leaders(personas, 1)[0])
    late = services.enrollment_approve(enrollment=late, actor=personas.alice,
                                       today=module.talent_seats_release_on)
    assert Enrollment.objects.get(pk=waiting.pk).status == EnrollmentStatus.SEATED
    assert late.status == EnrollmentStatus.WAITING


def test_talent_seats_task_fills_released_seats(personas, module):
    from programs.tasks import talent_seats_release

    module.capacity, module.talent_seats = 2, 1
    module.talent_seats_release_on = today() + dt.timedelta(days=3)
    module.save()
    _, waiting = _seat_all(personas, module, _leaders(personas, 2))
    assert talent_seats_release() == 0  # not yet
    module.talent_seats_release_on = today()
    module.save()
    assert talent_seats_release() == 1
    assert Enrollment.objects.get(pk=waiting.pk).status == EnrollmentStatus.SEATED
    assert talent_seats_release() == 0  # idempotent


# --- O&F enrols directly ----------------------------------------------------------------

def test_oaf_enrols_directly_even_outside_window_and_audience(personas, module):
    module.enrolment_closes_on = today() - dt.timedelta(days=1)
    module.enrolment_opens_on = today() - dt.timedelta(days=9)
    module.audience, module.audience_levels = Audience.LEVELS, ["teamleder"]
    module.save()
    e = services.enrollment_enrol(module=module, leader=personas.bob_leader,
                                  actor=personas.alice)
    assert e.status == EnrollmentStatus.SEATED and e.decided_by == personas.alice
    assert AuditEntry.objects.filter(action="programs.enrollment.enrolled").exists()


def test_direct_enrolment_approves_a_pending_request(personas, request_of_bob, module):
    e = services.enrollment_enrol(module=module, leader=personas.bob_leader,
                                  actor=personas.alice)
    assert e.pk == request_of_bob.pk and e.status == EnrollmentStatus.SEATED


def test_direct_enrolment_refuses_duplicates_other_municipality_and_non_oaf(personas, module):
    services.enrollment_enrol(module=module, leader=personas.bob_leader, actor=personas.alice)
    with pytest.raises(ValidationError):
        services.enrollment_enrol(module=module, leader=personas.bob_leader,
                                  actor=personas.alice)
    with pytest.raises(ValidationError):
        services.enrollment_enrol(module=module, leader=personas.dora_leader,
                                  actor=personas.alice)
    with pytest.raises(PermissionDenied):
        services.enrollment_enrol(module=module, leader=personas.boss_leader,
                                  actor=personas.bob)
    assert Enrollment.objects.count() == 1
