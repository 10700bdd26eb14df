"""Every stored file goes through Django's storage API: the file paths run against a second storage backend (Django's
InMemoryStorage standing in for an S3-compatible store shared by several servers) and nothing lands on local disk."""
import datetime as dt
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tuijin.exchange.tests.test_pages import HEAD, URL, upload
from tuijin.org.models import Unit

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n"

pytestmark = pytest.mark.django_db


@pytest.fixture
def memory_storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media-on-disk"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    from django.core.files.storage import InMemoryStorage, storages

    assert isinstance(storages["default"], InMemoryStorage)
    yield default_storage
    assert not Path(settings.MEDIA_ROOT).exists() or not any(Path(settings.MEDIA_ROOT).rglob("*.*"))


def _names(storage, folder=""):
    dirs, files = storage.listdir(folder)
    out = [f"{folder}/{f}".lstrip("/") for f in files]
    for d in dirs:
        out += _names(storage, f"{folder}/{d}".lstrip("/"))
    return out


def test_attachment_upload_and_download(world, client_for, memory_storage):
    from tuijin.core.context import Actor, acting_as
    from tuijin.tickets import services

    with acting_as(Actor(user_id=world.staff2.user.pk, username="t_staff2", source="web")):
        ticket = services.ticket_raise(member=world.staff2, zone=world.zone_a, title="道路未通",
                                       assignee_unit=world.street1,
                                       deadline=timezone.localdate() + dt.timedelta(days=10))
    c = client_for(world.staff1)
    c.post(f"/tickets/{ticket.pk}/", {"action": "acknowledge", "note": "已签收",
                                       "attachment": SimpleUploadedFile("验收单.pdf", PDF)})
    event = ticket.events.get(action="acknowledge")
    assert event.attachment.name in _names(memory_storage, "tickets")
    r = c.get(f"/tickets/attachments/{event.pk}/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF
    assert client_for(world.staff_b).get(f"/tickets/attachments/{event.pk}/").status_code == 404


def test_bulletin_files(world, client_for, memory_storage):
    from tuijin.bulletins import services

    b = services.bulletin_create(member=world.office, zone=world.zone_a, year=2023, month=6, draft=True)
    b = services.bulletin_generate(member=world.office, bulletin=b)
    assert b.state == "ready", b.error
    stored = _names(memory_storage, "bulletins")
    assert b.docx.name in stored and b.xlsx.name in stored
    r = client_for(world.office).get(f"/bulletins/{b.pk}/docx/")
    assert r.status_code == 200 and b"".join(r.streaming_content)[:2] == b"PK"
    assert client_for(world.office_b).get(f"/bulletins/{b.pk}/docx/").status_code == 404


def test_import_upload_waits_in_the_storage(world, unit_importer, client_for, memory_storage):
    c = client_for(world.office)
    token = upload(c, [HEAD, ["新港园区", "园区", None, None, None]]).context["token"]
    assert sorted(_names(memory_storage, "imports")) == [f"imports/{token}.bin", f"imports/{token}.json"]
    assert not Unit.objects.filter(name="新港园区").exists()
    assert c.post(URL, {"token": token, "confirmed": "1"}).status_code == 302
    assert Unit.objects.filter(name="新港园区").exists() and not _names(memory_storage, "imports")
