"""Durability of the crisis pathway under faults: concurrent clients submit PHQ-9s with item
9 > 0 (anonymous, no consent: only the crisis alert is written) while the application
server and the escalation worker (`accord wellbeing-escalate --follow`) are SIGKILLed at
random moments (SQLite) or PostgreSQL is crashed (`pg_ctl stop -m immediate`). A client
whose request failed resends the same submission (same idempotency key) once the server is
back. Afterwards:

- every acknowledged (HTTP 2xx) submission has exactly one crisis alert, the one its answer
  named;
- escalation resumed: after the last crash, one more run of `accord wellbeing-escalate`
  leaves no open alert overdue, and no alert was escalated twice at the same step;
- the database passes its integrity check and both audit chains verify.

    python bench/crisis_durability.py --db sqlite --clients 4 --crashes 5 --interval 3
    python bench/crisis_durability.py --db postgresql --clients 4 --crashes 5 --interval 3

Prints figures and a last line `RESULT {json}`; exits 1 when a check fails.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import AppServer, Client, PgCluster, ProcessGroup, production_env, run_py  # noqa: E402

ACK_MINUTES = 0.02  # 1.2 s: escalation happens many times during the run

SETUP = """
from django.core.management import call_command
call_command("migrate", verbosity=0)
from accord.accounts.services import user_create
from accord.core.models import Area
from accord.wellbeing.models import Counsellor, OnCall, Unit
city = Area.objects.create(code="T", name_en="T", name_zh="T", level="city")
county = Area.objects.create(code="T-C", name_en="C", name_zh="C", level="county", parent=city)
town = Area.objects.create(code="T-C-1", name_en="C1", name_zh="C1", level="township",
                           parent=county)
users = [user_create(actor=None, username=f"counsellor{i}", role="counselor", area_code="T-C-1",
                     password="bench-password-2026", validate=False) for i in (1, 2)]
unit = Unit.objects.create(code="U", kind="station", name_en="U", name_zh="U", area=town,
                           hours={"always": True}, services=["phone"], head=users[1])
for pos, u in enumerate(users, start=1):
    Counsellor.objects.create(user=u, unit=unit)
    OnCall.objects.create(area=town, position=pos, user=u, unit=unit)
"""

CHECK = """
import json, sys
from collections import Counter
from django.utils import timezone
from accord.core.audit import verify_all
from accord.wellbeing.crisis import alerts_escalate_due
from accord.wellbeing.models import AlertStep, CrisisAlert, Screening
acked = json.load(open(sys.argv[1]))
by_key = {k: r for k, r in CrisisAlert.objects.values_list("submission_key", "reference")}
missing = sorted(k for k in acked if k not in by_key)
wrong = sorted(k for k, ref in acked.items() if k in by_key and by_key[k] != ref)
# escalation resumed: steps the (restarted) worker took, then one more run now; afterwards
# no open alert may still be due as of the moment that run began
by_worker = AlertStep.objects.filter(action="escalate").values("alert_id").distinct().count()
t0 = timezone.now()
escalated_now = len(alerts_escalate_due(now=t0, limit=100000))
overdue = CrisisAlert.objects.filter(status__in=("raised", "escalated"),
                                     next_escalation_at__lte=t0).count()
steps = Counter(AlertStep.objects.filter(action="escalate")
                .values_list("alert_id", "step", "notified_id"))
twice = sum(1 for n in steps.values() if n > 1)
gaps = 0
for a in CrisisAlert.objects.all():
    got = set(AlertStep.objects.filter(alert=a).values_list("step", flat=True))
    if got != set(range(a.step + 1)):
        gaps += 1
never = CrisisAlert.objects.filter(step=0).count()
chains = [{"chain": c.chain, "ok": c.ok, "checked": c.checked, "reason": c.reason}
          for c in verify_all()]
print(json.dumps({"alerts": len(by_key), "missing": len(missing), "missing_keys": missing[:10],
                  "wrong": len(wrong), "escalated_now": escalated_now, "escalated_by_worker": by_worker, "overdue": overdue,
                  "escalated_twice": twice, "step_gaps": gaps, "never_escalated": never,
                  "screenings_stored": Screening.objects.count(),
                  "max_step": max([a.step for a in CrisisAlert.objects.all()] or [0]),
                  "chains": chains}))
"""


class Escalator(ProcessGroup):
    """`accord wellbeing-escalate --follow 0.3`: the escalation job as a separate process."""

    def __init__(self, env: dict) -> None:
        self.env = env
        self.log = Path(env["ACCORD_DATA_DIR"]) / "escalate.log"

    def runs_since_start(self) -> int:
        return self.log.read_bytes()[self.mark :].count(b"escalated ")

    def start(self) -> None:
        self.mark = self.log.stat().st_size if self.log.exists() else 0
        log = open(self.log, "ab")  # noqa: SIM115 - the child writes it
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "accord", "wellbeing-escalate", "--follow", "0.3"],
            env=self.env, stdout=log, stderr=log, start_new_session=True,
        )  # fmt: skip
        log.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--crashes", type=int, default=5)
    ap.add_argument("--interval", type=float, default=3.0, help="mean seconds between crashes")
    ap.add_argument("--server", choices=["auto", "gunicorn", "runserver"], default="auto")
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--seed", type=int, default=None)
    args = ap.parse_args(argv)
    rnd = random.Random(args.seed)

    work = Path(args.workdir or tempfile.mkdtemp(prefix="accord-crisis-"))
    work.mkdir(parents=True, exist_ok=True)
    pg = PgCluster(work / "pg") if args.db == "postgresql" else None
    env = production_env(work, pg.url if pg else None)
    env["ACCORD_WELLBEING_ACK_MINUTES"] = str(ACK_MINUTES)
    run_py(SETUP, env)
    server = AppServer(env, kind=args.server)
    server.start()
    escalator = Escalator(env)
    escalator.start()
    print(f"{args.db}: server {server.kind} on port {server.port}, escalation worker beside "
          f"it, acknowledgement time {ACK_MINUTES * 60:.1f} s, data in {work}")  # fmt: skip

    acked: dict[str, str] = {}
    lock = threading.Lock()
    stop = threading.Event()
    stats = {"sent": 0, "ok": 0, "resent": 0, "conn_errors": 0, "http_errors": 0,
             "truncated": 0, "not_crisis": 0}  # fmt: skip

    def client(n: int) -> None:
        c = Client(server.port)
        pending: str | None = None  # a submission not yet acknowledged: resend it as is
        while not stop.is_set():
            key = pending or f"c{n}-{uuid.uuid4().hex}"
            body = {"instrument": "phq9", "answers": [1, 2, 0, 1, 0, 1, 0, 0, 1 + n % 3],
                    "area": "T-C-1", "submission_key": key}  # fmt: skip
            with lock:
                stats["sent"] += 1
                stats["resent"] += pending is not None
            try:
                status, data = c.request("POST", "/api/v1/wellbeing/screenings", body)
            except Exception:
                with lock:
                    stats["conn_errors"] += 1
                pending = key
                time.sleep(0.05)
                continue
            with lock:
                if 200 <= status < 300 and not data.get("alert"):
                    stats["truncated" if "raw" in data or not data else "not_crisis"] += 1
                    pending = key
                elif 200 <= status < 300:
                    stats["ok"] += 1
                    acked[key] = data["alert"]
                    pending = None
                else:
                    stats["http_errors"] += 1
                    pending = key
            if pending:
                time.sleep(0.05)

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(args.clients)]
    for t in threads:
        t.start()
    started = time.monotonic()
    for k in range(args.crashes):
        time.sleep(rnd.uniform(0.3, 1.7) * args.interval)  # a random moment
        before = len(acked)
        if pg:
            pg.stop("immediate")
            time.sleep(0.3)
            pg.start()
            what = "PostgreSQL immediate shutdown + restart"
        else:
            server.kill()
            escalator.kill()
            server.start()
            escalator.start()
            what = "SIGKILL of the server and the escalation worker + restart"
        print(f"crash {k + 1}/{args.crashes}: {what}; {before} submissions acknowledged so far")
    time.sleep(args.interval)
    stop.set()
    for t in threads:
        t.join(timeout=40)
    elapsed = time.monotonic() - started
    server.stop()
    # The escalation worker, restarted after the last crash, must resume: wait until it has
    # worked at least twice since (or 60 s), then stop it; the check runs the job once more.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and escalator.runs_since_start() < 2:
        time.sleep(0.2)
    resumed_runs = escalator.runs_since_start()
    escalator.kill()

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
    result = {"db": args.db, "server": server.kind, "clients": args.clients,
              "crashes": args.crashes, "seconds": round(elapsed, 1), **stats,
              "acknowledged": len(acked), **{k: v for k, v in check.items() if k != "missing_keys"},
              "worker_resumed_runs": resumed_runs, "integrity_ok": integrity_ok,
              "integrity": integrity[:300]}  # fmt: skip
    ok = (
        len(acked) > 0
        and check["missing"] == 0
        and check["wrong"] == 0
        and check["overdue"] == 0
        and check["escalated_twice"] == 0
        and check["step_gaps"] == 0
        and check["screenings_stored"] == 0
        and resumed_runs >= 2
        and check["escalated_by_worker"] > 0
        and check["alerts"] >= len(acked)
        and integrity_ok
        and all(c["ok"] for c in check["chains"])
    )
    print(f"acknowledged {len(acked)} of {stats['sent']} requests ({stats['resent']} resends); "
          f"{check['alerts']} alerts stored; missing {check['missing']}; wrong {check['wrong']}; "
          f"connection errors {stats['conn_errors']}; HTTP errors {stats['http_errors']}")  # fmt: skip
    print(
        f"escalation worker: {check['escalated_by_worker']} alerts escalated by it; "
        f"{resumed_runs} runs after the last restart"
    )
    print(f"escalation: {check['escalated_now']} due alerts escalated by the final run, "
          f"{check['overdue']} still overdue, {check['escalated_twice']} steps taken twice, "
          f"{check['step_gaps']} alerts with a gap in their steps; highest step {check['max_step']}")  # fmt: skip
    print(f"integrity: {integrity[:200]}")
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
