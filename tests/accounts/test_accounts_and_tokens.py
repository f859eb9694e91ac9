"""Users, memberships over subtrees, tokens and the account commands."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accord.accounts import permissions
from accord.accounts.models import ApiToken, Membership, User
from accord.accounts.services import (
    membership_add,
    token_authenticate,
    token_create,
    user_create,
)
from accord.core.errors import NotFound, ValidationFailed
from accord.core.models import Area, AuditEvent

pytestmark = pytest.mark.django_db


# --- create-user ---------------------------------------------------------------------------


def test_create_user_command(areas):
    out = io.StringIO()
    call_command(
        "create-user", "alice", role="mediator", area="T1", name="Alice Wang",
        password="a-long-unusual-passphrase-93", stdout=out,
    )  # fmt: skip
    assert "alice" in out.getvalue()
    user = User.objects.get(username="alice")
    assert user.display_name == "Alice Wang"
    assert user.check_password("a-long-unusual-passphrase-93")
    assert [(m.role, m.area.code) for m in user.memberships.all()] == [("mediator", "T1")]
    audit = AuditEvent.objects.latest("seq")
    assert (audit.action, audit.data["role"], audit.data["area"]) == (
        "user.create",
        "mediator",
        "T1",
    )


def test_create_user_without_password_cannot_log_in(areas):
    call_command("create-user", "bob", role="analyst", area="CO", stdout=io.StringIO())
    assert not User.objects.get(username="bob").has_usable_password()


@pytest.mark.parametrize(
    "kwargs,message",
    [
        (dict(role="overlord", area="T1"), "overlord"),
        (dict(role="mediator", area="NOWHERE"), "NOWHERE"),
        (dict(role="mediator", area="T1", password="123"), "password"),
    ],
)
def test_create_user_errors(areas, kwargs, message):
    with pytest.raises(CommandError) as exc:
        call_command("create-user", "carol", stdout=io.StringIO(), **kwargs)
    assert message.lower() in str(exc.value).lower()
    assert not User.objects.filter(username="carol").exists()
    assert not AuditEvent.objects.filter(action="user.create").exists()


def test_create_user_duplicate(areas):
    call_command("create-user", "dave", role="mediator", area="T1", stdout=io.StringIO())
    with pytest.raises(CommandError, match="already exists"):
        call_command("create-user", "dave", role="mediator", area="T2", stdout=io.StringIO())
    assert Membership.objects.filter(user__username="dave").count() == 1


def test_user_create_service_errors(areas):
    with pytest.raises(ValidationFailed):
        user_create(actor=None, username="x", role="king", area_code="T1")
    with pytest.raises(NotFound) as exc:
        user_create(actor=None, username="x", role="mediator", area_code="ZZ")
    assert exc.value.code == "unknown_area"
    assert not User.objects.filter(username="x").exists()


def test_membership_add(areas, make_user):
    user = make_user("mediator", areas.t1)
    membership_add(actor=None, user=user, role="analyst", area_code="CO")
    membership_add(actor=None, user=user, role="analyst", area_code="CO")  # idempotent
    assert Membership.objects.filter(user=user).count() == 2
    with pytest.raises(ValidationFailed):
        membership_add(actor=None, user=user, role="nope", area_code="CO")
    with pytest.raises(NotFound):
        membership_add(actor=None, user=user, role="analyst", area_code="NOPE")


# --- create-token ---------------------------------------------------------------------------


def test_create_token_prints_only_the_token_and_stores_only_its_hash(areas, make_user):
    user = make_user("mediator", areas.t1, username="erin")
    out = io.StringIO()
    call_command("create-token", "erin", name="integration", stdout=out)
    printed = out.getvalue()
    token = printed.strip()
    assert printed.count("\n") <= 1 and " " not in token, "only the token is printed"
    assert token.startswith("acc_") and len(token) > 40

    row = ApiToken.objects.get(user=user)
    assert row.key_hash == hashlib.sha256(token.encode()).hexdigest()
    assert row.prefix == token[:12]
    assert row.name == "integration"
    stored = [str(v) for v in ApiToken.objects.values_list().get(pk=row.pk)]
    assert token not in stored, "the plaintext token is never stored"
    assert not any(token in str(e.data) for e in AuditEvent.objects.all())
    assert token_authenticate(token) == user


def test_create_token_unknown_or_inactive_user(areas, make_user):
    with pytest.raises(CommandError, match="ghost"):
        call_command("create-token", "ghost", stdout=io.StringIO())
    user = make_user("mediator", areas.t1, username="frank", is_active=False)
    with pytest.raises(CommandError):
        call_command("create-token", "frank", stdout=io.StringIO())
    assert not ApiToken.objects.filter(user=user).exists()


def test_tokens_are_unique(areas, make_user):
    user = make_user("mediator", areas.t1)
    tokens = {token_create(actor=None, user=user) for _ in range(5)}
    assert len(tokens) == 5


def test_revoked_or_inactive_or_wrong_token_rejected(areas, make_user):
    user = make_user("mediator", areas.t1)
    token = token_create(actor=None, user=user)
    assert token_authenticate(token) == user
    assert token_authenticate(token + "x") is None
    assert token_authenticate("") is None
    ApiToken.objects.filter(user=user).update(revoked_at=timezone.now())
    assert token_authenticate(token) is None

    other = token_create(actor=None, user=user)
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert token_authenticate(other) is None


def test_token_use_is_stamped(areas, make_user):
    user = make_user("mediator", areas.t1)
    token = token_create(actor=None, user=user)
    assert ApiToken.objects.get(user=user).last_used_at is None
    token_authenticate(token)
    assert ApiToken.objects.get(user=user).last_used_at is not None


# --- memberships cover subtrees -----------------------------------------------------------------


def test_membership_covers_the_subtree(areas, make_user):
    user = make_user("mediator", areas.t1)
    staff = ["mediator"]
    for area in (areas.t1, areas.t1c1, areas.t1c2, areas.t1c1g1, areas.t1c2g1):
        assert permissions.has_role_over(user, area, staff), area.code
    for area in (areas.city, areas.county, areas.t2, areas.t2c1, areas.t2c1g1):
        assert not permissions.has_role_over(user, area, staff), area.code
    assert not permissions.has_role_over(user, areas.t1c1, ["analyst", "admin"])


def test_area_scope_q_matches_the_subtree(areas, make_user):
    user = make_user("mediator", areas.t1c1)
    user2 = make_user("analyst", areas.t2)
    matched = set(
        Area.objects.filter(permissions.area_scope_q(user, ["mediator"], "path")).values_list(
            "code", flat=True
        )
    )
    assert matched == {"T1C1", "T1C1G1", "T1C1G2"}
    assert not Area.objects.filter(permissions.area_scope_q(user2, ["mediator"], "path")).exists()


def test_roles(areas, make_user):
    user = make_user("mediator", areas.t1)
    Membership.objects.create(user=user, role="county_supervisor", area=areas.county)
    user = User.objects.get(pk=user.pk)  # fresh membership cache
    assert permissions.roles_of(user) == {"mediator", "county_supervisor"}
    assert permissions.primary_role(user) == "county_supervisor"
    assert permissions.is_case_staff(user)
    analyst = make_user("analyst", areas.county)
    assert not permissions.is_case_staff(analyst)
    assert permissions.primary_role(make_user(None, None)) == ""
