"""Hazard photos: decoded by Pillow with a pixel limit, re-encoded as JPEG (which drops
EXIF, GPS and every other metadata), stored under settings.ACCORD_UPLOAD_DIR/safety with a
random name, and served only through a view that checks the reader's jurisdiction."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_noop

from accord.core.errors import ValidationFailed
from accord.core.uploads import UploadRefused, reencode_image


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
    try:
        image = reencode_image(
            raw,
            max_pixels=settings.ACCORD_SAFETY_PHOTO_MAX_PIXELS,
            max_side=settings.ACCORD_SAFETY_PHOTO_MAX_SIDE,
            as_jpeg=True,
        )
    except UploadRefused as exc:
        if exc.code == "pixels":
            raise ValidationFailed(
                gettext_noop("the photo has too many pixels"), code="photo_pixels"
            ) from exc
        raise ValidationFailed(
            gettext_noop("the file is not a readable photo"), code="photo_type"
        ) from exc
    return CleanPhoto(image.data, image.width, image.height)


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
