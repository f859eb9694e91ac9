"""Durability under faults: file cases through the HTTP API from concurrent clients while the
server is killed (SQLite: SIGKILL of the application server, which holds the database) or
the database is crashed (PostgreSQL: `pg_ctl stop -m immediate`), several times. Afterwards
every case whose creation was acknowledged (201) must exist, the database must pass its
integrity check (PRAGMA integrity_check / pg_amcheck) and both audit chains must verify.

    python bench/crash_durability.py --db sqlite --clients 6 --crashes 5 --interval 3
    python bench/crash_durability.py --db postgresql --clients 6 --crashes 5 --interval 3

Prints figures and a last line `RESULT {json}`; exits 1 when a check fails.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import AppServer, Client, PgCluster, QueueWorker, production_env, run_py  # noqa: E402

SETUP = """
from django.core.management import call_command
call_command("migrate", verbosity=0)
from accord.core.models import Area
city = Area.objects.create(code="T", name_en="T", name_zh="T", level="city")
county = Area.objects.create(code="T-C", name_en="C", name_zh="C", level="county", parent=city)
Area.objects.create(code="T-C-1", name_en="C1", name_zh="C1", level="township", parent=county)
"""

CHECK = """
import json, sys
from accord.cases.models import Case
from accord.core.audit import verify_all
refs = set(Case.objects.values_list("reference", flat=True))
acked = json.load(open(sys.argv[1]))
missing = sorted(set(acked) - refs)
# the descriptions must still decrypt to what the client sent
wrong = [r for r, d in acked.items()
         if r in refs and Case.objects.get(reference=r).description != d]
# early warning's deferred work (queued in each filing's transaction): whatever the crashes
# left queued is worked now; then every stored case must be counted exactly once
from accord.earlywarning import intake
from accord.earlywarning.models import IndicatorCount, PendingIntake
left_queued = PendingIntake.objects.count()
intake.drain()
counted = sum(IndicatorCount.objects.filter(area__code="T", freq="W").values_list("count", flat=True))
chains = [{"chain": c.chain, "ok": c.ok, "checked": c.checked, "reason": c.reason}
          for c in verify_all()]
print(json.dumps({"stored": len(refs), "missing": missing[:20], "n_missing": len(missing),
                  "wrong": wrong[:20], "chains": chains, "ew_left_queued": left_queued,
                  "ew_counted": counted}))
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    ap.add_argument("--clients", type=int, default=6)
    ap.add_argument("--crashes", type=int, default=5)
    ap.add_argument("--interval", type=float, default=3.0, help="seconds of load between crashes")
    ap.add_argument("--server", choices=["auto", "gunicorn", "runserver"], default="auto")
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument(
        "--ew-worker",
        choices=["process", "threads"],
        default="process",
        help="early warning's queue: a dedicated `accord ew-intake --follow` process (as "
        "deployed; SIGKILLed with the server on SQLite, cut off by the database's shutdown on "
        "PostgreSQL) or the server processes' threads",
    )
    args = ap.parse_args(argv)

    work = Path(args.workdir or tempfile.mkdtemp(prefix="accord-crash-"))
    work.mkdir(parents=True, exist_ok=True)
    pg = PgCluster(work / "pg") if args.db == "postgresql" else None
    env = production_env(work, pg.url if pg else None)
    run_py(SETUP, env)
    queue_worker = QueueWorker(env) if args.ew_worker == "process" else None
    if queue_worker:
        queue_worker.start()
    server = AppServer(env, kind=args.server)
    server.start()
    print(f"{args.db}: server {server.kind} on port {server.port}, early warning's queue "
          f"worked by {'accord ew-intake --follow' if queue_worker else 'the server threads'}, "
          f"data in {work}")  # fmt: skip

    acked: dict[str, str] = {}
    lock = threading.Lock()
    stop = threading.Event()
    stats = {
        "sent": 0,
        "ok": 0,
        "conn_errors": 0,
        "http_errors": 0,
        "locked": 0,
        "duplicate_refs": 0,
        "truncated": 0,
    }

    def client(n: int) -> None:
        c = Client(server.port)
        i = 0
        while not stop.is_set():
            i += 1
            desc = f"crash test client {n} case {i} {uuid.uuid4().hex}"
            body = {"category": "neighbour", "area": "T-C-1", "description": desc,
                    "parties": [{"role": "applicant", "kind": "person",
                                 "name": f"Tester {n}-{i}", "contact": "130"}]}  # fmt: skip
            with lock:
                stats["sent"] += 1
            try:
                status, data = c.request("POST", "/api/v1/cases", body)
            except Exception:
                with lock:
                    stats["conn_errors"] += 1
                time.sleep(0.05)
                continue
            with lock:
                if status == 201 and "reference" not in data:
                    # the server died while sending the body: not an acknowledgement
                    stats["truncated"] += 1
                elif status == 201:
                    stats["ok"] += 1
                    if data["reference"] in acked:  # one reference acknowledged twice
                        stats["duplicate_refs"] += 1
                        print(f"DUPLICATE {data['reference']}: {acked[data['reference']]} / {desc}")
                    acked[data["reference"]] = desc
                else:
                    stats["http_errors"] += 1
                    if "locked" in json.dumps(data):
                        stats["locked"] += 1
            if status != 201:
                time.sleep(0.05)  # the database is restarting

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(args.clients)]
    for t in threads:
        t.start()
    started = time.monotonic()
    for k in range(args.crashes):
        time.sleep(args.interval)
        before = len(acked)
        if pg:
            pg.stop("immediate")  # the database crashes under load
            time.sleep(0.3)
            pg.start()
            what = "PostgreSQL immediate shutdown + restart"
        else:
            server.kill()  # SIGKILL: no shutdown code, open transactions cut mid-way
            if queue_worker:
                queue_worker.kill()
                queue_worker.start()
            server.start()
            what = "SIGKILL of the server" + (" and the queue worker" if queue_worker else "")
            what += " + restart"
        print(f"crash {k + 1}/{args.crashes}: {what}; {before} cases acknowledged so far")
    time.sleep(args.interval)
    stop.set()
    for t in threads:
        t.join(timeout=40)
    elapsed = time.monotonic() - started
    server.stop()
    if queue_worker:
        queue_worker.stop()

    ackfile = work / "acked.json"
    ackfile.write_text(json.dumps(acked))
    check = json.loads(
        run_py(CHECK.replace("sys.argv[1]", repr(str(ackfile))), env).strip().splitlines()[-1]
    )
    if pg:
        integrity_ok, integrity = pg.amcheck()
        integrity = integrity or "pg_amcheck: no corruption reported"
    else:
        db = sqlite3.connect(work / "accord.sqlite3")
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        integrity_ok = integrity == "ok"
        db.close()
    result = {
        "db": args.db, "server": server.kind, "clients": args.clients, "crashes": args.crashes,
        "seconds": round(elapsed, 1), **stats, "acknowledged": len(acked),
        "stored": check["stored"], "missing": check["n_missing"], "wrong": len(check["wrong"]),
        "integrity_ok": integrity_ok, "integrity": integrity[:300],
        "chains": check["chains"], "ew_left_queued": check["ew_left_queued"],
        "ew_counted": check["ew_counted"],
    }  # fmt: skip
    ok = (
        check["n_missing"] == 0
        and not check["wrong"]
        and stats["duplicate_refs"] == 0
        and integrity_ok
        and all(c["ok"] for c in check["chains"])
        and check["ew_counted"] == check["stored"]
        and len(acked) > 0
    )
    print(
        f"acknowledged {len(acked)} of {stats['sent']} requests; stored {check['stored']} "
        f"(unacknowledged but stored: {check['stored'] - len(acked) + check['n_missing']}); "
        f"missing {check['n_missing']}; connection errors {stats['conn_errors']}; "
        f"HTTP errors {stats['http_errors']} ('database is locked': {stats['locked']})"
    )
    print(f"integrity: {integrity[:200]}")
    print(
        f"early warning: {check['ew_left_queued']} case(s) still queued after the last stop, "
        f"worked now; {check['ew_counted']} of {check['stored']} stored cases counted"
    )
    for c in check["chains"]:
        print(
            f"{c['chain']} chain: {'ok' if c['ok'] else 'BROKEN ' + c['reason']}, {c['checked']} events"
        )
    print("RESULT " + json.dumps(result))
    if pg:
        pg.destroy()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
