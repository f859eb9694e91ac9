"""Shared pieces of the durability and load benchmarks: a production-configured environment,
a throw-away PostgreSQL cluster, the application server (gunicorn when installed, otherwise
Django's threaded runserver) and a small keep-alive HTTP client."""

from __future__ import annotations

import base64
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent


def _key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_env(data_dir: Path, database_url: str | None = None) -> dict[str, str]:
    """ACCORD_ENV=production with fresh keys (TLS is a proxy's job on loopback)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")}
    env.pop("DATABASE_URL", None)
    # Fresh keys per data dir, kept beside the data so that a later run can reuse it.
    keyfile = Path(data_dir) / "bench-keys.json"
    if keyfile.exists():
        keys = json.loads(keyfile.read_text())
    else:
        keys = {
            "ACCORD_SECRET_KEY": _key() + _key(),
            "ACCORD_FIELD_KEYS": f"b1:{_key()}",
            "ACCORD_INDEX_KEY": _key(),
            "ACCORD_AUDIT_KEY": _key(),
        }
        keyfile.write_text(json.dumps(keys))
        keyfile.chmod(0o600)
    env.update(keys)
    env.update(
        ACCORD_ENV="production",
        ACCORD_ALLOWED_HOSTS="127.0.0.1,localhost",
        ACCORD_SSL_REDIRECT="0",
        # Every benchmark client comes from 127.0.0.1: the per-address abuse limit on public
        # filing (20 an hour) would answer 429 from the 21st case on. The benchmarks measure
        # the server, so they lift it; tests/security shows that the limit itself works.
        ACCORD_RATE_LIMITS="filing=100000000/3600,track=100000000/3600",
        ACCORD_DATA_DIR=str(data_dir),
        PYTHONUNBUFFERED="1",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def run_py(code: str, env: dict, timeout: int = 3600) -> str:
    prelude = (
        "import os\nos.environ['DJANGO_SETTINGS_MODULE']='accord.config.settings'\n"
        "import django\ndjango.setup()\n"
    )
    r = subprocess.run(
        [sys.executable, "-c", prelude + code],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if r.returncode != 0:
        raise RuntimeError(f"helper failed: {r.stderr[-3000:]}")
    return r.stdout


def accord(*args: str, env: dict, timeout: int = 3600) -> str:
    r = subprocess.run(
        [sys.executable, "-m", "accord", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if r.returncode != 0:
        raise RuntimeError(f"accord {' '.join(args)} failed: {r.stderr[-3000:]}")
    return r.stdout


def pg_bin() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    cands = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return cands[-1].parent if cands else None


class PgCluster:
    """A PostgreSQL server of our own (so that it can be crashed), on a Unix socket, with
    the durability settings at their defaults (fsync, full_page_writes, synchronous_commit
    on). As root the server runs as the `postgres` user."""

    def __init__(self, workdir: Path | None = None) -> None:
        self.bin = pg_bin()
        if self.bin is None:
            raise RuntimeError("PostgreSQL server binaries not found")
        self.dir = Path(workdir or tempfile.mkdtemp(prefix="accord-pg-"))
        self.dir.mkdir(parents=True, exist_ok=True)
        self.data = self.dir / "data"
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            self.as_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.dir, "postgres")
            # Let postgres reach its directory: every ancestor must be traversable (o+x), e.g.
            # pytest's /tmp/pytest-of-root is 0700 while the directories below it are not.
            for parent in self.dir.parents:
                mode = parent.stat().st_mode
                if mode & 0o001 == 0:
                    parent.chmod(mode | 0o001)
        self._run("initdb", "-D", str(self.data), "-U", "accord", "--auth=trust", "-E", "UTF8",
                  "--locale=C.UTF-8")  # fmt: skip
        self.start()
        self._run("createdb", "-h", str(self.dir), "-U", "accord", "accord")

    @property
    def url(self) -> str:
        return f"postgres://accord@{quote(str(self.dir), safe='')}/accord"

    def _run(self, tool: str, *args: str) -> str:
        r = subprocess.run(
            [*self.as_user, str(self.bin / tool), *args], capture_output=True, text=True
        )
        if r.returncode != 0:
            raise RuntimeError(f"{tool} failed: {r.stderr}")
        return r.stdout

    def start(self, attempts: int = 10) -> None:
        """Start the server. After an immediate shutdown a backend of the old server may
        still hold its shared memory for a moment on a busy machine ("pre-existing shared
        memory block is still in use"), so a failed start is tried again a few times."""
        for attempt in range(attempts):
            try:
                self._run("pg_ctl", "-D", str(self.data), "-l", str(self.dir / "log"), "-w",
                          "-o", f"-k {self.dir} -c listen_addresses='' -c max_connections=200",
                          "start")  # fmt: skip
                return
            except RuntimeError as exc:
                if attempt == attempts - 1:
                    log = self.dir / "log"
                    tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
                    raise RuntimeError(f"pg_ctl could not start the server; log:\n{tail}") from exc
                time.sleep(1 + attempt)

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def amcheck(self) -> tuple[bool, str]:
        r = subprocess.run(
            [*self.as_user, str(self.bin / "pg_amcheck"), "-h", str(self.dir), "-U", "accord",
             "--install-missing", "--heapallindexed", "-d", "accord"],
            capture_output=True, text=True,
        )  # fmt: skip
        return r.returncode == 0, (r.stdout + r.stderr).strip()

    def destroy(self) -> None:
        try:
            self.stop("immediate")
        except RuntimeError:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)


def have_gunicorn() -> bool:
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        return False
    return True


class ProcessGroup:
    """A child started in its own process group (`self.proc`), stopped with all its children."""

    proc: subprocess.Popen | None = None
    stop_timeout: float = 20

    def kill(self) -> None:
        """SIGKILL the whole process group: no shutdown code runs."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after `stop_timeout` seconds."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                self.kill()


class AppServer(ProcessGroup):
    """The Accord WSGI application on 127.0.0.1, in its own process group."""

    def __init__(self, env: dict, *, workers: int = 2, threads: int = 4, kind: str = "auto"):
        self.env, self.workers, self.threads = env, workers, threads
        self.kind = ("gunicorn" if have_gunicorn() else "runserver") if kind == "auto" else kind
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.log = open(Path(env["ACCORD_DATA_DIR"]) / "server.log", "ab")  # noqa: SIM115

    def start(self, timeout: float = 60) -> None:
        if self.kind == "gunicorn":
            cmd = [sys.executable, "-m", "gunicorn", "accord.config.wsgi:application",
                   "-b", f"127.0.0.1:{self.port}", "-w", str(self.workers),
                   "--threads", str(self.threads), "--backlog", "2048", "--timeout", "60"]  # fmt: skip
        else:
            cmd = [sys.executable, "-m", "accord", "runserver", f"127.0.0.1:{self.port}",
                   "--noreload"]  # fmt: skip
        self.proc = subprocess.Popen(
            cmd, env=self.env, stdout=self.log, stderr=self.log, start_new_session=True
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}")
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                c.request("GET", "/api/v1/healthz")
                if c.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("server did not become ready")


class QueueWorker(ProcessGroup):
    """`accord ew-intake --follow`: early warning's dedicated queue worker, as deployed beside
    the server (docs/operations.md), in its own process group. SIGTERM lets it finish its
    batch; SIGKILL cuts it off (the batch in progress rolls back and stays queued)."""

    stop_timeout = 60

    def __init__(self, env: dict) -> None:
        self.env = env
        self.proc: subprocess.Popen | None = None
        self.log_path = Path(env["ACCORD_DATA_DIR"]) / "ew-follow.log"

    def start(self, timeout: float = 60) -> None:
        log = open(self.log_path, "ab")  # noqa: SIM115 - the child writes it
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "accord", "ew-intake", "--follow"],
            env=self.env, stdout=log, stderr=log, start_new_session=True,
        )  # fmt: skip
        log.close()
        deadline = time.monotonic() + timeout
        while b"following" not in self.log_path.read_bytes():
            if self.proc.poll() is not None:
                raise RuntimeError(f"queue worker exited with {self.proc.returncode}")
            if time.monotonic() > deadline:
                raise RuntimeError("queue worker did not start")
            time.sleep(0.1)


class Client:
    """One keep-alive connection; reconnects after errors."""

    def __init__(self, port: int, token: str | None = None) -> None:
        self.port, self.token = port, token
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            self.conn.request(
                method, path, body=json.dumps(body) if body is not None else None, headers=headers
            )
            resp = self.conn.getresponse()
            data = resp.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = None
            raise
        try:
            return resp.status, json.loads(data or b"{}")
        except ValueError:
            return resp.status, {"raw": data[:200].decode(errors="replace")}
