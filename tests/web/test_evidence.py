"""Evidence uploads: type by magic bytes, size limit, storage outside the web root, scoped
download, and no partial writes when a file is refused."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accord.cases import attachments
from accord.cases.models import Attachment, Case
from accord.core.models import AuditEvent
from factories import real_jpeg, real_pdf, real_png

pytestmark = pytest.mark.django_db

# Real files: evidence is decoded (images re-encoded, PDFs parsed), magic bytes are not enough.
PNG = real_png()
PDF = real_pdf()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def intake(areas, **extra) -> dict:
    return {
        "category": "neighbour",
        "area": areas.t1c1g1.code,
        "description": "Water comes through the ceiling.",
        "applicant_name": "Wang Fang",
        "other_name": "Zhao Lei",
        "other_kind": "person",
        "people_count": "1",
        **extra,
    }


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\x89PNG\r\n\x1a\n....", "image/png"),
        (b"\xff\xd8\xff\xe0..JFIF", "image/jpeg"),
        (b"GIF89a......", "image/gif"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"%PDF-1.4\n", "application/pdf"),
        (b"<svg xmlns=", None),
        (b"<html><script>", None),
        (b"MZ\x90\x00", None),
        (b"PK\x03\x04", None),
    ],
)
def test_sniff_by_magic_bytes(head, expected):
    assert attachments.sniff(head) == expected


def test_file_case_with_evidence_stores_outside_web_root(areas, settings):
    response = Client().post(
        reverse("web:file_case"),
        {
            **intake(areas),
            "evidence": [upload("leak.png", PNG, "image/png"), upload("bill.pdf", PDF)],
        },
        follow=True,  # redirect after POST to the receipt
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    case = Case.objects.get()
    files = list(case.attachments.order_by("original_name"))
    assert [(f.original_name, f.content_type) for f in files] == [
        ("bill.pdf", "application/pdf"),
        ("leak.png", "image/png"),
    ]
    for f in files:
        path = settings.ACCORD_UPLOAD_DIR / f.stored_name
        assert path.is_file() and path.read_bytes() in (PNG, PDF)
        assert f.original_name not in f.stored_name  # random names on disk
        assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert "2 files were attached." in response.content.decode()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("photo.png", b"<svg onload=alert(1)>", "only images (PNG, JPEG, GIF, WebP) and PDF"),
        ("report.pdf", PNG, "the file name does not match what the file contains"),
        ("run.exe", b"MZ\x90\x00" + b"\x00" * 10, "only images"),
        ("empty.pdf", b"", "is empty"),
    ],
)
def test_bad_upload_is_refused_and_nothing_is_written(areas, settings, name, data, message):
    response = Client().post(
        reverse("web:file_case"), {**intake(areas), "evidence": [upload(name, data)]}
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert message in body
    assert name in body or not data  # Django itself refuses an empty file
    assert Case.objects.count() == 0 and Attachment.objects.count() == 0
    assert not settings.ACCORD_UPLOAD_DIR.exists() or not any(
        p.is_file() for p in settings.ACCORD_UPLOAD_DIR.rglob("*")
    )


def test_too_large_upload_is_refused_in_chinese(areas, settings):
    settings.ACCORD_UPLOAD_MAX_BYTES = 1024 * 1024
    big = PNG + b"\x00" * (1024 * 1024)
    client = Client()
    client.cookies["django_language"] = "zh-hans"
    response = client.post(
        reverse("web:file_case"), {**intake(areas), "evidence": [upload("big.png", big)]}
    )
    assert response.status_code == 422
    assert "big.png 超过 1 MB。" in response.content.decode()
    assert Case.objects.count() == 0


def test_too_many_files_are_refused(areas, settings):
    settings.ACCORD_UPLOAD_MAX_FILES = 2
    files = [upload(f"p{i}.png", PNG) for i in range(3)]
    response = Client().post(reverse("web:file_case"), {**intake(areas), "evidence": files})
    assert response.status_code == 422
    assert "Attach at most 2 files." in response.content.decode()


def test_failed_case_creation_leaves_no_file(areas, settings):
    # Medical disputes cannot be filed anonymously: the case is refused after the files passed.
    response = Client().post(
        reverse("web:file_case"),
        {**intake(areas, category="medical"), "evidence": [upload("x.png", PNG)]},
    )
    assert response.status_code == 403
    assert Attachment.objects.count() == 0
    assert not any(p.is_file() for p in settings.ACCORD_UPLOAD_DIR.rglob("*"))


def test_staff_see_download_and_upload_evidence(areas, make_case, mediator, make_user):
    case, _ = make_case(area=areas.t1c1g1)
    client = Client()
    client.force_login(mediator)
    detail = reverse("web:case_detail", args=[case.reference])
    response = client.post(
        reverse("web:case_upload", args=[case.reference]),
        {"evidence": [upload("site visit.jpg", real_jpeg())]},
    )
    assert response.status_code == 302
    attachment = case.attachments.get()
    page = client.get(detail).content.decode()
    url = reverse("web:attachment_download", args=[case.reference, attachment.pk])
    assert url in page and "site visit.jpg" in page
    download = client.get(url)
    assert download.status_code == 200
    assert download["Content-Type"] == "image/jpeg"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(b"\xff\xd8\xff")
    assert AuditEvent.objects.filter(action="case.attachment_read").count() == 1

    # Staff of another township neither see nor download it.
    other = make_user("mediator", areas.t2, username="mediator_t2")
    outsider = Client()
    outsider.force_login(other)
    assert outsider.get(url).status_code == 404
    assert Client().get(url).status_code == 302  # login first

    # A refused upload on the detail page says why, in a message, and stores nothing.
    response = client.post(
        reverse("web:case_upload", args=[case.reference]),
        {"evidence": [upload("notes.pdf", b"just text")]},
    )
    assert response.status_code == 422
    assert "notes.pdf was refused" in response.content.decode()
    assert case.attachments.count() == 1


def test_uploads_are_not_under_static_or_templates(settings):
    upload_dir = str(attachments.upload_dir())
    assert "static" not in upload_dir.split("/") and "templates" not in upload_dir.split("/")
    assert not re.search(r"/src/accord/", upload_dir)
