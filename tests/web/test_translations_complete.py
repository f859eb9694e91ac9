"""Every translatable string in every Accord template (and in the web app's Python code) has
a Simplified Chinese translation that Django actually serves."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation.template import templatize

import accord

SRC = Path(accord.__file__).resolve().parent
TEMPLATES = sorted(p for p in SRC.glob("**/templates/**/*.html"))
STRING = r"u'((?:[^'\\]|\\.)*)'"
CALL = re.compile(
    rf"\b(gettext|ngettext|pgettext|npgettext)\({STRING}(?:, {STRING})?(?:, {STRING})?"
)
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy"}


def template_messages(path: Path) -> list[tuple[str | None, str, str | None]]:
    """(context, msgid, plural) of every {% translate %} / {% blocktranslate %} / _("...")."""
    found = []
    for m in CALL.finditer(templatize(path.read_text(encoding="utf-8"), origin=str(path))):
        kind = m.group(1)
        args = [ast.literal_eval(f"'{a}'") for a in m.groups()[1:] if a is not None]
        if kind == "gettext":
            found.append((None, args[0], None))
        elif kind == "ngettext":
            found.append((None, args[0], args[1]))
        elif kind == "pgettext":
            found.append((args[0], args[1], None))
        else:
            found.append((args[0], args[1], args[2]))
    return found


def python_messages(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in GETTEXT_NAMES
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            out.append(node.args[0].value)
    return out


def untranslated(context: str | None, msgid: str, plural: str | None) -> bool:
    with translation.override("zh-hans"):
        if plural is not None:
            got = (
                translation.npgettext(context, msgid, plural, 1)
                if context
                else translation.ngettext(msgid, plural, 1)
            )
        else:
            got = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
    return got == msgid


def test_the_scan_finds_the_templates_and_their_strings():
    assert len(TEMPLATES) >= 15
    base = template_messages(SRC / "web" / "templates" / "web" / "base.html")
    assert (None, "Skip to content", None) in base
    done = template_messages(SRC / "web" / "templates" / "web" / "file_done.html")
    assert (None, "%(counter)s file was attached.", "%(counter)s files were attached.") in done


def test_a_missing_translation_is_detected():
    assert untranslated(None, "A sentence nobody has translated yet.", None)
    assert not untranslated(None, "Track my case", None)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(SRC)))
def test_every_template_string_is_translated(path):
    missing = [m[1] for m in template_messages(path) if untranslated(*m)]
    assert missing == [], f"{path.relative_to(SRC)} has strings without a Chinese translation"


def test_every_web_python_string_is_translated():
    missing = []
    for path in sorted((SRC / "web").glob("**/*.py")):
        missing += [
            f"{path.name}: {msgid}"
            for msgid in python_messages(path)
            if msgid.strip() and untranslated(None, msgid, None)
        ]
    assert missing == []
