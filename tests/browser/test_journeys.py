"""End-to-end in a real browser: a resident files a case on a phone, a mediator handles it,
the resident sees the new status; the language switch; the dashboard's charts; a refused
upload. Each page runs under the production CSP (see conftest)."""

from __future__ import annotations

import re

import pytest

from factories import real_png

from .conftest import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PNG = real_png()  # a real picture: evidence is decoded and re-encoded


def no_sideways_scroll(page) -> None:
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width}px wide"


def login(page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/(cases|dashboard)/"))


def act(page, label: str, note: str = "") -> None:
    page.click(f"details.action summary:text-is('{label}')")
    form = page.locator("details.action[open] form")
    if note:
        form.locator("textarea").fill(note)
    form.locator("button[type=submit]").click()
    page.wait_for_selector(".notice.success")


def test_file_handle_track(server, contexts):
    resident = contexts(**PHONE).page()
    resident.goto(f"{server}/")
    no_sideways_scroll(resident)
    resident.click("a.card.primary")
    no_sideways_scroll(resident)
    resident.check("input[name=category][value=neighbour]")
    resident.select_option("#id_area", value="LJ-DH-QS-LA")
    resident.fill("#id_description", "Water has leaked from the flat upstairs for weeks.")
    resident.fill("#id_applicant_name", "Wang Fang")
    resident.fill("#id_other_name", "Zhao Lei")
    resident.set_input_files(
        "#id_evidence", files=[{"name": "ceiling.png", "mimeType": "image/png", "buffer": PNG}]
    )
    assert "ceiling.png" in resident.inner_text("#file-list")
    resident.click("main form button[type=submit]")
    resident.wait_for_selector("#reference")
    reference = resident.inner_text("#reference")
    secret = resident.inner_text("#secret")
    assert re.fullmatch(r"AC-\d{4}-\d{7}", reference)
    assert resident.locator("svg.qr").is_visible()
    no_sideways_scroll(resident)

    staff = contexts(**DESKTOP).page()
    login(staff, server, "mediator.qingshi")
    staff.fill("#id_q", reference)
    staff.keyboard.press("Enter")
    staff.click(f"a:text-is('{reference}')")
    assert "ceiling.png" in staff.inner_text("#files-h + ul")
    act(staff, "Accept")
    act(staff, "Assign")
    act(staff, "Start handling")
    act(staff, "Resolve", note="Both agreed to share the repair costs.")
    assert "Resolved" in staff.inner_text(".facts")

    # The QR code's link fills in the tracking form (the secret rides in the fragment).
    resident.goto(f"{server}/track/?ref={reference}#secret={secret}")
    assert resident.input_value("#id_secret") == secret
    assert "#" not in resident.url
    resident.click("main form button[type=submit]")
    assert resident.inner_text("#track-status") == "Resolved"
    assert "mediator" in resident.inner_text(".facts").lower() or "Person in charge" in (
        resident.inner_text(".facts")
    )
    no_sideways_scroll(resident)


def test_language_switch_and_keyboard(server, contexts):
    page = contexts(**PHONE).page()
    page.goto(f"{server}/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.click("button[name=language][value=zh-hans]")
    page.wait_for_selector("html[lang=zh-Hans]")
    assert "提交纠纷" in page.inner_text("main")
    page.goto(f"{server}/file/")  # the choice is remembered
    assert page.get_attribute("html", "lang") == "zh-Hans"
    assert "邻里纠纷" in page.inner_text("main")
    no_sideways_scroll(page)
    page.goto(f"{server}/track/")
    assert "查询" in page.inner_text("h1")
    page.click("button[name=language][value=en]")
    page.wait_for_selector("html[lang=en]")
    assert "Track my case" in page.inner_text("h1")


def test_dashboard_draws_charts_with_data(server, contexts):
    watched = contexts(**DESKTOP, accept_downloads=True)
    page = watched.page()
    login(page, server, "supervisor.donghu")
    page.goto(f"{server}/dashboard/")
    for chart in ("chart-trend", "chart-area-trend", "chart-area", "chart-category", "chart-map"):
        el = page.wait_for_selector(f"#{chart}[data-ready=true]", timeout=20000)
        assert int(el.get_attribute("data-points")) > 0, chart
        # Something is drawn: the canvas holds more than a blank image's worth of pixels.
        painted = page.evaluate(
            """(id) => {
                const c = document.querySelector('#' + id + ' canvas');
                const ctx = c.getContext('2d');
                const d = ctx.getImageData(0, 0, c.width, c.height).data;
                let n = 0;
                for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) n++; }
                return n / (c.width * c.height);
            }""",
            chart,
        )
        assert painted > 0.01, chart
    with page.expect_download() as download:
        page.click("button[data-png=chart-trend]")
    assert download.value.suggested_filename == "accord-trend.png"
    with page.expect_download() as download:
        page.click("a[href$='table=area']")
    assert download.value.suggested_filename.endswith("-area.csv")
    # The same page in Chinese.
    page.click("button[name=language][value=zh-hans]")
    page.wait_for_selector("#chart-trend[data-ready=true]")
    assert "受理案件数" in page.inner_text(".kpis")


def test_bad_upload_is_refused_with_a_message(server, contexts):
    page = contexts(**PHONE).page()
    page.goto(f"{server}/file/")
    page.check("input[name=category][value=neighbour]")
    page.select_option("#id_area", value="LJ-DH-QS-LA")
    page.fill("#id_description", "Noise every night.")
    page.set_input_files(
        "#id_evidence",
        files=[{"name": "photo.png", "mimeType": "image/png", "buffer": b"<script>x</script>"}],
    )
    page.click("main form button[type=submit]")
    error = page.wait_for_selector(".field-error")
    assert "photo.png was refused" in error.inner_text()
    assert page.locator("#reference").count() == 0
    no_sideways_scroll(page)


CONTRAST = """() => {
  function rgba(s) {
    const m = s.match(/rgba?\\(([^)]+)\\)/);
    if (!m) { return [0, 0, 0, 0]; }
    const p = m[1].split(",").map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  }
  function lum(c) {
    const v = c.slice(0, 3).map((x) => { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
  }
  function background(el) {
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c[3] > 0.5) { return c; }
    }
    return [255, 255, 255, 1];
  }
  const bad = [];
  document.querySelectorAll("body *").forEach((el) => {
    if (el.closest("svg, canvas, .visually-hidden, [hidden]")) { return; }
    const own = Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own) { return; }
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (!r.width || !r.height || style.visibility === "hidden" || r.left < -100) { return; }
    const fg = rgba(style.color);
    const bg = background(el);
    const alpha = fg[3];
    const mixed = [0, 1, 2].map((i) => fg[i] * alpha + bg[i] * (1 - alpha));
    const a = lum(mixed), b = lum(bg);
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && parseInt(style.fontWeight, 10) >= 700);
    if (ratio < (large ? 3 : 4.5)) {
      bad.push(el.tagName + "." + el.className + " " + ratio.toFixed(2) + " " + el.textContent.trim().slice(0, 30));
    }
  });
  return bad;
}"""


def test_text_contrast_is_sufficient(server, contexts):
    page = contexts(**DESKTOP).page()
    page.set_content('<p style="color:#aaa">faint</p><p>dark</p>')  # the check can fail
    assert [b.split()[0] for b in page.evaluate(CONTRAST)] == ["P."]
    for path in ("/", "/file/", "/track/", "/login/"):
        page.goto(f"{server}{path}")
        assert page.evaluate(CONTRAST) == [], path
    login(page, server, "coordinator.qingshi")
    for path in ("/cases/", "/dashboard/"):
        page.goto(f"{server}{path}")
        page.wait_for_load_state("load")
        assert page.evaluate(CONTRAST) == [], path
