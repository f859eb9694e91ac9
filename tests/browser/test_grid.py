"""The grid worker's offline workbench on a phone: three disputes filed with no network are
kept on the phone and sent on reconnect; exactly three cases appear, and a replay of the same
sync adds none. A dispute and a hazard filed offline: one case and one hazard appear, once.
The newcomers' page in Chinese."""

from __future__ import annotations

import json
import re

import pytest

from .conftest import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
MARKER = "zzgridoffline"


def login(page, base: str, username: str, landing: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(landing))


def wait_until(page, expression: str, timeout_ms: int = 15000) -> None:
    """Poll `expression` with page.evaluate (wait_for_function evaluates strings, which the
    CSP refuses)."""
    waited = 0
    while not page.evaluate(expression):
        if waited > timeout_ms:
            raise AssertionError(f"timed out waiting for {expression}")
        page.wait_for_timeout(100)
        waited += 100


def matching_cases(page, base: str) -> int:
    data = page.evaluate(
        "async (url) => (await fetch(url, {headers: {Accept: 'application/json'}})).json()",
        f"{base}/api/v1/cases?q={MARKER}&limit=50",
    )
    return data["count"]


def test_offline_filing_syncs_once(server, contexts):
    ctx = contexts(**PHONE)
    page = ctx.page()
    login(page, server, "grid.qingshi", r"/$")
    page.goto(f"{server}/grid/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_selector("#task-list li")
    assert page.locator("#task-list li").count() >= 3
    assert page.locator("#case-category option").count() == 12

    ctx.context.set_offline(True)
    wait_until(page, "!navigator.onLine")
    assert "Offline" in page.inner_text("#net")
    # With no network the page itself comes from the service worker, and the tasks and the
    # forms' choices from the encrypted copy on the phone.
    page.reload()
    page.wait_for_selector("#task-list li")
    assert page.locator("#task-list li").count() >= 3
    wait_until(page, "document.querySelectorAll('#case-category option').length === 12")
    assert "Offline" in page.inner_text("#net")
    for i in range(3):
        page.select_option("#case-category", "neighbour")
        page.fill("#case-description", f"{MARKER} number {i}: the stairwell light is broken again.")
        page.fill("#case-name", f"Resident {i}")
        page.click("#form-case button[type=submit]")
        wait_until(page, f"document.querySelectorAll('#queue-list li').length === {i + 1}")
    assert page.inner_text("#queue-count") == "3"
    assert page.locator("#queue-list li[data-state=pending]").count() == 3
    # Kept on the phone encrypted: the stored entry holds no plaintext.
    stored = page.evaluate(
        """() => new Promise((ok) => { const r = indexedDB.open('accord-grid');
        r.onsuccess = () => { const q = r.result.transaction('queue').objectStore('queue').getAll();
        q.onsuccess = () => ok(JSON.stringify(q.result.map(i => Array.from(i.box.ct)))); }; })"""
    )
    assert MARKER not in stored and "stairwell" not in stored

    with page.expect_request(re.compile(r"/api/v1/grid/sync$")) as sent:
        ctx.context.set_offline(False)
    request = sent.value
    wait_until(page, "document.querySelectorAll('#queue-list li[data-state=applied]').length === 3")
    refs = page.locator("#queue-list .reference").all_inner_texts()
    assert len(set(refs)) == 3
    assert page.inner_text("#queue-count") == "0"

    body = request.post_data
    assert len(json.loads(body)["items"]) == 3
    replay = page.evaluate(
        """async ([body, token]) => (await fetch('/api/v1/grid/sync', {method: 'POST',
        headers: {'Content-Type': 'application/json', 'X-CSRFToken': token}, body})).json()""",
        [body, request.headers["x-csrftoken"]],
    )
    assert [r["status"] for r in replay["results"]] == ["applied"] * 3
    assert all(r["replayed"] for r in replay["results"])

    staff = contexts().page()
    login(staff, server, "mediator.qingshi", r"/cases/")
    assert matching_cases(staff, server) == 3


def my_hazards(page, base: str) -> list[str]:
    rows = page.evaluate(
        "async (url) => (await fetch(url, {headers: {Accept: 'application/json'}})).json()",
        f"{base}/api/v1/safety/hazards?limit=500",
    )
    return [r["reference"] for r in rows]


def test_offline_dispute_and_hazard_sync_once(server, contexts):
    marker = "zzgridhazard"
    ctx = contexts(**PHONE)
    page = ctx.page()
    login(page, server, "grid.qingshi", r"/$")
    page.goto(f"{server}/grid/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    wait_until(page, "document.querySelectorAll('#hazard-sector option').length > 0")
    before = my_hazards(page, server)

    ctx.context.set_offline(True)
    wait_until(page, "!navigator.onLine")
    page.reload()
    # Offline, the sectors come from the encrypted copy of the reference data on the phone.
    wait_until(page, "document.querySelectorAll('#hazard-sector option').length > 0")
    wait_until(page, "document.querySelectorAll('#case-category option').length === 12")
    page.select_option("#case-category", "neighbour")
    page.fill("#case-description", f"{marker}: water leaks from the flat above into mine.")
    page.fill("#case-name", "Resident H")
    page.click("#form-case button[type=submit]")
    wait_until(page, "document.querySelectorAll('#queue-list li').length === 1")
    sector = page.locator("#hazard-sector option").first.get_attribute("value")
    page.select_option("#hazard-sector", sector)
    page.fill("#hazard-address", "Lane 3, behind the market")
    page.fill("#hazard-description", f"{marker}: gas cylinders stacked in the corridor.")
    page.click("#form-hazard button[type=submit]")
    wait_until(page, "document.querySelectorAll('#queue-list li[data-state=pending]').length === 2")
    assert "Hazard" in page.inner_text("#queue-list")
    stored = page.evaluate(
        """() => new Promise((ok) => { const r = indexedDB.open('accord-grid');
        r.onsuccess = () => { const q = r.result.transaction('queue').objectStore('queue').getAll();
        q.onsuccess = () => ok(JSON.stringify(q.result.map(i => Array.from(i.box.ct)))); }; })"""
    )
    assert "cylinders" not in stored

    with page.expect_request(re.compile(r"/api/v1/grid/sync$")) as sent:
        ctx.context.set_offline(False)
    request = sent.value
    wait_until(page, "document.querySelectorAll('#queue-list li[data-state=applied]').length === 2")
    refs = page.locator("#queue-list .reference").all_inner_texts()
    assert len(refs) == 2 and sum("HZ-" in r for r in refs) == 1
    body = request.post_data
    assert sorted(i["kind"] for i in json.loads(body)["items"]) == ["case", "hazard"]
    after = my_hazards(page, server)
    new = set(after) - set(before)
    assert len(new) == 1 and len(after) == len(before) + 1
    assert any(next(iter(new)) in r for r in refs)

    replay = page.evaluate(
        """async ([body, token]) => (await fetch('/api/v1/grid/sync', {method: 'POST',
        headers: {'Content-Type': 'application/json', 'X-CSRFToken': token}, body})).json()""",
        [body, request.headers["x-csrftoken"]],
    )
    assert [r["status"] for r in replay["results"]] == ["applied"] * 2
    assert all(r["replayed"] for r in replay["results"])
    assert len(my_hazards(page, server)) == len(after)

    staff = contexts().page()
    login(staff, server, "mediator.qingshi", r"/cases/")
    data = staff.evaluate(
        "async (url) => (await fetch(url, {headers: {Accept: 'application/json'}})).json()",
        f"{server}/api/v1/cases?q={marker}&limit=50",
    )
    assert data["count"] == 1


def test_newcomer_page_in_chinese(server, contexts):
    ctx = contexts(**PHONE)
    ctx.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": server}])
    page = ctx.page()
    page.goto(f"{server}/grid/new-here/")
    text = page.inner_text("main")
    assert "欠薪" in text or "工资" in text
    assert "15日内" in text and "45日内" in text and "12348" in text
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    page.click("a[href$='category=labour']")
    page.wait_for_url(re.compile(r"/file/\?category=labour"))
    assert page.is_checked("input[value=labour]")


def test_conflict_is_shown_not_overwritten(server, contexts):
    worker_ctx = contexts(**PHONE)
    page = worker_ctx.page()
    login(page, server, "grid.qingshi", r"/$")
    page.goto(f"{server}/grid/")
    page.wait_for_selector("#task-list li[data-task] button[data-action=complete]")
    item = (
        page.locator("#task-list li[data-task]")
        .filter(has=page.locator("button[data-action=complete]"))
        .first
    )
    task_id = item.get_attribute("data-task")

    worker_ctx.context.set_offline(True)
    wait_until(page, "!navigator.onLine")
    item.locator("button[data-action=complete]").click()
    wait_until(page, "document.querySelectorAll('#queue-list li[data-state=pending]').length === 1")

    # Meanwhile the township coordinator cancels the task on the server.
    staff = contexts().page()
    login(staff, server, "coordinator.qingshi", r"/cases/")
    answer = staff.evaluate(
        """async (id) => { const t = document.cookie.match(/csrftoken=([^;]+)/)[1];
        const r = await fetch(`/api/v1/grid/tasks/${id}/transitions`, {method: 'POST',
          headers: {'Content-Type': 'application/json', 'X-CSRFToken': t},
          body: JSON.stringify({action: 'cancel'})}); return [r.status, await r.json()]; }""",
        int(task_id),
    )
    assert answer[0] == 200 and answer[1]["status"] == "cancelled"

    worker_ctx.context.set_offline(False)
    wait_until(
        page, "document.querySelectorAll('#queue-list li[data-state=conflict]').length === 1"
    )
    conflict = page.inner_text("#queue-list li[data-state=conflict]")
    assert "Conflict" in conflict and "Discard" in conflict
    # The server kept the coordinator's change.
    tasks = page.evaluate(
        "async () => (await (await fetch('/api/v1/grid/tasks')).json()).items.map(t => t.id)"
    )
    assert int(task_id) not in tasks
