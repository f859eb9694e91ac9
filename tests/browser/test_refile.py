"""Reloading the filing receipt files nothing: the form's POST redirects to the receipt, which
shows the tracking secret once; the next filing takes the very next reference."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def file_one(page, base: str, text: str) -> str:
    page.goto(f"{base}/file/")
    page.check("input[name=category][value=neighbour]")
    page.select_option("#id_area", value="LJ-DH-QS-LA")
    page.fill("#id_description", text)
    page.fill("#id_other_name", "Zhao Lei")
    page.click("main form button[type=submit]")
    page.wait_for_selector("#reference")
    return page.inner_text("#reference")


def test_reload_receipt_files_one_case(server, contexts):
    page = contexts(viewport={"width": 390, "height": 844}).page()
    reference = file_one(page, server, "Music through the wall until two at night.")
    assert re.search(r"/file/receipt/AC-\d{4}-\d{7}/$", page.url)
    secret = page.inner_text("#secret")
    assert secret
    page.reload()
    page.wait_for_selector("#reference")
    assert page.inner_text("#reference") == reference
    assert page.locator("#secret").count() == 0 and page.locator("#secret-shown").is_visible()
    assert secret not in page.content()
    # No case was filed by the reload: the next filing takes the very next reference.
    following = file_one(page, server, "The bins are left in the stairwell again.")
    year, number = reference.rsplit("-", 1)
    assert following == f"{year}-{int(number) + 1:07d}"
    # The secret still opens the case.
    page.goto(f"{server}/track/?ref={reference}")
    page.fill("#id_secret", secret)
    page.click("main form button[type=submit]")
    page.wait_for_selector("#track-status")
