"""Areas (the jurisdiction tree), the business calendar and the audit chain."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from accord.core.prepared import Select


class Level(models.TextChoices):
    CITY = "city", _("City")
    COUNTY = "county", _("County / district")
    TOWNSHIP = "township", _("Township / street")
    COMMUNITY = "community", _("Community / village")
    GRID = "grid", _("Grid")


LEVEL_ORDER = [Level.CITY, Level.COUNTY, Level.TOWNSHIP, Level.COMMUNITY, Level.GRID]
LEVEL_RANK = {lvl.value: i for i, lvl in enumerate(LEVEL_ORDER)}


class AreaQuerySet(models.QuerySet):
    def subtree(self, area: Area) -> AreaQuerySet:
        """The area and everything below it: one indexed prefix scan on the path."""
        return self.filter(path__startswith=area.path)


class Area(models.Model):
    """A node of the jurisdiction tree. `path` is a materialised path of codes ("/C/CO/T/")
    so that a subtree is a prefix query, which stays fast with tens of thousands of areas."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name_en = models.CharField(_("English name"), max_length=200)
    name_zh = models.CharField(_("Chinese name"), max_length=200)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=400, db_index=True, editable=False)

    objects = AreaQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")

    def __str__(self) -> str:
        return f"{self.code} {self.name_en}"

    def save(self, *args, **kwargs) -> None:
        # The path is derived from the parent; it is part of the row's identity, not logic.
        self.path = (self.parent.path if self.parent else "/") + self.code + "/"
        super().save(*args, **kwargs)

    @property
    def rank(self) -> int:
        return LEVEL_RANK[self.level]

    def name(self, language: str | None = None) -> str:
        from accord.core.i18n import is_zh

        return self.name_zh if is_zh(language) else self.name_en

    def ancestor_codes(self) -> list[str]:
        return [c for c in self.path.split("/") if c]

    def contains(self, other: Area) -> bool:
        return other.path.startswith(self.path)

    def ancestors(self) -> list[Area]:
        """This area and its ancestors, root first: one query, then kept on the instance
        (for as long as its path is unchanged), so that routing, indicators and the group
        check of one filing share it."""
        Area.load_ancestors([self])
        return self.__dict__["_ancestors"][1]

    @classmethod
    def load_ancestors(cls, areas: list[Area]) -> None:
        """Fill `ancestors()` of many instances with one query (those that lack it)."""
        todo = [a for a in areas if a.known_ancestors() is None]
        if not todo:
            return
        codes = sorted({c for a in todo for c in a.ancestor_codes()})
        rows = {a.code: a for a in _AREAS_BY_CODE.all(codes)}
        for a in todo:
            chain = [a if c == a.code else rows[c] for c in a.ancestor_codes() if c in rows]
            a.__dict__["_ancestors"] = (a.path, chain)

    def known_ancestors(self) -> list[Area] | None:
        """`ancestors()` when this instance has already loaded them, else None (no query)."""
        memo = self.__dict__.get("_ancestors")
        return memo[1] if memo is not None and memo[0] == self.path else None

    def ancestor_at(self, level: str) -> Area | None:
        """This area's ancestor (or itself) at `level`, or None when it lies below this one."""
        if self.level == level:
            return self
        return next((a for a in self.ancestors() if a.level == level), None)


# Areas by code, for `Area.load_ancestors` (routing needs them at every filing).
_AREAS_BY_CODE = Select(Area, "code IN ({marks})")


class Holiday(models.Model):
    """A day that differs from the Monday–Friday rule: a public holiday, or a weekend day
    that is worked to make up for a long holiday (调休)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Public holiday")
        WORKDAY = "workday", _("Swapped working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.kind} {self.name}"


class HolidayVersion(models.Model):
    """One row whose `value` database triggers raise at every change to the Holiday table
    (migration core.0004), by any writer: the business calendar is rebuilt only when it
    moves, without reading every Holiday row at every deadline."""

    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"holidays v{self.value}"


class ChainedEvent(models.Model):
    """One link of an append-only, hash-chained log (see core.audit).

    `hash` = SHA-256 over the previous event's hash and this event's canonical content, so
    changing or removing any row breaks every hash after it (see core.audit.verify_chain).
    Events record who (user id, name, role), what (action, object), when (UTC), from where
    (client address) and the outcome, never the personal values themselves.
    """

    seq = models.BigIntegerField(unique=True)
    created_at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_username = models.CharField(max_length=150, blank=True)
    actor_role = models.CharField(max_length=32, blank=True)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict)
    # Client address of the request that caused the event ("" for commands and jobs).
    source = models.CharField(max_length=64, blank=True)
    # "ok", or why not: "refused", "not_found", "failed", ...
    outcome = models.CharField(max_length=16, default="ok")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        abstract = True
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class AuditEvent(ChainedEvent):
    """The audit chain of changes: every write, role or jurisdiction change, command."""

    CHAIN = "audit"

    class Meta(ChainedEvent.Meta):
        indexes = [models.Index(fields=["object_type", "object_id"])]


class AccessEvent(ChainedEvent):
    """The access chain: every view or export of personal data, every login, logout and
    refused access. Kept apart from the change chain because it grows with every read."""

    CHAIN = "access"

    class Meta(ChainedEvent.Meta):
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["actor_id", "created_at"]),
        ]


class AuditCheckpoint(models.Model):
    """An HMAC (ACCORD_AUDIT_KEY) over a chain's head: whoever rewrites a chain and recomputes
    its SHA-256 links still cannot produce checkpoints that match without the key."""

    chain = models.CharField(max_length=16)
    seq = models.BigIntegerField()
    hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    mac = models.CharField(max_length=64)

    class Meta:
        ordering = ["chain", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="core_checkpoint_chain_seq")
        ]

    def __str__(self) -> str:
        return f"{self.chain}@{self.seq}"


# Resident notifications (core.notifications) keep their tables in their own module.
from accord.core.notify_models import CaseSubscription, Notification  # noqa: E402, F401
