"""Evidence uploads are checked by content, not only by their first bytes (generated files):
images decoded with a pixel limit and re-encoded without metadata; PDFs with JavaScript or
embedded files, or ZIPs behind a PDF header, refused."""

from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from accord.cases.attachments import check_upload
from accord.core.errors import ValidationFailed
from accord.web.forms import upload_message


def _png(width=40, height=30, **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "PNG", **save)
    return out.getvalue()


def _jpeg_with_gps() -> bytes:
    img = Image.new("RGB", (64, 48), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (31.0, 14.0, 0.0)  # GPSLatitudeRef, GPSLatitude
    gps[3], gps[4] = "E", (121.0, 28.0, 0.0)
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _pdf(*, javascript: bool = False, attachment: bool = False) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if javascript:  # a document-level script in the /Names tree
        js = writer._add_object(
            DictionaryObject(
                {
                    NameObject("/S"): NameObject("/JavaScript"),
                    NameObject("/JS"): TextStringObject("app.alert('hi');"),
                }
            )
        )
        tree = DictionaryObject(
            {NameObject("/Names"): ArrayObject([TextStringObject("hello"), js])}
        )
        writer._root_object[NameObject("/Names")] = DictionaryObject(
            {NameObject("/JavaScript"): writer._add_object(tree)}
        )
    if attachment:
        writer.add_attachment("payload.exe", b"MZ\x90\x00 not really")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _check(name: str, data: bytes):
    return check_upload(name, io.BytesIO(data), len(data))


def test_a_plain_png_and_pdf_are_taken():
    png = _check("photo.png", _png())
    assert png.content_type == "image/png"
    assert Image.open(io.BytesIO(png.data)).size == (40, 30)
    assert _check("letter.pdf", _pdf()).content_type == "application/pdf"


def test_a_huge_png_is_refused_before_decoding(settings):
    settings.ACCORD_UPLOAD_MAX_PIXELS = 40_000_000
    # 20 000 x 20 000 of one colour compresses to a small file: a decompression bomb.
    data = _png(20_000, 20_000, optimize=False, compress_level=9)
    assert len(data) < settings.ACCORD_UPLOAD_MAX_BYTES
    with pytest.raises(ValidationFailed) as exc:
        _check("bomb.png", data)
    assert exc.value.code == "file_pixels"


def test_exif_gps_is_stripped_by_reencoding():
    raw = _jpeg_with_gps()
    assert Image.open(io.BytesIO(raw)).getexif().get_ifd(0x8825)  # the generated file has GPS
    clean = _check("IMG_0001.jpg", raw)
    reopened = Image.open(io.BytesIO(clean.data))
    assert clean.content_type == "image/jpeg"
    assert not reopened.getexif()
    assert b"SpyCam" not in clean.data and b"Exif" not in clean.data


def test_png_text_chunks_are_stripped():
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "home address: 1 Secret Lane")
    clean = _check("a.png", _png(pnginfo=info))
    assert b"Secret Lane" not in clean.data


def test_bytes_after_an_image_do_not_survive():
    clean = _check("a.png", _png() + b"<script>alert(1)</script>")
    assert b"<script>" not in clean.data


def test_a_pdf_with_javascript_is_refused():
    with pytest.raises(ValidationFailed) as exc:
        _check("invoice.pdf", _pdf(javascript=True))
    assert exc.value.code == "file_pdf_active"


def test_a_pdf_with_an_embedded_file_is_refused():
    with pytest.raises(ValidationFailed) as exc:
        _check("invoice.pdf", _pdf(attachment=True))
    assert exc.value.code == "file_pdf_active"


def test_an_open_action_with_javascript_is_refused():
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    action = writer._add_object(
        DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject("app.launchURL('x')"),
            }
        )
    )
    writer._root_object[NameObject("/OpenAction")] = action
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(ValidationFailed) as exc:
        _check("a.pdf", out.getvalue())
    assert exc.value.code == "file_pdf_active"


def test_a_zip_behind_a_pdf_header_is_refused():
    buffer = io.BytesIO()
    buffer.write(b"%PDF-1.7\n")
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("evil.html", "<script>alert(1)</script>")
    with pytest.raises(ValidationFailed) as exc:
        _check("scan.pdf", buffer.getvalue())
    assert exc.value.code == "file_unreadable"


def test_a_pdf_with_a_zip_appended_is_refused():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("x.txt", "hidden")
    with pytest.raises(ValidationFailed) as exc:
        _check("scan.pdf", _pdf() + archive.getvalue())
    assert exc.value.code == "file_unreadable"


def test_a_truncated_image_is_refused():
    with pytest.raises(ValidationFailed) as exc:
        _check("a.png", _png()[:60])
    assert exc.value.code == "file_unreadable"


@pytest.mark.parametrize("code", ["file_pixels", "file_unreadable", "file_pdf_active"])
def test_the_refusals_are_said_in_both_languages(code):
    from django.utils import translation

    with translation.override("en"):
        english = upload_message(code, "a.pdf")
    with translation.override("zh-hans"):
        chinese = upload_message(code, "a.pdf")
    assert "a.pdf" in english and english != chinese
    assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese)
