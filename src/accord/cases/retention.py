"""Retention: the personal data of finished cases is removed once its time is up
(`core.retention` runs `case_anonymise_expired` per record type; see docs/security-data.md).
Other parts remove what they hold about the same cases through `cases.hooks.CASES_ANONYMISING`.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accord.cases import workflow
from accord.cases.attachments import remove_files
from accord.cases.hooks import CASES_ANONYMISING
from accord.cases.models import Attachment, Case, CaseEvent, CaseSearchToken, Party
from accord.core.retention import audit_purge

RETENTION_STATUSES = {
    "case_closed": (workflow.S.CLOSED, workflow.S.ARCHIVED),
    "case_dropped": (workflow.S.WITHDRAWN, workflow.S.REJECTED, workflow.S.REDIRECTED),
}
ANONYMISE_BATCH = 200


def case_anonymise_expired(record_type: str, cutoff: dt.datetime, dry_run: bool) -> list[str]:
    """Remove the personal data of cases finished before `cutoff`, with their history: the
    description and its keyword index, every party's name, contact and name indexes, every
    timeline note, the tracking secret and the link to the filing account. What remains
    (category, area, dates, tiers, statuses) keeps the statistics and early-warning history
    whole. One transaction and one audit event per batch."""
    candidates = Case.objects.filter(
        status__in=RETENTION_STATUSES[record_type], closed_at__lt=cutoff, anonymised_at=None
    ).order_by("pk")
    refs = list(candidates.values_list("reference", flat=True))
    if dry_run:
        return refs
    done: list[str] = []
    pks = list(candidates.values_list("pk", flat=True))
    for i in range(0, len(pks), ANONYMISE_BATCH):
        chunk = pks[i : i + ANONYMISE_BATCH]
        with transaction.atomic():
            batch = Case.objects.select_for_update().filter(pk__in=chunk, anonymised_at=None)
            batch_refs = list(batch.values_list("reference", flat=True))
            if not batch_refs:
                continue
            now = timezone.now()
            ids = list(batch.values_list("pk", flat=True))
            Party.objects.filter(case_id__in=ids).update(
                name="",
                contact="",
                name_index="",
                id_number="",
                id_number_index="",
                normalised_name="",
            )
            CaseEvent.objects.filter(case_id__in=ids).update(note="")
            CaseSearchToken.objects.filter(case_id__in=ids).delete()
            # Evidence (photos, PDFs) is personal data too: rows now, files once committed.
            stored = list(
                Attachment.objects.filter(case_id__in=ids).values_list("stored_name", flat=True)
            )
            Attachment.objects.filter(case_id__in=ids).delete()
            if stored:
                transaction.on_commit(lambda names=stored: remove_files(names))
            # Personal data that other parts hold about these cases goes with them.
            CASES_ANONYMISING.call(ids)
            Case.objects.filter(pk__in=ids).update(
                description="", tracking_secret_hash="", filed_by=None, anonymised_at=now
            )
            audit_purge(record_type, "anonymise", cutoff, batch_refs)
        done += batch_refs
    return done
