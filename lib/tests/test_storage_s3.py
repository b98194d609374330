"""Generated documents on an S3-compatible bucket (moto_server), downloads still checked.

STORAGE_URL points Django's default storage at the bucket (lederutvikling/service_urls.py);
nothing in lib/documents.py knows where the file lives. The download streams through
the view after the permission check: the bucket itself is never public.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from pypdf import PdfReader

from lederutvikling.service_urls import storage_from_url
from lib.documents import (
    BuiltFile,
    DocumentBuilder,
    document_request,
    documents_purge_expired,
    register_builder,
)
from lib.models import DocumentStatus
from lib.pdf import render_pdf
from lib.testing_s3 import ACCESS_KEY, SECRET_KEY, s3_server

pytestmark = pytest.mark.django_db


def _build(document, progress) -> BuiltFile:
    pdf = render_pdf(template="lib/pdf/base.html", language=document.language,
                     context={"title": document.title, "body": document.params["body"]})
    return BuiltFile(content=pdf, filename="samling-æøå.pdf")


register_builder(DocumentBuilder(kind="test.s3_greeting", build=_build,
                                 may_view=lambda user, document:
                                 document.requested_by_id == user.pk))


@pytest.fixture(scope="module")
def bucket():
    with s3_server() as server:
        yield server


@pytest.fixture
def on_bucket(settings, bucket):
    settings.STORAGES = {**settings.STORAGES, "default": storage_from_url(
        bucket.storage_url, access_key=ACCESS_KEY, secret_key=SECRET_KEY)}
    return bucket


def test_a_built_document_lands_in_the_bucket_and_downloads_through_the_view(
        client, personas, on_bucket, django_capture_on_commit_callbacks, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"  # must stay empty
    before = set(on_bucket.keys())
    with django_capture_on_commit_callbacks(execute=True):
        document = document_request(
            kind="test.s3_greeting", organisation=personas.org_a, requested_by=personas.bob,
            title="Samling i Ålesund", params={"body": "Linje én\nLinje to – Øyvind"})
    document.refresh_from_db()
    assert document.status == DocumentStatus.DONE
    assert type(default_storage._wrapped).__name__ == "S3Storage"
    added = set(on_bucket.keys()) - before
    assert added == {document.file.name}, added
    assert not (tmp_path / "media").exists()  # nothing on this machine's disk

    client.force_login(personas.bob)
    response = client.get(reverse("lib:document_download", args=[document.pk]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    text = PdfReader(io.BytesIO(body)).pages[0].extract_text()
    assert "Samling i Ålesund" in text and "Øyvind" in text
    assert response["Content-Disposition"].startswith("attachment")

    # The bucket is private: an unsigned request for the object is refused.
    import urllib.error
    import urllib.parse
    import urllib.request
    key = urllib.parse.quote(document.file.name)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{on_bucket.endpoint}/{on_bucket.bucket}/{key}")  # noqa: S310
    assert refused.value.code == 403

    for outsider in (personas.charlie, personas.boss_leader.user):
        client.force_login(outsider)
        assert client.get(reverse("lib:document_download",
                                  args=[document.pk])).status_code == 404

    # Purged when it expires: the object leaves the bucket with the row.
    assert documents_purge_expired(now=document.expires_at + dt.timedelta(seconds=1)) == 1
    assert document.file.name not in set(on_bucket.keys())


def test_storage_url_is_parsed_strictly():
    from django.core.exceptions import ImproperlyConfigured

    options = storage_from_url(
        "s3://filer/lederutvikling?endpoint_url=https://s3.kommune.no&region_name=no-1"
        "&addressing_style=path", access_key="k", secret_key="s")["OPTIONS"]
    assert options["bucket_name"] == "filer" and options["location"] == "lederutvikling"
    assert options["endpoint_url"] == "https://s3.kommune.no"
    assert options["default_acl"] is None and options["file_overwrite"] is False
    for bad in ("gs://filer", "s3://", "s3://filer?endpoint=x", "s3://filer?verify=kanskje"):
        with pytest.raises(ImproperlyConfigured):
            storage_from_url(bad)
