"""What core needs to know about the people acting, without importing the accounts app.

core imports no app: the accounts app registers its answers into these hooks in
`AccountsConfig.ready()`. Each hook has one subscriber; `ask()` returns its answer (or the
default when none is registered, e.g. in a project without accounts).
"""

from __future__ import annotations

from typing import Any

from accord.core.hooks import Hook

# role_of(actor) -> str: the role recorded with an audit event ("" for none).
ACTOR_ROLE = Hook("core.actor_role", "the role an audit event records for an actor")
# bearer_user(token) -> user | None: the active user of an API bearer token.
BEARER_USER = Hook("core.bearer_user", "the user of an API bearer token, or None")
# is_case_staff(user) -> bool: staff are exempt from the buckets in
# ACCORD_RATE_LIMIT_EXEMPT_STAFF.
CASE_STAFF = Hook("core.case_staff", "true for case staff (rate-limit exemptions)")


def ask(hook: Hook, *args: Any, default: Any = None) -> Any:
    """The first subscriber's answer, or `default` when the hook has none."""
    for subscriber in hook:
        return subscriber.fn(*args)
    return default
