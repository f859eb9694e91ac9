"""Online backup and restore, with a manifest of row counts and audit-chain heads.

SQLite: the SQLite online backup API copies a consistent snapshot while the server keeps
running. PostgreSQL: `pg_dump --format=custom` under a snapshot exported by the same
transaction that counts the rows, so the manifest describes exactly what the dump holds;
`pg_restore --clean` puts it back. After a restore the row counts are compared with the
manifest and both audit chains are verified.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, connections, transaction

Say = Callable[[str], None]


class BackupError(Exception):
    pass


def manifest_path(path: Path) -> Path:
    return path.with_name(path.name + ".manifest.json")


def _tables(cur_tables: list[str]) -> list[str]:
    return sorted(t for t in cur_tables if not t.startswith("sqlite_"))


def _count_sqlite(db: sqlite3.Connection) -> dict[str, int]:
    names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    return {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in _tables(names)}  # noqa: S608


def _heads_sqlite(db: sqlite3.Connection) -> dict[str, list]:
    heads = {}
    for chain, table in (("audit", "core_auditevent"), ("access", "core_accessevent")):
        try:
            row = db.execute(f"SELECT seq, hash FROM {table} ORDER BY seq DESC LIMIT 1").fetchone()  # noqa: S608
        except sqlite3.OperationalError:
            row = None
        heads[chain] = list(row) if row else None
    return heads


def _count_django() -> dict[str, int]:
    qn = connection.ops.quote_name
    with connection.cursor() as cur:
        tables = _tables(connection.introspection.table_names(cur))
        counts = {}
        for t in tables:
            cur.execute(f"SELECT COUNT(*) FROM {qn(t)}")  # noqa: S608
            counts[t] = cur.fetchone()[0]
    return counts


def _heads_django() -> dict[str, list]:
    from accord.core.models import AccessEvent, AuditEvent

    heads = {}
    for model in (AuditEvent, AccessEvent):
        row = model.objects.order_by("-seq").values_list("seq", "hash").first()
        heads[model.CHAIN] = list(row) if row else None
    return heads


@dataclass
class BackupResult:
    path: Path
    vendor: str
    counts: dict[str, int]
    heads: dict[str, list]
    seconds: float = 0.0
    extra: dict = field(default_factory=dict)


def _write_manifest(res: BackupResult) -> None:
    manifest = {
        "format": 1,
        "vendor": res.vendor,
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "file": res.path.name,
        "size": res.path.stat().st_size,
        "counts": res.counts,
        "audit_heads": res.heads,
    }
    manifest_path(res.path).write_text(json.dumps(manifest, indent=1, sort_keys=True))


def _pg_env_args() -> tuple[dict[str, str], list[str]]:
    s = connection.settings_dict
    env = dict(os.environ)
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = s["PASSWORD"]
    args = []
    if s.get("HOST"):
        args += ["-h", s["HOST"]]
    if s.get("PORT"):
        args += ["-p", str(s["PORT"])]
    if s.get("USER"):
        args += ["-U", s["USER"]]
    return env, args


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if candidates:
        return str(candidates[-1])
    raise BackupError(f"{name} not found; install the PostgreSQL client tools")


def backup(path: Path, *, say: Say = lambda _m: None) -> BackupResult:
    import time

    started = time.monotonic()
    path = Path(path).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        raise BackupError(f"{path} exists; choose a new file name")
    vendor = connection.vendor
    if vendor == "sqlite":
        src = sqlite3.connect(connection.settings_dict["NAME"], timeout=30)
        dst = sqlite3.connect(str(path))
        try:

            def progress(status, remaining, total):
                say(f"  copied {total - remaining}/{total} pages")

            src.backup(dst, pages=2000, progress=progress)
            check = dst.execute("PRAGMA integrity_check").fetchone()[0]
            if check != "ok":
                raise BackupError(f"integrity check of the copy failed: {check}")
            res = BackupResult(path, vendor, _count_sqlite(dst), _heads_sqlite(dst))
        finally:
            dst.close()
            src.close()
    elif vendor == "postgresql":
        env, args = _pg_env_args()
        with transaction.atomic():
            with connection.cursor() as cur:
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cur.execute("SELECT pg_export_snapshot()")
                snapshot = cur.fetchone()[0]
            counts, heads = _count_django(), _heads_django()
            say(f"  dumping under snapshot {snapshot}")
            run = subprocess.run(
                [
                    _pg_tool("pg_dump"), *args, "--format=custom", f"--snapshot={snapshot}",
                    "--no-owner", "-f", str(path), connection.settings_dict["NAME"],
                ],
                env=env, capture_output=True, text=True,
            )  # fmt: skip
            if run.returncode != 0:
                raise BackupError(f"pg_dump failed: {run.stderr.strip()}")
        res = BackupResult(path, vendor, counts, heads)
    else:
        raise BackupError(f"backups of {vendor} are not supported")
    res.seconds = time.monotonic() - started
    _write_manifest(res)
    return res


@dataclass
class RestoreResult:
    counts: dict[str, int]
    mismatches: dict[str, tuple[int, int]]
    chains: list


def _load_manifest(path: Path) -> dict:
    mpath = manifest_path(path)
    if not mpath.exists():
        raise BackupError(f"{mpath} is missing: a backup is restored with its manifest")
    return json.loads(mpath.read_text())


def restore(path: Path, *, say: Say = lambda _m: None) -> RestoreResult:
    from accord.core.audit import verify_all

    path = Path(path).resolve()
    if not path.exists():
        raise BackupError(f"{path} does not exist")
    manifest = _load_manifest(path)
    vendor = connection.vendor
    if manifest["vendor"] != vendor:
        raise BackupError(f"the backup is of {manifest['vendor']}, the database is {vendor}")
    if vendor == "sqlite":
        src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            check = src.execute("PRAGMA integrity_check").fetchone()[0]
            if check != "ok":
                raise BackupError(f"the backup file is damaged: {check}")
            if _count_sqlite(src) != manifest["counts"]:
                raise BackupError("the backup file does not match its manifest")
            connections.close_all()
            dst = sqlite3.connect(connection.settings_dict["NAME"], timeout=30)
            try:
                src.backup(dst, pages=2000, progress=lambda s, r, t: say(f"  {t - r}/{t} pages"))
            finally:
                dst.close()
        finally:
            src.close()
    elif vendor == "postgresql":
        env, args = _pg_env_args()
        connections.close_all()
        run = subprocess.run(
            [
                _pg_tool("pg_restore"), *args, "--clean", "--if-exists", "--no-owner",
                "--single-transaction", "--exit-on-error",
                "-d", connection.settings_dict["NAME"], str(path),
            ],
            env=env, capture_output=True, text=True,
        )  # fmt: skip
        if run.returncode != 0:
            raise BackupError(f"pg_restore failed: {run.stderr.strip()}")
    else:
        raise BackupError(f"restores of {vendor} are not supported")
    counts = _count_django()
    expected = manifest["counts"]
    mismatches = {
        t: (expected.get(t, 0), counts.get(t, 0))
        for t in set(expected) | set(counts)
        if expected.get(t, 0) != counts.get(t, 0)
    }
    return RestoreResult(counts, mismatches, verify_all())
