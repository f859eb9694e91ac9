"""The hooks cases publishes: higher parts register into them in their `AppConfig.ready()`
(cases never imports them).

- `CASES_FILED(cases)`: cases were just filed (one filing, or a group commit's several), called
  inside the filing's transaction with the list of cases. A subscriber that only queues work
  with one INSERT declares `queues_only`, so the filing pipelines it with its own writes
  (`CASES_FILED.only_queues()`, see `cases.filing._write_filings`).
- `CASE_CHANGED(case)`: a person moved a case through `cases.transitions.case_transition`,
  inside that transition's transaction (system escalations do not call it: their callers
  re-score what they raised themselves).
- `CASE_RESOLVING(case, conclude_open, actor)`: a person is resolving the case, inside
  `case_transition`'s transaction before anything is written. A subscriber refuses by raising
  `Conflict` (resolution: the case still has open proceedings), or, when `conclude_open`,
  concludes what it holds open in the same transaction.
- `CASES_ANONYMISING(ids)`: the personal data of these cases is being removed (retention),
  inside the same transaction: personal data other parts hold about them (proceedings,
  documents, ...) goes with it.
"""

from __future__ import annotations

from accord.core.hooks import Hook

CASES_FILED = Hook("cases.filed", "cases were just filed, inside the filing's transaction")
CASE_CHANGED = Hook("cases.changed", "a case went through a transition, inside its transaction")
CASE_RESOLVING = Hook(
    "cases.resolving", "a case is being resolved, inside its transaction; Conflict refuses"
)
CASES_ANONYMISING = Hook(
    "cases.anonymising", "these cases' personal data is being removed, in the same transaction"
)
