"""Ground truth of the demo data: situations injected on top of the background pattern."""

from __future__ import annotations

from django.db import models


class InjectedSituation(models.Model):
    """A situation the generator added on purpose (a cluster, a surge, a burst), so that an
    early-warning evaluation can check whether it is found, where and how soon."""

    class Kind(models.TextChoices):
        GROUP_DISPUTE = "group_dispute", "Group dispute against one respondent"
        RISE = "rise", "Sustained rise in an area"
        SURGE = "surge", "Short surge in one community"
        BURST = "burst", "Burst of complaints near a source"

    key = models.SlugField(max_length=40, unique=True)
    name_en = models.CharField(max_length=200)
    name_zh = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    category_code = models.CharField(max_length=40)
    area_code = models.CharField(max_length=32)
    area_level = models.CharField(max_length=16)
    respondent = models.CharField(max_length=200, blank=True)  # normalised organisation name
    respondent_names = models.JSONField(default=list)  # the spellings used
    start_date = models.DateField()
    end_date = models.DateField()
    extra_cases = models.PositiveIntegerField()
    description = models.TextField(blank=True)
    seed = models.BigIntegerField()
    cases = models.ManyToManyField("cases.Case", related_name="+", blank=True)

    class Meta:
        ordering = ["start_date", "key"]

    def __str__(self) -> str:
        return f"{self.key} ({self.start_date}–{self.end_date})"

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "name_en": self.name_en,
            "name_zh": self.name_zh,
            "kind": self.kind,
            "category": self.category_code,
            "area": self.area_code,
            "area_level": self.area_level,
            "respondent": self.respondent,
            "respondent_names": self.respondent_names,
            "start_date": self.start_date.isoformat(),
            "end_date": self.end_date.isoformat(),
            "extra_cases": self.extra_cases,
            "description": self.description,
            "seed": self.seed,
            "case_references": sorted(self.cases.values_list("reference", flat=True)),
        }
