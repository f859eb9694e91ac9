"""Personal data is encrypted at field level: the raw columns hold no plaintext, a value only
opens in its own row and column, keys rotate, and authorised staff still read plaintext."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.management import call_command
from django.db import connection, transaction

from accord.cases.models import Case, CaseEvent, Party
from accord.core import crypto
from factories import create_case, transition

pytestmark = pytest.mark.django_db

SECRETS = [
    "Wang Xiaohong",
    "139 1234 5678",
    "upstairs neighbour Chen Jianguo floods my kitchen",
    "王小红",
    "mediator met Chen Jianguo at home",
]


def file_case(api, **kw):
    body = {
        "category": "neighbour",
        "area": "T1C1G1",
        "description": "My upstairs neighbour Chen Jianguo floods my kitchen every week.",
        "parties": [
            {
                "role": "applicant",
                "kind": "person",
                "name": "Wang Xiaohong",
                "contact": "139 1234 5678",
                "id_number": "11010119900307888X",
            },
            {"role": "respondent", "kind": "person", "name": "王小红"},
        ],
    }
    body.update(kw)
    r = api.post("cases", body)
    assert r.status_code == 201, r.content
    return r.json()


def dump_database() -> str:
    """Every row of every table, as the database returns it to plain SQL."""
    out = []
    with connection.cursor() as cur:
        for table in connection.introspection.table_names():
            cur.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            out.extend(repr(row) for row in cur.fetchall())
    return "\n".join(out)


def test_raw_columns_hold_no_plaintext(areas, api, coordinator, api_for):
    ref = file_case(api)["reference"]
    client = api_for(coordinator)
    for action, extra in [("accept", {}), ("assign", {}), ("start", {})]:
        assert client.transition(ref, action, **extra).status_code == 200
    r = client.transition(ref, "record_attempt", note="mediator met Chen Jianguo at home")
    assert r.status_code == 200, r.content

    dump = dump_database()
    assert ref in dump  # the dump does contain the case ...
    for secret in ["Wang Xiaohong", "139 1234 5678", "王小红", "Chen Jianguo", "floods my kitchen",
                   "11010119900307888X", "19900307"]:  # fmt: skip
        assert secret not in dump, f"plaintext {secret!r} found in the database"
    with connection.cursor() as cur:
        cur.execute("SELECT name, contact FROM cases_party")
        for name, contact in cur.fetchall():
            assert name.startswith("ac1:")
            assert contact == "" or contact.startswith("ac1:")
        cur.execute("SELECT description FROM cases_case")
        assert all(d.startswith("ac1:") for (d,) in cur.fetchall())
        cur.execute("SELECT note FROM cases_caseevent WHERE note <> ''")
        notes = cur.fetchall()
        assert notes and all(n.startswith("ac1:") for (n,) in notes)


def test_authorised_staff_read_plaintext_analysts_get_nothing(
    areas, api, coordinator, api_for, make_user
):
    ref = file_case(api)["reference"]
    body = api_for(coordinator).get(f"cases/{ref}").json()
    assert body["description"].startswith("My upstairs neighbour Chen Jianguo")
    assert {p["name"] for p in body["parties"]} == {"Wang Xiaohong", "王小红"}
    assert "139 1234 5678" in {p["contact"] for p in body["parties"]}
    assert "11010119900307888X" in {p["id_number"] for p in body["parties"]}
    analyst = api_for(make_user("analyst", areas.city))
    assert analyst.get(f"cases/{ref}").status_code == 404
    assert analyst.get("cases").json() == {"items": [], "count": 0}


def _swap(sql: str, params) -> None:
    with connection.cursor() as cur:
        cur.execute(sql, params)


def test_a_value_does_not_open_in_another_row_or_column(areas):
    a, _ = create_case(area=areas.t1c1g1, description="case A names Chen Jianguo")
    b, _ = create_case(area=areas.t1c1g1, description="case B")
    with connection.cursor() as cur:
        cur.execute("SELECT description FROM cases_case WHERE id = %s", [a.pk])
        sealed_a = cur.fetchone()[0]
    # Another row: B's description replaced with A's ciphertext.
    _swap("UPDATE cases_case SET description = %s WHERE id = %s", [sealed_a, b.pk])
    with pytest.raises(crypto.DecryptionError):
        _ = Case.objects.get(pk=b.pk).description
    assert Case.objects.get(pk=a.pk).description == "case A names Chen Jianguo"
    # Another column of the same row: the applicant's name moved into its contact.
    party = Party.objects.filter(case=a).exclude(contact="").first()
    with connection.cursor() as cur:
        cur.execute("SELECT name FROM cases_party WHERE id = %s", [party.pk])
        sealed_name = cur.fetchone()[0]
    _swap("UPDATE cases_party SET contact = %s WHERE id = %s", [sealed_name, party.pk])
    with pytest.raises(crypto.DecryptionError):
        _ = Party.objects.get(pk=party.pk).contact
    # A flipped byte fails authentication too.
    tampered = sealed_name[:-2] + ("A" if sealed_name[-2] != "A" else "B") + sealed_name[-1]
    _swap("UPDATE cases_party SET name = %s WHERE id = %s", [tampered, party.pk])
    with pytest.raises(crypto.DecryptionError):
        _ = Party.objects.get(pk=party.pk).name


def test_sql_lookups_on_ciphertext_are_refused(areas):
    create_case(area=areas.t1c1g1)
    with pytest.raises(FieldError):
        list(Case.objects.filter(description__icontains="water"))
    with pytest.raises(FieldError):
        list(Party.objects.filter(name="Li Wei"))
    with pytest.raises(FieldError), transaction.atomic():
        Case.objects.update(description="plaintext through the back door")
    assert Party.objects.filter(contact="").count() == 1  # emptiness can be tested


def test_search_by_blind_index(areas, api, coordinator, api_for):
    ref = file_case(api)["reference"]
    other = file_case(api, description="Noise from the karaoke bar.", parties=[])["reference"]
    client = api_for(coordinator)

    def found(q):
        return {c["reference"] for c in client.get("cases", q=q).json()["items"]}

    assert found("Wang Xiaohong") == {ref}  # exact party name
    assert found("  wang   XIAOHONG ") == {ref}  # case, width and spaces are normalised
    assert found("王小红") == {ref}
    assert found("11010119900307888x") == {ref}  # identity number, exact (case-folded)
    assert found("110101199003") == set()
    assert found("Wang") == set()  # not a substring search on names
    assert found("karaoke") == {other}  # a word of the description
    assert found("floods kitchen") == {ref}  # every word must occur
    assert found("floods karaoke") == set()
    assert found(ref.lower()) == {ref}
    with connection.cursor() as cur:
        cur.execute("SELECT name_index FROM cases_party")
        indexes = {row[0] for row in cur.fetchall()}
    assert crypto.blind_index("party.name", "Wang Xiaohong") in indexes
    assert all(len(i) == 64 and "Wang" not in i for i in indexes)


def test_chinese_description_search(areas, api, coordinator, api_for):
    ref = file_case(api, description="楼上邻居漏水，厨房天花板受损。")["reference"]
    client = api_for(coordinator)
    assert [c["reference"] for c in client.get("cases", q="漏水").json()["items"]] == [ref]
    assert client.get("cases", q="停车").json()["count"] == 0


K1 = crypto.new_key()
K2 = crypto.new_key()


def _key_ids() -> set[str]:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT description FROM cases_case UNION ALL SELECT name FROM cases_party "
            "UNION ALL SELECT note FROM cases_caseevent WHERE note <> ''"
        )
        return {crypto.key_id_of(v) for (v,) in cur.fetchall()}


def test_rotate_keys_reencrypts_under_the_newest_key(areas, settings, coordinator, capsys):
    settings.ACCORD_FIELD_KEYS = f"k1:{K1}"
    case, _ = create_case(area=areas.t1c1g1, description="rotation names Chen Jianguo")
    transition(case, coordinator, "reject", note="Chen Jianguo withdrew")
    assert _key_ids() == {"k1"}

    settings.ACCORD_FIELD_KEYS = f"k2:{K2},k1:{K1}"  # k2 is the newest; k1 still decrypts
    assert Case.objects.get(pk=case.pk).description == "rotation names Chen Jianguo"
    create_case(area=areas.t1c1g1)  # new writes use k2 at once
    assert _key_ids() == {"k1", "k2"}
    call_command("rotate-keys", "--batch", "1")
    out = capsys.readouterr().out
    assert "cases.Party" in out and "rewritten" in out
    assert _key_ids() == {"k2"}

    settings.ACCORD_FIELD_KEYS = f"k2:{K2}"  # k1 retired
    case = Case.objects.get(pk=case.pk)
    assert case.description == "rotation names Chen Jianguo"
    assert {p.name for p in case.parties.all()} == {"Li Wei", "Zhang Min"}
    assert CaseEvent.objects.get(case=case, action="reject").note == "Chen Jianguo withdrew"
    settings.ACCORD_FIELD_KEYS = f"k1:{K1}"  # a value under a key we no longer hold
    with pytest.raises(crypto.DecryptionError):
        _ = Case.objects.get(pk=case.pk).description


def test_reindex_after_index_key_change(areas, settings, coordinator, api_for):
    create_case(area=areas.t1c1g1)
    settings.ACCORD_INDEX_KEY = K1
    client = api_for(coordinator)
    assert client.get("cases", q="Li Wei").json()["count"] == 0  # stale index
    call_command("rotate-keys", "--reindex")
    assert client.get("cases", q="Li Wei").json()["count"] == 1
    assert client.get("cases", q="kitchen").json()["count"] == 1


def test_production_refuses_to_start_without_keys(settings):
    settings.PRODUCTION = True
    settings.ACCORD_FIELD_KEYS = ""
    with pytest.raises(ImproperlyConfigured, match="ACCORD_FIELD_KEYS"):
        crypto.Keyring.from_settings()
    settings.ACCORD_FIELD_KEYS = "k1:not-a-key"
    with pytest.raises(ImproperlyConfigured, match="32 bytes|base64"):
        crypto.Keyring.from_settings()
    settings.PRODUCTION = False
    settings.ACCORD_FIELD_KEYS = ""
    ring = crypto.Keyring.from_settings()
    assert list(ring.keys) == ["dev"]  # development only


def test_settings_module_refuses_production_without_keys():
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("ACCORD_") and k != "DATABASE_URL"
    }
    env.update(ACCORD_ENV="production", ACCORD_SECRET_KEY="x" * 50, ACCORD_ALLOWED_HOSTS="a")
    code = "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='accord.config.settings'; django.setup()"
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert r.returncode != 0
    assert "ACCORD_FIELD_KEYS" in r.stderr and "ACCORD_INDEX_KEY" in r.stderr
    env.update(ACCORD_FIELD_KEYS=f"p1:{K1}", ACCORD_INDEX_KEY=K2, ACCORD_AUDIT_KEY=crypto.new_key())
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
