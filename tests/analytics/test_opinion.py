"""The opinion map: planted groups recovered, deterministic, the Pol.is rules (>= 7 votes,
scaled projections, stable group counts), consensus and representative statements, and the
CLI's output and errors."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from accord.analytics.cli import main
from accord.analytics.opinion import (
    OpinionControl,
    adjusted_rand,
    choose_groups,
    matrix_from_votes,
    opinion_map,
    planted_votes,
)


def test_recovers_three_planted_camps():
    votes, camp = planted_votes(3, 300, 40, missing=0.6, seed=1, lean=0.85)
    r = opinion_map(votes)
    assert r.n_groups == 3
    assert adjusted_rand(camp[r.clustered], r.group[r.clustered]) >= 0.9
    assert sorted(r.group_sizes) == sorted(np.bincount(r.group[r.clustered]).tolist())


def test_deterministic():
    votes, _ = planted_votes(3, 100, 30, missing=0.5, seed=3)
    a, b = opinion_map(votes), opinion_map(votes.copy())
    assert np.array_equal(a.group, b.group)
    assert np.allclose(a.projection[a.clustered], b.projection[b.clustered])
    assert a.representative == b.representative and a.consensus == b.consensus


def test_participants_with_few_votes_are_not_placed():
    votes, _ = planted_votes(2, 50, 20, missing=0.0, seed=2)
    votes[0, 6:] = np.nan  # 6 votes: not placed
    votes[1, 7:] = np.nan  # 7 votes: placed
    r = opinion_map(votes)
    assert not r.clustered[0] and r.group[0] == -1 and np.isnan(r.projection[0]).all()
    assert r.clustered[1] and r.group[1] >= 0


def test_projection_scaled_by_votes():
    # two participants with the same direction of opinion, one with half the votes: the one
    # who voted less is not pulled to the centre (scaled by sqrt(statements / own votes))
    votes, _ = planted_votes(2, 60, 20, missing=0.0, seed=5)
    votes[0] = votes[1]
    votes[0, 10:] = np.nan
    r = opinion_map(votes)
    n0, n1 = np.linalg.norm(r.projection[0]), np.linalg.norm(r.projection[1])
    assert n0 > 0.5 * n1


def test_group_count_changes_only_when_stable():
    assert choose_groups(4, history=[], current=None, runs=3) == 4
    assert choose_groups(4, history=[3, 3], current=3, runs=3) == 3
    assert choose_groups(4, history=[3, 4], current=3, runs=3) == 3
    assert choose_groups(4, history=[4, 4], current=3, runs=3) == 4
    votes, _ = planted_votes(3, 100, 30, missing=0.5, seed=0, lean=0.9)
    r = opinion_map(votes, history=[2], current_groups=2)
    assert r.candidate_groups == 3 and r.n_groups == 2
    r = opinion_map(votes, history=[3, 3], current_groups=2)
    assert r.n_groups == 3


def test_consensus_and_representative():
    votes, camp = planted_votes(3, 100, 30, missing=0.3, seed=4, lean=0.9)
    r = opinion_map(votes)
    # planted_votes makes statements 0-2 agreed by every camp
    assert r.consensus[:3] == ("agree", "agree", "agree")
    assert any(r.representative) and {x.group for x in r.representative} == {0, 1, 2}
    for x in r.representative:
        members = r.group == x.group
        col = votes[members, x.statement]
        rest = votes[~members & r.clustered, x.statement]
        want = 1 if x.direction == "agree" else -1
        assert np.nanmean(col == want) > np.nanmean(rest == want)


def test_public_summary_has_no_individuals_and_hides_small_groups():
    votes, _ = planted_votes(3, 100, 20, missing=0.3, seed=6, lean=0.9)
    r = opinion_map(votes)
    s = r.public_summary(min_group=max(r.group_sizes) + 1)
    assert s["groups"] == [] and s["hidden_groups"] == 3
    s = r.public_summary(min_group=5)
    assert len(s["groups"]) == 3
    assert set(s) == {"n_groups", "participants", "groups", "hidden_groups", "consensus", "totals"}
    assert s["participants"] == int(r.clustered.sum())  # a count, not a list
    for g in s["groups"]:
        assert set(g) == {"group", "size", "centre", "statements", "representative"}


def test_matrix_from_votes():
    m, people, statements = matrix_from_votes([("a", "s1", 1), ("b", "s2", -1), ("a", "s2", 0)])
    assert people == ("a", "b") and statements == ("s1", "s2")
    assert m[0, 0] == 1 and m[1, 1] == -1 and m[0, 1] == 0 and np.isnan(m[1, 0])
    with pytest.raises(ValueError):
        matrix_from_votes([("a", "s", 2)])
    with pytest.raises(ValueError):
        OpinionControl(min_groups=1)


def _write_votes(path, votes):
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["participant", "statement", "vote"])
        for i, row in enumerate(votes):
            for j, v in enumerate(row):
                if not np.isnan(v):
                    w.writerow([f"p{i}", f"s{j}", int(v)])


def test_cli_writes_groups_and_statements(tmp_path):
    votes, camp = planted_votes(3, 60, 20, missing=0.3, seed=7, lean=0.9)
    votes[0, 3:] = np.nan
    _write_votes(tmp_path / "votes.csv", votes)
    out = tmp_path / "out"
    assert main(["opinion", "--votes", str(tmp_path / "votes.csv"), "--out", str(out)]) == 0
    groups = list(csv.DictReader(open(out / "groups.csv")))
    assert len(groups) == 180 and groups[0] == {"participant": "p0", "group": ""}
    found = np.array([int(g["group"]) for g in groups[1:]])
    assert adjusted_rand(camp[1:], found) >= 0.8  # 60 per camp, 20 statements: a small map
    rows = list(csv.DictReader(open(out / "statements.csv")))
    assert list(rows[0]) == ["statement", "group", "agree", "disagree", "pass", "n",
                             "representative", "consensus"]  # fmt: skip
    assert len(rows) == 20 * 4
    s0 = [r for r in rows if r["statement"] == "s0"]
    assert all(r["consensus"] == "agree" for r in s0)
    assert sum(int(r["n"]) for r in s0 if r["group"]) <= int(s0[0]["n"])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "is empty"),
        ("participant,vote\na,1\n", "missing column(s) statement"),
        ("participant,statement,vote\n", "no data rows"),
        ("participant,statement,vote\na,s,yes\n", "line 2: vote 'yes'"),
        ("participant,statement,vote\na,s,1\na,s,-1\n", "voted on 's' twice"),
        ("participant,statement,vote\n,s,1\n", "empty participant"),
        ("participant,statement,vote\na,s,1\n", "at least 2 statements"),
    ],
)
def test_cli_bad_input_exit_2(tmp_path, capsys, content, message):
    path = tmp_path / "votes.csv"
    path.write_text(content)
    assert main(["opinion", "--votes", str(path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and err.count("\n") == 0 and err.startswith("python -m accord.analytics")
    assert not (tmp_path / "o" / "groups.csv").exists()


def test_cli_missing_file_and_unknown_argument(tmp_path, capsys):
    assert main(["opinion", "--votes", str(tmp_path / "none.csv"), "--out", str(tmp_path)]) == 2
    assert "cannot read" in capsys.readouterr().err
    (tmp_path / "v.csv").write_text("participant,statement,vote\na,s,1\n")
    assert (
        main(
            ["opinion", "--votes", str(tmp_path / "v.csv"), "--out", str(tmp_path), "--bogus", "1"]
        )
        == 2
    )


def test_no_django_import():
    import subprocess
    import sys

    code = (
        "import sys, accord.analytics.opinion, accord.analytics.opinion_cli, accord.analytics.cli;"
        "bad = [m for m in sys.modules if m == 'django' or m.startswith('django.')];"
        "sys.exit(1 if bad else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
