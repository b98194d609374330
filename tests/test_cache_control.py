"""Nothing personal stays in a cache; no POST takes an unlimited body (issue 14, item 10).

``lib.middleware.PrivateCacheMiddleware`` marks every response to a signed-in
user, every download and the calendar feed ``Cache-Control: private,
no-store``; static files keep WhiteNoise's caching.
``lib.middleware.RequestSizeLimitMiddleware`` answers 413 to a body larger
than an ordinary form, unless the view declared an upload limit.
"""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from accounts.models import User
from coaching.models import Booking
from lib.middleware import (
    RequestSizeLimitMiddleware,
    allow_upload,
    body_limit,
)
from lib.models import GeneratedDocument
from programs.models import Module, ModuleSession, Programme
from tests.access_world import ROLES, World
from tests.pages import page_urls

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def _private(response: HttpResponse) -> bool:
    directives = {part.strip().split("=")[0]
                  for part in response.get("Cache-Control", "").lower().split(",")}
    return {"private", "no-store"} <= directives


def test_every_page_of_a_signed_in_user_is_private(world: World):
    clients = {role: world.client(role) for role in ROLES if role != "anonymous"}
    seen, problems = 0, []
    for name, role, url in page_urls(world):
        response = clients[role].get(url)
        seen += 1
        if not _private(response):
            problems.append(f"{name} as {role} ({response.status_code}): "
                            f"{response.get('Cache-Control')!r}")
    # Redirects and refusals to a signed-in user are personal too.
    for url in ("/", reverse("accounts:min_side"), "/finnes-ikke/"):
        response = clients["leader"].get(url)
        if not _private(response):
            problems.append(f"{url} ({response.status_code})")
    assert seen > 200
    assert problems == []


def test_every_download_is_private(world: World, django_capture_on_commit_callbacks):
    client = world.client("oaf_a")
    org = world.users["oaf_a"].organisation
    leader = world.client("leader")
    session = ModuleSession.objects.filter(module__programme__organisation=org).first()
    modules = list(Module.objects.filter(programme__organisation=org)
                   .values_list("pk", flat=True))
    booking = Booking.objects.filter(course__organisation=org).first()
    export_url = reverse("admin:accounts_user_export")
    form = client.get(export_url).context["form"]
    formats = {label: value for value, label in form.fields["format"].choices}
    selected = {name: "on" for name, field in form.fields.items()
                if getattr(field, "is_selectable_field", False)}
    downloads = {
        "mine-data.json": leader.get(reverse("accounts:my_data")),
        "session .ics": client.get(reverse("programs:session_ics", args=[session.uuid])),
        "user export csv": client.post(export_url, {"format": formats["csv"],
                                                    "resource": "0", **selected}),
        "user export xlsx": client.post(export_url, {"format": formats["xlsx"],
                                                     "resource": "0", **selected}),
        "participants csv": client.post(reverse("admin:programs_module_changelist"), {
            "action": "export_participants_csv", ACTION_CHECKBOX_NAME: modules}),
        "invoice basis csv": client.get(reverse("admin:coaching_invoicebasis_csv"),
                                        {"maned": booking.starts_at.strftime("%Y-%m")}),
    }
    programme = Programme.objects.filter(organisation=org).order_by("pk").first()
    for kind in ("reports.status_pdf", "reports.costs_csv"):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("admin:reports_reportjob_add"),
                        {"kind": kind, "programme": programme.pk})
        document = GeneratedDocument.objects.filter(kind=kind).latest("created_at")
        downloads[kind] = client.get(reverse("lib:document_download", args=[document.pk]))
    # The feed is fetched by calendar programs without a login: the token is the key.
    user = world.users["leader"]
    downloads["calendar feed"] = Client().get(
        reverse("accounts:calendar_feed", args=[user.calendar_token]))
    for name, response in downloads.items():
        assert response.status_code == 200, name
        assert _private(response), (name, response.get("Cache-Control"))
        if name != "calendar feed":
            assert response.has_header("Content-Disposition"), name


@override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
def test_static_files_keep_their_caching(personas):
    client = Client()  # a new client builds its middleware with the settings above
    client.force_login(personas.bob)
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "max-age" in response.get("Cache-Control", "")


def test_anonymous_pages_are_left_alone(client):
    response = client.get(reverse("privacy:accessibility"))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


# --- Request bodies -------------------------------------------------------------------------

def _big_file() -> SimpleUploadedFile:
    return SimpleUploadedFile("stor.bin", b"\0" * (30 * MB), "application/octet-stream")


def test_a_30_mb_body_to_the_login_page_is_refused(client, personas):
    response = client.post(reverse("login"), {
        "username": personas.bob.email, "password": "feil", "vedlegg": _big_file()})
    assert response.status_code == 413
    assert "Too much data" in response.content.decode() or \
        "For mykje" in response.content.decode() or "For mye" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_30_mb_body_to_a_signed_in_form_changes_nothing(client, personas):
    client.force_login(personas.bob)
    before = User.objects.get(pk=personas.bob.pk).language
    assert before != "nn"
    response = client.post(reverse("accounts:language_set"),
                           {"language": "nn", "vedlegg": _big_file()})
    assert response.status_code == 413
    assert User.objects.get(pk=personas.bob.pk).language == before
    # An ordinary form post is unaffected.
    response = client.post(reverse("accounts:language_set"), {"language": "nn"})
    assert response.status_code == 302
    assert User.objects.get(pk=personas.bob.pk).language == "nn"


def test_a_view_that_declares_an_upload_limit_gets_it(settings):
    settings.FORM_POST_MAX_BYTES = 3 * MB

    def plain(request):
        return HttpResponse("ok")

    @allow_upload(40 * MB)
    def upload(request):
        return HttpResponse("ok")

    assert body_limit(plain) == 3 * MB and body_limit(upload) == 40 * MB
    middleware = RequestSizeLimitMiddleware(lambda request: HttpResponse("ok"))
    factory = RequestFactory()
    for length, view, refused in [(30 * MB, plain, True), (30 * MB, upload, False),
                                  (41 * MB, upload, True), (2 * MB, plain, False),
                                  ("ikke-et-tall", plain, False)]:
        request = factory.post("/", data=b"", content_type="multipart/form-data; boundary=x")
        request.META["CONTENT_LENGTH"] = str(length)
        answer = middleware.process_view(request, view, (), {})
        assert (answer is not None and answer.status_code == 413) is refused, (length, view)
