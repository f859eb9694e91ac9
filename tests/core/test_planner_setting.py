"""core.prepared.planner_setting: a PostgreSQL planner setting for one block's statements only."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from accord.core.prepared import planner_setting

pytestmark = pytest.mark.django_db

PG = connection.vendor == "postgresql"


def show(name: str) -> str:
    with connection.cursor() as cur:
        cur.execute(f"SHOW {name}")
        return cur.fetchone()[0]


@pytest.mark.skipif(not PG, reason="PostgreSQL planner settings")
def test_the_setting_holds_inside_the_block_only():
    assert show("enable_bitmapscan") == "on"
    with planner_setting("enable_bitmapscan", "off"):
        assert show("enable_bitmapscan") == "off"
    assert show("enable_bitmapscan") == "on"


@pytest.mark.skipif(not PG, reason="PostgreSQL planner settings")
def test_the_rest_of_an_open_transaction_keeps_its_own_value():
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("SET LOCAL enable_seqscan = off")
        with planner_setting("enable_seqscan", "on"):
            assert show("enable_seqscan") == "on"
        assert show("enable_seqscan") == "off"


@pytest.mark.skipif(not PG, reason="PostgreSQL planner settings")
def test_an_error_in_the_block_leaves_the_setting_as_it_was():
    with pytest.raises(ZeroDivisionError), planner_setting("enable_bitmapscan", "off"):
        1 / 0  # noqa: B018
    assert show("enable_bitmapscan") == "on"


def test_only_planner_method_settings_are_accepted():
    with pytest.raises(ValueError, match="not a planner method setting"):
        with planner_setting("work_mem", "1GB"):
            pass


@pytest.mark.skipif(PG, reason="elsewhere than PostgreSQL")
def test_elsewhere_the_block_runs_as_usual():
    with planner_setting("enable_bitmapscan", "off"):
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
            assert cur.fetchone() == (1,)
