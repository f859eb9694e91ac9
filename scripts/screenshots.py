"""Regenerate the screenshots in docs/screenshots/ (shown in the README).

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--keep]

Seeds the small demo into a throwaway data directory, serves it with `accord runserver`,
and drives Debian's Chromium (/usr/bin/chromium, or $ACCORD_CHROMIUM) through Playwright:
a resident files a case on a phone, a mediator handles it, a supervisor reads the dashboard,
the supervision board and the early-warning alerts, in English and in Chinese. Nothing is downloaded from the internet.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "accord-demo-2026"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer at {url}")


def login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")


def logout(page: Page) -> None:
    page.click("header .who button")
    page.wait_for_load_state("networkidle")


def charts_drawn(page: Page) -> None:
    page.wait_for_load_state("load")
    for chart in ("chart-trend", "chart-area-trend", "chart-area", "chart-category", "chart-map"):
        page.wait_for_selector(f"#{chart}[data-ready=true]", timeout=20000)
    page.wait_for_timeout(1500)  # let the animations settle


def shoot(page: Page, out: Path, name: str, full: bool = True) -> None:
    page.wait_for_timeout(200)
    page.screenshot(path=str(out / f"{name}.png"), full_page=full)
    print(f"  {name}.png")


def run(base: str, out: Path, chromium: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium)
        phone = browser.new_context(viewport=PHONE, is_mobile=True)
        page = phone.new_page()
        page.goto(f"{base}/")
        shoot(page, out, "home-phone")
        page.goto(f"{base}/file/")
        page.check("input[name=category][value=neighbour]")
        page.select_option("#id_area", index=3)
        page.fill(
            "#id_description",
            "The flat upstairs has been leaking into my kitchen for three weeks.",
        )
        page.fill("#id_applicant_name", "Wang Fang")
        page.fill("#id_other_name", "Zhao Lei")
        shoot(page, out, "file-phone")
        page.click("main form button[type=submit]")
        page.wait_for_selector("#reference")
        reference = page.inner_text("#reference")
        secret = page.inner_text("#secret")
        shoot(page, out, "receipt-phone")
        phone.close()

        desk = browser.new_context(viewport=DESKTOP)
        page = desk.new_page()
        login(page, base, "mediator.qingshi")
        shoot(page, out, "workbench", full=False)
        page.goto(f"{base}/cases/{reference}/")
        page.click("summary:has-text('Accept')")
        page.click("details[open] button[type=submit]")
        page.wait_for_load_state("networkidle")
        shoot(page, out, "case-detail")
        logout(page)
        login(page, base, "supervisor.donghu")
        page.goto(f"{base}/dashboard/")
        charts_drawn(page)
        shoot(page, out, "dashboard")
        page.click("button[name=language][value=zh-hans]")
        charts_drawn(page)
        shoot(page, out, "dashboard-zh")
        page.click("button[name=language][value=en]")
        page.goto(f"{base}/resolution/board/")
        shoot(page, out, "supervision-board", full=False)
        page.goto(f"{base}/early-warning/")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(1000)
        shoot(page, out, "early-warning", full=False)
        page.click("main table a[href*='/early-warning/alerts/']")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(1500)
        shoot(page, out, "alert-detail")
        logout(page)
        desk.close()

        phone = browser.new_context(viewport=PHONE, is_mobile=True, locale="zh-CN")
        page = phone.new_page()
        page.goto(f"{base}/track/?ref={reference}#secret={secret}")
        page.click("main form button[type=submit]")
        page.wait_for_selector("#track-status")
        shoot(page, out, "track-phone-zh")
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data directory")
    parser.add_argument(
        "--chromium", default=os.environ.get("ACCORD_CHROMIUM", "/usr/bin/chromium")
    )
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="accord-shots-"))
    env = {**os.environ, "ACCORD_DATA_DIR": str(data), "ACCORD_ENV": "development"}
    env.pop("DATABASE_URL", None)
    accord = str(BIN / "accord")
    print(f"seeding the small demo into {data}")
    subprocess.run([accord, "migrate", "-v", "0"], env=env, check=True)
    seeded = subprocess.run(
        [accord, "seed-demo", "--size", "small", "--seed", "1"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    print(re.sub(r"\n.*", "", seeded.stdout.strip().split("\n\n")[0]))
    # What `make demo` adds: early-warning indicators and alerts, demo proceedings.
    for extra in (
        ["backfill-indicators"],
        ["detect", "--weeks", "12", "--replay-groups", "60"],
        ["resolution-seed-demo"],
    ):
        subprocess.run([accord, *extra, "-v", "0"], env=env, check=True, capture_output=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [accord, "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(f"{base}/healthz")
        run(base, args.out, args.chromium)
    finally:
        server.terminate()
        server.wait(timeout=10)
        if not args.keep:
            shutil.rmtree(data, ignore_errors=True)
    print(f"screenshots written to {args.out}")


if __name__ == "__main__":
    main()
