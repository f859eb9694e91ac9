"""Participation end to end in a real browser: a resident comments on one article of a draft
and votes on the opinion map; staff answer every comment, close the consultation and publish
the response; "you said, we did" shows the result, in English and in Chinese."""

from __future__ import annotations

import re

import pytest

from .conftest import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}


def login(page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state("load")
    assert "/login/" not in page.url


def no_sideways_scroll(page) -> None:
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width}px wide"


def test_comment_vote_answer_and_you_said_we_did(server, contexts):
    resident = contexts(**PHONE).page()
    login(resident, server, "resident")
    resident.click("nav a:text-is('Have your say')")
    resident.click("a.card:has-text('Draft rules on parking')")
    no_sideways_scroll(resident)
    reference = re.search(r"/c/([^/]+)/", resident.url).group(1)
    resident.click("#article-2 a.comment-on")
    assert resident.input_value("#article") == "2"
    resident.fill("#text", "Give households with a carer a second permit.")
    resident.click("#comment ~ form button[type=submit]")
    assert "Every comment gets an answer" in resident.inner_text(".messages")

    # the opinion map: vote on the first statement shown, see the groups
    resident.goto(f"{server}/participation/")
    resident.click("a.card:has-text('brickworks park')")
    first = resident.locator("li.statement").first
    text = first.locator("p").inner_text()
    left = resident.inner_text("#opinion .count")
    first.locator("button:text-is('Agree')").click()
    resident.wait_for_load_state("load")
    assert text not in resident.inner_text("ul.statements")
    assert resident.inner_text("#opinion .count") != left
    assert resident.locator("figure.opinion-map svg circle").count() >= 2
    no_sideways_scroll(resident)

    # staff answer every comment, close, record the decision, respond
    staff = contexts(**DESKTOP).page()
    login(staff, server, "coordinator.qingshi")
    staff.click("nav a:text-is('Consultations')")
    staff.click(f"a:text-is('{reference}')")
    assert "Give households with a carer a second permit." in staff.inner_text("table.cases")
    staff.click("form[action$='/act/'] button:text-is('Close comments')")
    assert "Done" in staff.inner_text(".messages")
    staff.click("form[action$='/act/'] button:text-is('Publish the response')")
    assert "every comment needs a disposition" in staff.inner_text(".error-box")
    for box in staff.locator("input[name=comment][type=checkbox]").all():
        box.check()
    staff.select_option("#disposition", "partly")
    staff.fill("#reason", "A second permit for carers; night parking ends at 5:00.")
    staff.fill("#theme", "Permits and night parking")
    staff.click("#dispose-form button[type=submit]")
    assert "answered" in staff.inner_text(".messages")
    staff.fill("#summary_en", "Adopted with a carer's permit and an earlier end to night parking.")
    staff.fill("#summary_zh", "通过，增加照护人停车证，夜间停车提前结束。")
    staff.click("form[action$='/decision/'] button[type=submit]")
    staff.click("form[action$='/act/'] button:text-is('Publish the response')")
    assert "Responded" in staff.inner_text("p.status")

    # "you said, we did", in English for the resident, then in Chinese
    resident.goto(f"{server}/participation/c/{reference}/results/")
    board = resident.inner_text("main")
    assert "Permits and night parking" in board
    assert "A second permit for carers; night parking ends at 5:00." in board
    assert "adopted in full or in part: 100%" in board
    assert "Give households with a carer a second permit." not in board  # no comment text
    resident.goto(f"{server}/participation/mine/")
    assert "Partly adopted" in resident.inner_text("main")
    resident.click("form.lang button[value=zh-hans]")
    resident.goto(f"{server}/participation/c/{reference}/results/")
    assert resident.inner_text("h1") == "您说我办"
    assert "部分采纳" in resident.inner_text("main")
    no_sideways_scroll(resident)
