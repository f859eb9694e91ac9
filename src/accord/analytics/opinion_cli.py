"""``python -m accord.analytics opinion --votes votes.csv --out DIR``: the opinion map of a CSV
of votes (see :mod:`accord.analytics.opinion`).

Input: columns ``participant,statement,vote`` (other columns ignored), vote 1 agree, -1
disagree, 0 pass; one vote per participant and statement. Output in DIR (created if
missing, files written whole or not at all):

- ``groups.csv``: ``participant,group`` (group empty for participants with too few votes);
- ``statements.csv``: ``statement,group,agree,disagree,pass,n,representative,consensus``, one
  row per statement and group plus one row with an empty group for everyone; agree /
  disagree / pass are counts, ``representative`` is agree/disagree when the statement
  represents that group, ``consensus`` agree/disagree when every group shares it.
"""

from __future__ import annotations

import argparse
import csv
import os
import tempfile
from pathlib import Path

from accord.analytics.opinion import OpinionControl, matrix_from_votes, opinion_map

REQUIRED = ("participant", "statement", "vote")


def add_parser(sub, input_error) -> None:
    o = sub.add_parser(
        "opinion",
        help="opinion map of a CSV of votes",
        description="Pol.is-style opinion groups from participant,statement,vote rows.",
    )
    o.add_argument("--votes", required=True, help="CSV with columns participant,statement,vote")
    o.add_argument("--out", required=True, help="output directory (groups.csv, statements.csv)")
    o.add_argument("--min-votes", type=int, default=7, help="votes needed to be placed (7)")
    o.add_argument("--seed", type=int, default=0)


def read_votes(path: str, input_error) -> list[tuple[str, str, int]]:
    try:
        fh = open(path, newline="", encoding="utf-8-sig")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise input_error(f"cannot read {path}: {exc.strerror}") from None
    rows: list[tuple[str, str, int]] = []
    seen: set[tuple[str, str]] = set()
    with fh:
        reader = csv.reader(fh)
        try:
            header = next(reader)
        except StopIteration:
            raise input_error(f"{path} is empty") from None
        except csv.Error as exc:
            raise input_error(f"{path}: not a valid CSV ({exc})") from None
        cols = [h.strip().lower() for h in header]
        missing = [c for c in REQUIRED if c not in cols]
        if missing:
            raise input_error(
                f"{path} is missing column(s) {', '.join(missing)}; need {','.join(REQUIRED)}"
            )
        i_p, i_s, i_v = (cols.index(c) for c in REQUIRED)
        try:
            for row in reader:
                line = reader.line_num
                if not row or all(not c.strip() for c in row):
                    continue
                if len(row) < len(cols):
                    raise input_error(f"line {line}: expected {len(cols)} fields, got {len(row)}")
                p, s, v = row[i_p].strip(), row[i_s].strip(), row[i_v].strip()
                if not p:
                    raise input_error(f"line {line}: empty participant")
                if not s:
                    raise input_error(f"line {line}: empty statement")
                if v not in ("1", "-1", "0", "+1"):
                    raise input_error(
                        f"line {line}: vote {v!r} must be 1 (agree), -1 (disagree) or 0 (pass)"
                    )
                if (p, s) in seen:
                    raise input_error(f"line {line}: participant {p!r} voted on {s!r} twice")
                seen.add((p, s))
                rows.append((p, s, int(v)))
        except csv.Error as exc:
            raise input_error(f"{path}: not a valid CSV ({exc})") from None
    if not rows:
        raise input_error(f"{path} has a header but no data rows")
    return rows


def _write(path: Path, header: list[str], rows) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(header)
            w.writerows(rows)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def opinion_command(args: argparse.Namespace, input_error) -> None:
    if args.min_votes < 1:
        raise input_error("--min-votes must be at least 1")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise input_error(f"--out {out} exists and is not a directory")
    rows = read_votes(args.votes, input_error)
    m, people, statements = matrix_from_votes(rows)
    if len(statements) < 2:
        raise input_error("an opinion map needs votes on at least 2 statements")
    r = opinion_map(
        m,
        OpinionControl(min_votes=args.min_votes, seed=args.seed),
        participants=people,
        statements=statements,
    )
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise input_error(f"cannot create {out}: {exc.strerror}") from None
    _write(
        out / "groups.csv",
        ["participant", "group"],
        ((p, int(g) if g >= 0 else "") for p, g in zip(people, r.group, strict=True)),
    )
    rep = {(x.group, x.statement): x.direction for x in r.representative}
    lines = []
    for j, s in enumerate(statements):
        a, d, p = (int(x) for x in r.totals[j])
        lines.append([s, "", a, d, p, a + d + p, "", r.consensus[j]])
        for g in range(r.n_groups):
            a, d, p = (int(x) for x in r.counts[g, j])
            lines.append([s, g, a, d, p, a + d + p, rep.get((g, j), ""), r.consensus[j]])
    _write(
        out / "statements.csv",
        ["statement", "group", "agree", "disagree", "pass", "n", "representative", "consensus"],
        lines,
    )
