"""Hazard photos: decoded by Pillow with a pixel limit, re-encoded as JPEG (which drops
EXIF, GPS and every other metadata), stored under settings.ACCORD_UPLOAD_DIR/safety with a
random name, and served only through a view that checks the reader's jurisdiction."""

from __future__ import annotations

import hashlib
import io
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_noop
from PIL import Image, ImageOps, UnidentifiedImageError

from accord.core.errors import ValidationFailed

FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}


@dataclass(frozen=True)
class CleanPhoto:
    data: bytes  # the re-encoded JPEG
    width: int
    height: int


def clean_photo(stream: IO[bytes], size: int | None = None) -> CleanPhoto:
    """Check and re-encode one upload; ValidationFailed (code `photo_*`) when it is not a
    picture Accord can take."""
    limit = settings.ACCORD_UPLOAD_MAX_BYTES
    if size is not None and size > limit:
        raise ValidationFailed(
            gettext_noop("the photo is larger than the limit"), code="photo_too_large"
        )
    raw = stream.read(limit + 1)
    if len(raw) > limit:
        raise ValidationFailed(
            gettext_noop("the photo is larger than the limit"), code="photo_too_large"
        )
    if not raw:
        raise ValidationFailed(gettext_noop("the photo is empty"), code="photo_empty")
    max_pixels = settings.ACCORD_SAFETY_PHOTO_MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw)) as img:
                if img.format not in FORMATS:
                    raise ValidationFailed(
                        gettext_noop("only JPEG, PNG, WebP or GIF photos"), code="photo_type"
                    )
                if img.width * img.height > max_pixels:
                    raise ValidationFailed(
                        gettext_noop("the photo has too many pixels"), code="photo_pixels"
                    )
                img.load()
                img = ImageOps.exif_transpose(img)  # keep the orientation, lose the EXIF
                img = img.convert("RGB")
                img.thumbnail((settings.ACCORD_SAFETY_PHOTO_MAX_SIDE,) * 2)
                out = io.BytesIO()
                img.save(out, "JPEG", quality=85, optimize=True)
                return CleanPhoto(out.getvalue(), img.width, img.height)
    except ValidationFailed:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning,
            OSError, ValueError, SyntaxError) as exc:  # fmt: skip
        raise ValidationFailed(
            gettext_noop("the file is not a readable photo"), code="photo_type"
        ) from exc


def upload_root() -> Path:
    return Path(settings.ACCORD_UPLOAD_DIR) / "safety"


def store(photo: CleanPhoto) -> str:
    """Write the bytes under a fresh random name; the name relative to the upload root."""
    now = timezone.now()
    folder = upload_root() / f"{now:%Y}" / f"{now:%m}"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = f"{now:%Y}/{now:%m}/{secrets.token_hex(16)}.jpg"
    path = upload_root() / name
    tmp = path.with_suffix(".part")
    with open(tmp, "xb") as fh:
        fh.write(photo.data)
    tmp.chmod(0o600)
    tmp.rename(path)
    return name


def remove(names) -> None:
    for name in names:
        (upload_root() / name).unlink(missing_ok=True)


def sha256(photo: CleanPhoto) -> str:
    return hashlib.sha256(photo.data).hexdigest()


def path_of(stored_name: str) -> Path | None:
    path = (upload_root() / stored_name).resolve()
    if upload_root().resolve() not in path.parents or not path.is_file():
        return None
    return path
