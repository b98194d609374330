"""O&F's admin: lists with seat counts, scoped; actions call the services."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from programs import services
from programs.models import Attendance, Enrollment, EnrollmentStatus, Module
from tests.factories import LeaderFactory

from .conftest import sessions_held
from .factories import EnrollmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_module(personas, module):
    """Capacity 2: Bob and one more seated, a third leader waiting, a fourth asking."""
    module.capacity = 2
    module.save()
    leaders = [personas.bob_leader] + [LeaderFactory(organisation=personas.org_a,
                                                     user__full_name=f"Leder Nummer{i}")
                                       for i in range(3)]
    rows = [EnrollmentFactory(module=module, leader=leader) for leader in leaders]
    for e in rows[:3]:
        services.enrollment_approve(enrollment=e, actor=personas.alice)
    return module, rows


@pytest.mark.parametrize("name", ["programme", "gathering", "module", "modulesession",
                                  "enrollment"])
def test_changelists_are_scoped(client, personas, full_module, b_module, name):
    client.force_login(personas.alice)
    response = client.get(reverse(f"admin:programs_{name}_changelist"))
    assert response.status_code == 200
    assert "Brattli" not in response.content.decode()


def test_module_list_shows_seated_waiting_free_and_requests(client, personas, full_module):
    client.force_login(personas.alice)
    response = client.get(reverse("admin:programs_module_changelist"))
    (row,) = response.context["cl"].result_list
    assert (row.seated_count, row.waiting_count, row.requested_count) == (2, 1, 1)
    assert row.seat_state().free == 0


def test_enrollment_list_shows_waiting_position(client, personas, full_module):
    client.force_login(personas.alice)
    text = client.get(reverse("admin:programs_enrollment_changelist")).content.decode()
    assert "venteliste, nr. 1" in text


def test_outsider_cannot_open_the_module(client, personas, full_module):
    module, _ = full_module
    client.force_login(personas.charlie)
    response = client.get(reverse("admin:programs_module_change", args=[module.pk]))
    assert response.status_code == 404  # not in the outsider's rows
    assert client.get(reverse("admin:programs_module_enrol", args=[module.pk])).status_code == 404


def test_add_module_with_levels_and_sessions(client, personas, module):
    client.force_login(personas.alice)
    data = {
        "programme": module.programme.pk, "topic": "Strategisk ledelse", "description": "",
        "term": "host", "year": 2027, "status": "publisert", "audience": "nivaer",
        "audience_levels": ["kommunalsjef", "virksomhetsleder"], "capacity": 20,
        "waiting_list_limit": "", "talent_seats": 5, "talent_seats_release_on": "",
        "enrolment_opens_on": "2027-03-01", "enrolment_closes_on": "2027-08-15",
        "cancellation_cutoff_on": "2027-08-25", "min_sessions_attended": 2,
        "sessions-TOTAL_FORMS": 2, "sessions-INITIAL_FORMS": 0,
        "accounts-approvalstep-content_type-object_id-TOTAL_FORMS": 0,  # approval steps
        "accounts-approvalstep-content_type-object_id-INITIAL_FORMS": 0,
        "sessions-0-date": "2027-09-07", "sessions-0-starts_at": "09:00",
        "sessions-0-ends_at": "12:00", "sessions-0-place": "Rådhuset",
        "sessions-1-date": "2027-10-12", "sessions-1-starts_at": "09:00",
        "sessions-1-ends_at": "12:00", "sessions-1-place": "Rådhuset",
    }
    response = client.post(reverse("admin:programs_module_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    created = Module.objects.get(topic="Strategisk ledelse")
    assert created.audience_levels == ["kommunalsjef", "virksomhetsleder"]
    assert created.sessions.count() == 2


def test_more_seats_move_the_waiting_list_up(client, personas, full_module):
    module, rows = full_module
    client.force_login(personas.alice)
    page = client.get(reverse("admin:programs_module_change", args=[module.pk]))
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "audience_units"}
    data.update({"capacity": 3, "audience_levels": [], "waiting_list_limit": "",
                 "talent_seats_release_on": "", "sessions-TOTAL_FORMS": 0,
                 "sessions-INITIAL_FORMS": 0,
                 "accounts-approvalstep-content_type-object_id-TOTAL_FORMS": 0,
                 "accounts-approvalstep-content_type-object_id-INITIAL_FORMS": 0})
    response = client.post(reverse("admin:programs_module_change", args=[module.pk]), data)
    assert response.status_code == 302
    assert Enrollment.objects.get(pk=rows[2].pk).status == EnrollmentStatus.SEATED


def test_capacity_below_seated_is_refused(personas, full_module):
    module, _ = full_module
    module.capacity = 1
    with pytest.raises(Exception) as exc:
        module.full_clean()
    assert "capacity" in exc.value.message_dict


def test_approve_and_cancel_actions(client, personas, full_module):
    module, rows = full_module
    client.force_login(personas.alice)
    url = reverse("admin:programs_enrollment_changelist")
    client.post(url, {"action": "approve", ACTION_CHECKBOX_NAME: [rows[3].pk, rows[0].pk]})
    assert Enrollment.objects.get(pk=rows[3].pk).status == EnrollmentStatus.WAITING
    client.post(url, {"action": "cancel", ACTION_CHECKBOX_NAME: [rows[0].pk],
                      "reason": "Sluttet"})
    statuses = dict(Enrollment.objects.values_list("pk", "status"))
    assert statuses[rows[0].pk] == EnrollmentStatus.CANCELLED
    assert statuses[rows[2].pk] == EnrollmentStatus.SEATED  # first in line moved up
    assert statuses[rows[3].pk] == EnrollmentStatus.WAITING


def test_mark_attendance_action(client, personas, full_module):
    module, rows = full_module
    sessions_held(module)
    session = module.sessions.first()
    client.force_login(personas.alice)
    url = reverse("admin:programs_enrollment_changelist")
    chosen = {ACTION_CHECKBOX_NAME: [rows[0].pk, rows[1].pk], "action": "mark_attendance"}
    page = client.post(url, chosen)
    assert page.status_code == 200 and "Registrer oppmøte" in page.content.decode()
    client.post(url, {**chosen, "session": session.pk, "attended": "1"})
    assert set(Attendance.objects.filter(attended=True).values_list("enrollment_id",
                                                                    flat=True)) == \
        {rows[0].pk, rows[1].pk}
    # A waiting leader cannot be marked: nothing changes.
    client.post(url, {ACTION_CHECKBOX_NAME: [rows[2].pk], "action": "mark_attendance",
                      "session": session.pk, "attended": "1"})
    assert Attendance.objects.count() == 2


def test_enrol_view_enrols_all_or_none(client, personas, full_module):
    module, rows = full_module
    client.force_login(personas.alice)
    url = reverse("admin:programs_module_enrol", args=[module.pk])
    assert client.get(url).status_code == 200
    newcomer = LeaderFactory(organisation=personas.org_a)
    refused = client.post(url, {"leaders": [newcomer.pk, personas.bob_leader.pk]})
    assert refused.status_code == 200
    assert "Bob Leder er allerede påmeldt denne modulen." in refused.content.decode()
    assert not Enrollment.objects.filter(leader=newcomer).exists()
    done = client.post(url, {"leaders": [newcomer.pk]})
    assert done.status_code == 302
    assert Enrollment.objects.get(leader=newcomer).status == EnrollmentStatus.WAITING
    other_town = client.post(url, {"leaders": [personas.dora_leader.pk]})
    assert other_town.status_code == 200
    assert not Enrollment.objects.filter(leader=personas.dora_leader).exists()


def test_enrollments_cannot_be_added_or_edited_directly(client, personas, full_module):
    _, rows = full_module
    client.force_login(personas.alice)
    assert client.get(reverse("admin:programs_enrollment_add")).status_code == 403
    response = client.post(reverse("admin:programs_enrollment_change", args=[rows[0].pk]),
                           {"status": "plass"})
    assert response.status_code == 403


def _export(client, personas, module, action):
    client.force_login(personas.alice)
    return client.post(reverse("admin:programs_module_changelist"),
                       {"action": action, ACTION_CHECKBOX_NAME: [module.pk]})


def test_participant_list_as_csv(client, personas, full_module):
    module, rows = full_module
    Enrollment.objects.filter(pk=rows[0].pk).update(note="=HYPERLINK(\"x\")")
    response = _export(client, personas, module, "export_participants_csv")
    assert response["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert table[0][:3] == ["Modul", "Semester", "Navn"]
    by_name = {row[2]: row for row in table[1:]}
    assert by_name["Bob Leder"][6] == "har plass"
    assert by_name["Bob Leder"][12].startswith("'=")  # no formula from a leader's note
    assert by_name["Leder Nummer1"][6:8] == ["på venteliste", "1"]
    assert len(table) == 5


def test_participant_list_as_xlsx(client, personas, full_module):
    module, _ = full_module
    response = _export(client, personas, module, "export_participants_xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.testzip() is None
    sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert sheet.count("<row ") == 5
    assert "Bob Leder" in sheet and "på venteliste" in sheet
    assert "[Content_Types].xml" in archive.namelist()


def test_enrol_view_leader_search_stays_in_the_municipality(client, personas, module):
    client.force_login(personas.alice)
    url = reverse("admin:autocomplete")
    params = {"app_label": "programs", "model_name": "enrollment", "field_name": "leader"}
    names = [r["text"] for r in client.get(url, {**params, "term": "Le"}).json()["results"]]
    assert "Bob Leder" in names and "Dora Leiar" not in names
