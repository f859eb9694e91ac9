"""The newcomers' page: public, both languages, wage arrears first, records nobody."""

from __future__ import annotations

from accord.core.models import AccessEvent, AuditEvent


def test_new_here_in_both_languages(client, db):
    before = (AuditEvent.objects.count(), AccessEvent.objects.count())
    en = client.get("/grid/new-here/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "/file/?category=labour" in en
    assert "15 days" in en and "45 days" in en and "12348" in en
    assert en.index("wages") < en.index("Schooling") < en.index("Social insurance")
    client.cookies["django_language"] = "zh-hans"
    zh = client.get("/grid/new-here/").content.decode()
    assert "15日内" in zh and "45日内" in zh and "法律援助" in zh and "12333" in zh
    assert (AuditEvent.objects.count(), AccessEvent.objects.count()) == before


def test_filing_page_takes_the_category_from_the_link(client, db):
    page = client.get("/file/?category=labour").content.decode()
    assert 'value="labour" ' in page or 'value="labour"' in page
    import re

    checked = re.search(r'<input[^>]*value="labour"[^>]*>', page).group(0)
    assert "checked" in checked
