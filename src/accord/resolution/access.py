"""Who may do what on a proceeding: the capabilities (`workflow.HANDLER`, `APPROVER`,
`PARTY`) an actor holds on one proceeding or one case, from role and jurisdiction."""

from __future__ import annotations

from accord.accounts.models import CASE_STAFF_ROLES, COORDINATOR_ROLES, User
from accord.accounts.permissions import has_role_over
from accord.cases import workflow as case_wf
from accord.cases.access import case_capabilities as case_staff_capabilities
from accord.cases.models import Case
from accord.resolution import workflow as wf
from accord.resolution.models import Proceeding


def capabilities(user: User | None, proceeding: Proceeding) -> set[str]:
    """HANDLER: staff whose jurisdiction covers the proceeding's handling unit, the case's area
    or its handling unit; APPROVER: a coordinator / supervisor there; PARTY: who filed it."""
    caps: set[str] = set()
    if user is None or not user.is_authenticated:
        return caps
    case = proceeding.case
    areas = (proceeding.handling_area, case.area, case.handling_area)
    if any(has_role_over(user, a, CASE_STAFF_ROLES) for a in areas):
        caps.add(wf.HANDLER)
        if any(has_role_over(user, a, COORDINATOR_ROLES) for a in areas):
            caps.add(wf.APPROVER)
    if case.filed_by_id is not None and case.filed_by_id == user.pk:
        caps.add(wf.PARTY)
    return caps


def case_capabilities(user: User, case: Case) -> set[str]:
    """The proceeding capabilities an actor holds on a case (to open a proceeding on it, add a
    document, record its follow-up visit): the case's staff handle, its applicant is a party."""
    caps = case_staff_capabilities(user, case)
    out = set()
    if case_wf.STAFF in caps:
        out.add(wf.HANDLER)
    if case_wf.APPLICANT in caps:
        out.add(wf.PARTY)
    return out
