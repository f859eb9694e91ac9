"""Every page names its icon, and the icon is a file Accord ships (browsers asked for
/favicon.ico on every page and got a 404)."""

from __future__ import annotations

import re

from django.contrib.staticfiles import finders


def test_pages_link_an_icon_that_exists(client, db):
    html = client.get("/").content.decode()
    m = re.search(r'<link rel="icon" href="/static/([^"]+)"', html)
    assert m, "the base template links no icon"
    assert finders.find(m.group(1)), m.group(1)
