"""Checks shared by every upload (case evidence, hazard photos): an image is decoded with a
pixel limit and re-encoded (which drops EXIF, GPS and every other metadata, and anything
hidden after or inside the picture); a PDF is parsed and refused when it carries JavaScript,
actions that launch things, embedded files, or is a ZIP (or other archive) behind a PDF header.

Errors are `ValueError` subclasses with a short code (`pixels`, `type`, `pdf_active`,
`pdf_embedded`, `pdf_polyglot`, `pdf_unreadable`); callers turn them into their own
ValidationFailed codes and bilingual messages.
"""

from __future__ import annotations

import io
import logging
import warnings
import zipfile
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

# Pillow format -> (save format, content type)
IMAGE_FORMATS = {
    "JPEG": ("JPEG", "image/jpeg"),
    "MPO": ("JPEG", "image/jpeg"),
    "PNG": ("PNG", "image/png"),
    "GIF": ("GIF", "image/gif"),
    "WEBP": ("WEBP", "image/webp"),
}

# PDF names that run code, open other things or carry files.
_PDF_ACTIVE = frozenset({"/JS", "/JavaScript", "/Launch", "/RichMedia", "/XFA", "/SubmitForm"})
_PDF_EMBEDDED = frozenset({"/EmbeddedFile", "/EmbeddedFiles", "/FileAttachment"})
_PDF_MAX_OBJECTS = 50_000


class UploadRefused(ValueError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    content_type: str
    width: int
    height: int


def open_image(raw: bytes, *, max_pixels: int):
    """Open (header only) and check the size before any pixel is decoded."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(raw))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise UploadRefused("pixels") from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise UploadRefused("type") from exc
    if img.format not in IMAGE_FORMATS:
        img.close()
        raise UploadRefused("type")
    if img.width * img.height > max_pixels:
        img.close()
        raise UploadRefused("pixels")
    return img


def reencode_image(
    raw: bytes, *, max_pixels: int, max_side: int | None = None, as_jpeg: bool = False
) -> CleanImage:
    """Decode with the pixel limit and write a fresh file with no metadata, keeping the
    format (or JPEG when `as_jpeg`); the orientation of EXIF is applied first."""
    img = open_image(raw, max_pixels=max_pixels)
    try:
        with img, warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            save_format, content_type = IMAGE_FORMATS[img.format]
            img.load()
            out_img = ImageOps.exif_transpose(img)
            if as_jpeg:
                save_format, content_type = "JPEG", "image/jpeg"
            if save_format == "JPEG":
                out_img = out_img.convert("RGB")
            elif save_format == "PNG" and out_img.mode not in {"1", "L", "LA", "P", "RGB", "RGBA"}:
                out_img = out_img.convert("RGBA")
            if max_side:
                out_img.thumbnail((max_side, max_side))
            out_img.info = {}  # no text chunks, comments, ICC, EXIF carried over
            buffer = io.BytesIO()
            options = {"quality": 85, "optimize": True} if save_format == "JPEG" else {}
            out_img.save(buffer, save_format, **options)
            return CleanImage(buffer.getvalue(), content_type, out_img.width, out_img.height)
    except UploadRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise UploadRefused("pixels") from exc
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise UploadRefused("type") from exc


def check_pdf(data: bytes) -> None:
    """Refuse a PDF that is also an archive, cannot be parsed, is encrypted (it cannot be
    inspected), or carries JavaScript / launch actions / embedded files anywhere."""
    if _is_archive(data):
        raise UploadRefused("pdf_polyglot")
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise UploadRefused("pdf_unreadable")
        stack = [reader.trailer]
        seen: set[tuple[int, int]] = set()
        count = 0
        while stack:
            obj = stack.pop()
            if isinstance(obj, IndirectObject):
                key = (obj.idnum, obj.generation)
                if key in seen:
                    continue
                seen.add(key)
                obj = obj.get_object()
            count += 1
            if count > _PDF_MAX_OBJECTS:
                raise UploadRefused("pdf_unreadable")
            if isinstance(obj, DictionaryObject):
                names = set(obj.keys())
                subtype = {str(obj.get("/S", "")), str(obj.get("/Type", "")),
                           str(obj.get("/Subtype", ""))}  # fmt: skip
                if names & _PDF_ACTIVE or subtype & _PDF_ACTIVE:
                    raise UploadRefused("pdf_active")
                if names & _PDF_EMBEDDED or subtype & _PDF_EMBEDDED:
                    raise UploadRefused("pdf_embedded")
                stack.extend(v for k, v in obj.items() if k != "/Parent")
            elif isinstance(obj, ArrayObject):
                stack.extend(obj)
        if len(reader.pages) == 0:
            raise UploadRefused("pdf_unreadable")
    except UploadRefused:
        raise
    except Exception as exc:  # pypdf raises many kinds on broken files  # noqa: BLE001
        raise UploadRefused("pdf_unreadable") from exc


def _is_archive(data: bytes) -> bool:
    if b"PK\x03\x04" in data[:1024] or b"PK\x05\x06" in data[-65_557:]:
        try:
            return zipfile.is_zipfile(io.BytesIO(data)) or b"PK\x03\x04" in data[:1024]
        except Exception:  # noqa: BLE001
            return True
    return data.startswith(b"%PDF-") and any(
        magic in data[:1024] for magic in (b"Rar!\x1a\x07", b"7z\xbc\xaf\x27\x1c")
    )
