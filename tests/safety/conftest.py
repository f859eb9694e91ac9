"""Fixtures of the safety tests: inspectors, a registered place, a PNG photo."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from accord.safety import hazards, photos, places


def png_bytes(size=(64, 48), colour=(200, 30, 30), exif: bool = False) -> bytes:
    img = Image.new("RGB", size, colour)
    out = io.BytesIO()
    if exif:
        ex = Image.Exif()
        ex[0x010F] = "SecretCam"  # Make
        ex[0x8825] = {2: (39.0, 54.0, 0.0)}  # GPS
        img.save(out, "JPEG", exif=ex)
    else:
        img.save(out, "PNG")
    return out.getvalue()


@pytest.fixture(autouse=True)
def _uploads(tmp_path, settings):
    settings.ACCORD_UPLOAD_DIR = tmp_path / "uploads"


@pytest.fixture
def make_png():
    """make_png(size=, colour=, exif=) -> image bytes (JPEG with EXIF when exif=True)."""
    return png_bytes


@pytest.fixture
def photo():
    return photos.clean_photo(io.BytesIO(png_bytes()))


@pytest.fixture
def inspector(areas, make_user):
    return make_user("inspector", areas.t1, username="insp_a")


@pytest.fixture
def inspector2(areas, make_user):
    return make_user("inspector", areas.t1, username="insp_b")


@pytest.fixture
def place(areas):
    return places.place_create(
        actor=None,
        system=True,
        data=places.PlaceInput(
            kind="enterprise", name="Hengda Chemicals", area=areas.t1c1g1.code,
            sector="hazardous_chemicals", responsible_name="Wu Gang",
            responsible_phone="139 0000 1234", safety_manager_name="Lu Xia",
            safety_manager_phone="138 1111 2222", licences="Hazardous chemicals permit 2025-17",
        ),
    )  # fmt: skip


@pytest.fixture
def report(areas):
    def make(actor=None, **kw):
        kw.setdefault("description", "Gas cylinders stored in the stairwell of building 3.")
        if "place" not in kw:
            kw.setdefault("area", areas.t1c1g1.code)
            kw.setdefault("sector", "gas")
        return hazards.hazard_report(actor=actor, data=hazards.HazardInput(**kw))

    return make


@pytest.fixture(autouse=True)
def _sectors(request):
    """The sectors are seeded by a data migration; a transactional test elsewhere flushes them,
    so put them back for every safety test that uses the database."""
    names = set(request.fixturenames)
    if not names & {"db", "transactional_db", "live_server"}:
        return
    request.getfixturevalue("transactional_db" if "live_server" in names else "db")
    from accord.safety.models import Sector
    from accord.safety.sectors import SECTORS

    for code, en, zh, dep_en, dep_zh in SECTORS:
        Sector.objects.get_or_create(
            code=code,
            defaults={
                "name_en": en,
                "name_zh": zh,
                "department_en": dep_en,
                "department_zh": dep_zh,
            },
        )
    from accord.safety import checklists
    from accord.safety.models import Checklist

    checklists.seed(Sector, Checklist)
