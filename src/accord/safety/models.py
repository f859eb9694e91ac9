"""The safety registry (sectors, places, major hazard sources), hazard reports with their
timeline and photos, listed supervision of major hazards, and Open311 keys."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accord.core.crypto import EncryptedTextField
from accord.safety.workflow import S


def _zh() -> bool:
    return (get_language() or "en").lower().startswith("zh")


class Sector(models.Model):
    """A hazard sector and the department competent for it (seeded, editable as data)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_en = models.CharField(_("English name"), max_length=100)
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    department_en = models.CharField(_("competent department"), max_length=200)
    department_zh = models.CharField(_("competent department (Chinese)"), max_length=200)
    description_en = models.TextField(blank=True)
    description_zh = models.TextField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    def name(self) -> str:
        return self.name_zh if _zh() else self.name_en

    def department(self) -> str:
        return self.department_zh if _zh() else self.department_en


class PlaceKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    CONSTRUCTION_SITE = "construction_site", _("Construction site")
    MARKET = "market", _("Market")
    SCHOOL = "school", _("School")
    RESIDENTIAL = "residential", _("Residential compound")


class Place(models.Model):
    """A registered place and its duty holders. Names and phones are personal data:
    encrypted, shown to safety staff only."""

    row_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=24, choices=PlaceKind.choices)
    name = models.CharField(_("name"), max_length=200)
    area = models.ForeignKey("core.Area", on_delete=models.PROTECT, related_name="safety_places")
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="places")
    address = models.CharField(_("address"), max_length=300, blank=True)
    responsible_name = EncryptedTextField(_("responsible person"), blank=True)
    responsible_phone = EncryptedTextField(_("responsible person's phone"), blank=True)
    safety_manager_name = EncryptedTextField(_("safety manager"), blank=True)
    safety_manager_phone = EncryptedTextField(_("safety manager's phone"), blank=True)
    licences = models.TextField(_("licences"), blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["area", "sector"])]

    def __str__(self) -> str:
        return self.name


class MajorHazardSource(models.Model):
    """A major hazard source filed with the regulator (Work Safety Law art. 40)."""

    class Grade(models.IntegerChoices):
        ONE = 1, _("Grade 1 (highest)")
        TWO = 2, _("Grade 2")
        THREE = 3, _("Grade 3")
        FOUR = 4, _("Grade 4")

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="hazard_sources")
    name = models.CharField(_("name"), max_length=200)
    grade = models.PositiveSmallIntegerField(_("grade"), choices=Grade.choices)
    filed_on = models.DateField(_("filed on"))
    filing_number = models.CharField(_("filing number"), max_length=60)

    class Meta:
        ordering = ["grade", "name"]

    def __str__(self) -> str:
        return self.name


class Source(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    ANONYMOUS = "anonymous", _("Anonymous report")
    INSPECTOR = "inspector", _("Inspector")
    GRID_WORKER = "grid_worker", _("Grid worker")
    SELF_INSPECTION = "self_inspection", _("Duty holder's self-inspection")
    COMMITTEE = "committee", _("Village or residents' committee")
    OPEN311 = "open311", _("Open311 integration")
    INSPECTION = "inspection", _("Inspection finding")


class Status(models.TextChoices):
    REPORTED = S.REPORTED, _("Reported")
    VERIFIED = S.VERIFIED, _("Verified")
    REJECTED = S.REJECTED, _("Not a hazard")
    GRADED = S.GRADED, _("Graded")
    ORDERED = S.ORDERED, _("Rectification ordered")
    RECTIFYING = S.RECTIFYING, _("Rectifying")
    REINSPECTION = S.REINSPECTION, _("Awaiting re-inspection")
    CLOSED = S.CLOSED, pgettext_lazy("hazard status", "Closed")


class Grade(models.TextChoices):
    GENERAL = "general", _("General hazard")
    MAJOR = "major", _("Major hazard")


class Hazard(models.Model):
    reference = models.CharField(_("reference"), max_length=24, unique=True)
    row_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tracking_secret_hash = models.CharField(max_length=64)
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.PROTECT, related_name="hazards"
    )
    area = models.ForeignKey("core.Area", on_delete=models.PROTECT, related_name="safety_hazards")
    # The unit that handles it: the township above `area` (or a higher unit after escalation).
    handling_area = models.ForeignKey(
        "core.Area", on_delete=models.PROTECT, related_name="handled_safety_hazards"
    )
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="hazards")
    address = EncryptedTextField(_("address"), blank=True)
    description = EncryptedTextField(_("description"))
    lat = models.FloatField(null=True, blank=True)
    long = models.FloatField(null=True, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    # Open311: the integration that posted it and the token its client may look up.
    open311_key = models.ForeignKey(
        "Open311Key", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    open311_token = models.CharField(max_length=40, blank=True, db_index=True)
    status = models.CharField(_("status"), max_length=24, choices=Status.choices)
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices, blank=True)
    grade_criterion = models.CharField(max_length=40, blank=True)
    grade_note = EncryptedTextField(blank=True)
    routing = models.JSONField(default=list)  # [{"rule", "en", "zh"}]
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    rectifier = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    work_suspended = models.BooleanField(default=False)
    # The five implementations (五落实) and the rectification plan of a major hazard.
    five_responsibility = EncryptedTextField(blank=True)
    five_measures = EncryptedTextField(blank=True)
    five_funds = EncryptedTextField(blank=True)
    five_deadline = models.DateField(null=True, blank=True)
    five_contingency = EncryptedTextField(blank=True)
    plan = EncryptedTextField(blank=True)
    deadline = models.DateField(null=True, blank=True)
    deadline_warning = models.DateField(null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    escalations = models.JSONField(default=list)  # keys of escalations done (idempotency)
    status_changed_at = models.DateTimeField()
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["area", "created_at"]),
            models.Index(fields=["handling_area", "status"]),
            models.Index(fields=["sector", "created_at"]),
        ]

    def __str__(self) -> str:
        return self.reference


class HazardEvent(models.Model):
    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="events")
    row_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24)
    note = EncryptedTextField(blank=True)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.hazard_id} {self.action}"


class Photo(models.Model):
    """A photo re-encoded by Pillow (metadata stripped), stored outside the web root."""

    class Stage(models.TextChoices):
        REPORT = "report", _("When reported")
        RECTIFIED = "rectified", _("After rectification")

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="photos")
    stage = models.CharField(max_length=12, choices=Stage.choices)
    stored_name = models.CharField(max_length=100, unique=True)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.hazard_id} {self.stage}"


class Listing(models.Model):
    """Listed supervision (挂牌督办) of a major hazard: published within the configured working
    days, a deadline (extendable when asked before it), delisted only by a passed acceptance."""

    hazard = models.OneToOneField(Hazard, on_delete=models.CASCADE, related_name="listing")
    listed_on = models.DateField()
    publish_by = models.DateField()
    published_on = models.DateField(null=True, blank=True)
    deadline = models.DateField(null=True, blank=True)
    extensions = models.PositiveSmallIntegerField(default=0)
    delisted_on = models.DateField(null=True, blank=True)
    explanation = EncryptedTextField(blank=True)  # why a failed acceptance stays listed
    row_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        ordering = ["deadline", "id"]

    def __str__(self) -> str:
        return f"listing of {self.hazard_id}"


class Counter(models.Model):
    name = models.CharField(max_length=32, unique=True)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class Open311Key(models.Model):
    """An Open311 integration's API key; only its SHA-256 is stored."""

    name = models.CharField(max_length=100, unique=True)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    # Reports without an address_id (an area code) are filed in this area.
    area = models.ForeignKey("core.Area", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class Checklist(models.Model):
    """An inspection checklist for a sector; its items are data: [{"code", "en", "zh"}]."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="checklists")
    name_en = models.CharField(_("English name"), max_length=200)
    name_zh = models.CharField(_("Chinese name"), max_length=200)
    items = models.JSONField(default=list)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    def name(self) -> str:
        return self.name_zh if _zh() else self.name_en

    def item_text(self, item: dict) -> str:
        return item["zh"] if _zh() else item["en"]


class Inspection(models.Model):
    """An inspection of a place by an inspector against a checklist. `results` holds one
    entry per item: {"item", "result": "ok"|"finding", "hazard": reference or ""}; a
    finding's note is the hazard's (encrypted) description, not stored here."""

    row_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="inspections")
    checklist = models.ForeignKey(Checklist, on_delete=models.PROTECT, related_name="+")
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    inspected_on = models.DateField(_("inspected on"))
    results = models.JSONField(default=list)
    findings = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-inspected_on", "-id"]
        indexes = [models.Index(fields=["place", "inspected_on"])]

    def __str__(self) -> str:
        return f"inspection {self.pk} of {self.place_id}"


class Cause(models.TextChoices):
    """Cause categories of the incidents register (after GB 6441-86's classification)."""

    FIRE = "fire", _("Fire")
    EXPLOSION = "explosion", _("Explosion")
    POISONING = "poisoning", _("Poisoning or asphyxiation")
    FALL = "fall", _("Fall from height")
    STRUCK = "struck", _("Struck by an object")
    MACHINERY = "machinery", _("Machinery")
    ELECTRIC = "electric", _("Electric shock")
    COLLAPSE = "collapse", _("Collapse")
    TRAFFIC = "traffic", _("Vehicle or traffic")
    LIFTING = "lifting", _("Lifting equipment")
    OTHER = "other", _("Other")


class IncidentGrade(models.TextChoices):
    """State Council Order 493 (2007) art. 3 grades."""

    GENERAL = "general", _("General accident")
    LARGER = "larger", _("Larger accident")
    MAJOR = "major", _("Major accident")
    GRAVE = "grave", _("Particularly grave accident")


class Incident(models.Model):
    """A production safety accident in the register: when, where, which sector, casualties
    and the cause category; its grade and the serious flag follow from the casualties and
    loss (`incidents.grade_for`). No names: casualties are counts."""

    row_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    occurred_on = models.DateField(_("date"))
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.PROTECT, related_name="incidents"
    )
    area = models.ForeignKey("core.Area", on_delete=models.PROTECT, related_name="+")
    handling_area = models.ForeignKey("core.Area", on_delete=models.PROTECT, related_name="+")
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="incidents")
    deaths = models.PositiveIntegerField(_("deaths"), default=0)
    serious_injuries = models.PositiveIntegerField(_("serious injuries"), default=0)
    direct_loss = models.PositiveBigIntegerField(_("direct economic loss (yuan)"), default=0)
    cause = models.CharField(_("cause"), max_length=16, choices=Cause.choices)
    grade = models.CharField(_("grade"), max_length=10, choices=IncidentGrade.choices)
    serious = models.BooleanField(default=False)
    summary = EncryptedTextField(_("summary"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["area", "occurred_on"])]

    def __str__(self) -> str:
        return f"incident {self.pk}"
