"""Evidence attachments: type checks by content, safe storage, scoped reads.

Only images (PNG, JPEG, GIF, WebP) and PDFs are taken. The type is decided by the file's
first bytes; the name's extension must agree with it. Then the content itself is checked
(accord.core.uploads): an image is decoded with a pixel limit and re-encoded without its
metadata (EXIF GPS included), a PDF with JavaScript, launch actions or embedded files, or a
ZIP behind a PDF header, is refused. Files are stored under
`settings.ACCORD_UPLOAD_DIR` (outside the web root, never served as static files) with a
random name, and are read back only through `attachment_open_for`, which checks the
reader's jurisdiction like every other case read.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accord.accounts.models import User
from accord.cases import selectors, workflow
from accord.cases.access import case_capabilities
from accord.cases.filing import CaseInput, case_create
from accord.cases.models import Attachment, Case
from accord.core.audit import audit_record
from accord.core.errors import Forbidden, NotFound, ValidationFailed
from accord.core.uploads import UploadRefused, check_pdf, reencode_image

# content type -> (extensions the name may have, stored extension)
TYPES: dict[str, tuple[frozenset[str], str]] = {
    "image/png": (frozenset({".png"}), ".png"),
    "image/jpeg": (frozenset({".jpg", ".jpeg", ".jpe"}), ".jpg"),
    "image/gif": (frozenset({".gif"}), ".gif"),
    "image/webp": (frozenset({".webp"}), ".webp"),
    "application/pdf": (frozenset({".pdf"}), ".pdf"),
}
MAX_NAME = 200
# accord.core.uploads refusal -> (code the pages translate, message)
REFUSALS = {
    "pixels": ("file_pixels", "the image has too many pixels"),
    "type": ("file_unreadable", "the file cannot be read as the type it claims"),
    "pdf_active": ("file_pdf_active", "the PDF contains JavaScript or actions"),
    "pdf_embedded": ("file_pdf_active", "the PDF contains embedded files"),
    "pdf_polyglot": ("file_unreadable", "the file is an archive behind a PDF header"),
    "pdf_unreadable": ("file_unreadable", "the PDF cannot be read (or is encrypted)"),
}


def sniff(head: bytes) -> str | None:
    """The content type that the first bytes of a file prove, or None."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed the checks, held in memory until it is stored."""

    name: str
    content_type: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)


def _clean_name(name: str) -> str:
    base = Path(name.replace("\\", "/")).name.strip()
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"/|?*')
    return base[-MAX_NAME:] or "file"


def check_upload(name: str, stream: IO[bytes], size: int | None = None) -> CheckedFile:
    """Read and check one upload: size, type by magic bytes, extension agreeing with it.
    Raises ValidationFailed with a code the pages translate."""
    limit = settings.ACCORD_UPLOAD_MAX_BYTES
    if size is not None and size > limit:
        raise ValidationFailed(f"{name}: the file is larger than the limit", code="file_too_large")
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise ValidationFailed(f"{name}: the file is larger than the limit", code="file_too_large")
    if not data:
        raise ValidationFailed(f"{name}: the file is empty", code="file_empty")
    content_type = sniff(data[:16])
    if content_type is None:
        raise ValidationFailed(
            f"{name}: only images (PNG, JPEG, GIF, WebP) and PDF files are accepted",
            code="file_type",
        )
    clean = _clean_name(name)
    extensions, _stored = TYPES[content_type]
    if Path(clean).suffix.lower() not in extensions:
        raise ValidationFailed(
            f"{name}: the file name does not match its content ({content_type})",
            code="file_mismatch",
        )
    try:
        if content_type == "application/pdf":
            check_pdf(data)
        else:
            image = reencode_image(data, max_pixels=settings.ACCORD_UPLOAD_MAX_PIXELS)
            if image.content_type != content_type:
                raise UploadRefused("type")
            data = image.data
    except UploadRefused as exc:
        code, message = REFUSALS.get(exc.code, REFUSALS["type"])
        raise ValidationFailed(f"{name}: {message}", code=code) from exc
    return CheckedFile(name=clean, content_type=content_type, data=data)


def check_uploads(files: Sequence[Any]) -> list[CheckedFile]:
    """Check Django UploadedFile objects (or anything with .name, .size, .read)."""
    if len(files) > settings.ACCORD_UPLOAD_MAX_FILES:
        raise ValidationFailed("too many files", code="too_many_files")
    return [check_upload(f.name or "file", f, getattr(f, "size", None)) for f in files]


def upload_dir() -> Path:
    return Path(settings.ACCORD_UPLOAD_DIR)


def _store(checked: CheckedFile) -> str:
    """Write the bytes under a fresh random name; returns the name relative to the upload dir."""
    now = timezone.now()
    folder = upload_dir() / f"{now:%Y}" / f"{now:%m}"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    stored = f"{now:%Y}/{now:%m}/{secrets.token_hex(16)}{TYPES[checked.content_type][1]}"
    path = upload_dir() / stored
    tmp = path.with_suffix(".part")
    with open(tmp, "xb") as fh:
        fh.write(checked.data)
    tmp.chmod(0o600)
    tmp.rename(path)
    return stored


def remove_files(stored_names: Iterable[str]) -> None:
    for name in stored_names:
        (upload_dir() / name).unlink(missing_ok=True)


def _save(actor: User | None, case: Case, checked: CheckedFile, written: list[str]) -> Attachment:
    stored = _store(checked)
    written.append(stored)
    attachment = Attachment.objects.create(
        case=case,
        content_type=checked.content_type,
        original_name=checked.name,
        stored_name=stored,
        size=checked.size,
        sha256=hashlib.sha256(checked.data).hexdigest(),
        uploaded_by=actor if actor is not None and actor.is_authenticated else None,
        created_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="case.attachment_add",
        object_type="case",
        object_id=case.reference,
        data={"attachment": attachment.pk, "type": checked.content_type, "size": checked.size},
    )
    return attachment


def case_create_with_attachments(
    *, actor: User | None, data: CaseInput, files: Sequence[CheckedFile]
) -> tuple[Case, str]:
    """File a case and store its checked evidence in one transaction: if anything fails,
    neither the case nor any file remains."""
    if len(files) > settings.ACCORD_UPLOAD_MAX_FILES:
        raise ValidationFailed("too many files", code="too_many_files")
    if not files:
        return case_create(actor=actor, data=data)  # nothing to keep together: group commit
    written: list[str] = []
    try:
        with transaction.atomic():
            case, secret = case_create(actor=actor, data=data)
            for checked in files:
                _save(actor, case, checked, written)
    except BaseException:
        remove_files(written)
        raise
    return case, secret


def attachment_add(*, actor: User, case: Case, file: CheckedFile) -> Attachment:
    """Add evidence to an existing case: staff in its jurisdiction or the resident who filed
    it, while the case is not finished."""
    caps = case_capabilities(actor, case)
    if not caps & {workflow.STAFF, workflow.APPLICANT}:
        raise Forbidden("you may not add files to this case")
    if case.status in workflow.FINISHED:
        raise ValidationFailed("the case is finished; no files can be added", code="finished")
    if case.attachments.count() >= settings.ACCORD_UPLOAD_MAX_FILES * 4:
        raise ValidationFailed("too many files", code="too_many_files")
    written: list[str] = []
    try:
        with transaction.atomic():
            return _save(actor, case, file, written)
    except BaseException:
        remove_files(written)
        raise


# --- reads ------------------------------------------------------------------------------


def attachment_list_for(*, actor: User, reference: str) -> list[Attachment]:
    case = selectors.case_get_for(actor=actor, reference=reference)
    return list(case.attachments.all())


def attachment_open_for(
    *, actor: User, reference: str, attachment_id: int
) -> tuple[Attachment, Path]:
    """The attachment and its file path if the actor may see the case; the read is audited
    (evidence may hold personal data)."""
    case = selectors.case_get_for(actor=actor, reference=reference)
    attachment = case.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound("no such attachment")
    path = (upload_dir() / attachment.stored_name).resolve()
    if upload_dir().resolve() not in path.parents or not path.is_file():
        raise NotFound("the file is missing")
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="case.attachment_read",
            object_type="case",
            object_id=case.reference,
            data={"attachment": attachment.pk},
        )
    return attachment, path
