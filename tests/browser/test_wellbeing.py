"""End-to-end in a real browser: a resident opens "Help now" without logging in, completes
a PHQ-9 in Chinese, answers item 9 > 0 and at once sees 12356 and a counsellor request; the
area's on-call counsellor logs in, sees the alert and acknowledges it. (That an
unacknowledged alert escalates on time is shown with an advanced clock in
tests/wellbeing/test_crisis.py.)"""

from __future__ import annotations

import pytest

from .conftest import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def test_item9_shows_hotline_and_alerts_the_on_call_counsellor(server, contexts):
    resident = contexts(**PHONE)
    resident.context.add_cookies([{"name": "django_language", "value": "zh-hans",
                                   "url": server}])  # fmt: skip
    page = resident.page()
    page.goto(f"{server}/")
    page.click(".wb-helpnow-link")  # on every page, no login
    page.wait_for_url("**/wellbeing/help/")
    assert page.locator("a[href='tel:12356']").first.is_visible()
    assert page.locator("a[href='tel:120']").first.is_visible()
    assert page.locator("button.wb-danger-button").is_visible()
    page.click("a[href='/wellbeing/screening/phq9/']")
    page.wait_for_url("**/wellbeing/screening/phq9/")
    page.wait_for_load_state("load")
    assert "做事时提不起劲或没有兴趣" in page.content()
    # a community of Qingshi Street, whose first on-call counsellor is counselor.qingshi
    option = page.locator("#wb-area option[value^='LJ-DH-QS-']").first
    code = option.get_attribute("value")
    page.select_option("#wb-area", code)
    for i in range(1, 9):
        page.check(f"input[name=q{i}][value='0']")
    page.check("input[name=q9][value='2']")
    page.click("main button[type=submit]")
    crisis = page.locator(".wb-crisis")
    crisis.wait_for()
    assert crisis.locator("a[href='tel:12356']").is_visible()
    html = page.content()
    assert html.index("tel:12356") < html.index("不是诊断")  # the hotline comes first
    assert "已通知您所在地区的值班心理咨询师" in html
    assert page.locator("#talk form button[type=submit]").count() == 1  # a counsellor request

    staff = contexts(viewport={"width": 1366, "height": 900}).page()
    staff.goto(f"{server}/login/")
    staff.fill("#id_username", "counselor.qingshi")
    staff.fill("#id_password", PASSWORD)
    staff.click("main button[type=submit]")
    staff.wait_for_load_state("load")
    staff.click("nav a[href='/wellbeing/board/']")  # the counsellors' nav link
    staff.wait_for_url("**/wellbeing/board/")
    card = staff.locator(f"li.wb-alert[data-area='{code}']").first
    assert "You were called" in card.inner_text()
    card.locator("button", has_text="Acknowledge").click()
    staff.wait_for_selector(".notice.success")
    card = staff.locator(f"li.wb-alert[data-area='{code}']").first
    assert "Acknowledged" in card.inner_text()
    assert card.locator("button", has_text="Acknowledge").count() == 0
