"""The Simplified Chinese catalogue is complete, not fuzzy, and its .mo is up to date."""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import accord

LC = Path(accord.__file__).resolve().parent / "locale" / "zh_Hans" / "LC_MESSAGES"
PO = LC / "django.po"
MO = LC / "django.mo"


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False


LINE = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$')


def parse_po(text: str) -> list[Entry]:
    entries: list[Entry] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        entry = Entry()
        current: tuple[str, int | None] | None = None
        for line in block.splitlines():
            if line.startswith("#~"):
                entry.obsolete = True
            elif line.startswith("#,"):
                entry.flags |= {f.strip() for f in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif m := LINE.match(line):
                key, index, value = m.group(1), m.group(2), ast.literal_eval(m.group(3))
                if key.startswith("msgstr"):
                    current = ("msgstr", int(index or 0))
                    entry.msgstr[current[1]] = value
                else:
                    current = (key, None)
                    setattr(entry, key, value)
            elif line.startswith('"') and current is not None:
                value = ast.literal_eval(line)
                if current[0] == "msgstr":
                    entry.msgstr[current[1]] += value
                else:
                    setattr(entry, current[0], getattr(entry, current[0]) + value)
        entries.append(entry)
    return entries


def messages() -> list[Entry]:
    return [e for e in parse_po(PO.read_text(encoding="utf-8")) if e.msgid and not e.obsolete]


def test_catalogue_exists_with_many_messages():
    assert PO.exists() and MO.exists()
    assert len(messages()) > 200


def test_every_message_is_translated_and_none_is_fuzzy():
    untranslated = [e.msgid for e in messages() if not all(e.msgstr.values()) or not e.msgstr]
    fuzzy = [e.msgid for e in parse_po(PO.read_text(encoding="utf-8")) if "fuzzy" in e.flags]
    assert untranslated == []
    assert fuzzy == []


def test_placeholders_are_kept():
    placeholder = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
    for e in messages():
        wanted = sorted(placeholder.findall(e.msgid))
        for text in e.msgstr.values():
            assert sorted(placeholder.findall(text)) == wanted, e.msgid


def test_compiled_catalogue_matches_po():
    with MO.open("rb") as fh:
        catalogue = gettext.GNUTranslations(fh)
    for e in messages():
        if e.msgid_plural is not None:
            got = (
                catalogue.npgettext(e.msgctxt, e.msgid, e.msgid_plural, 1)
                if e.msgctxt
                else (catalogue.ngettext(e.msgid, e.msgid_plural, 1))
            )
        elif e.msgctxt:
            got = catalogue.pgettext(e.msgctxt, e.msgid)
        else:
            got = catalogue.gettext(e.msgid)
        assert got == e.msgstr[0], f"django.mo is stale for {e.msgid!r}: run compilemessages"
