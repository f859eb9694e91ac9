"""The resolution app's names and free text are encrypted like the cases' (docs/security-data.md
§4): after a mediation with a session, a signed agreement, documents, a supervision order and a
follow-up visit, no table holds the plaintext; the models and the API read it back; rotate-keys
re-encrypts it; JSON values (attendees, terms, signatures) round-trip; the migration encrypts
existing rows and going back decrypts them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from accord.core import crypto
from accord.resolution.documents import document_add
from accord.resolution.followups import followup_record
from accord.resolution.mediation import agreement_record, agreement_sign, session_record
from accord.resolution.models import (
    Agreement,
    Document,
    FollowUp,
    MediationSession,
    Proceeding,
    ProceedingEvent,
    SupervisionOrder,
)
from accord.resolution.proceedings import OpenInput, proceeding_open
from accord.resolution.supervision import supervision_order_issue, supervision_order_reply
from accord.resolution.transitions import proceeding_transition
from factories import PartyInput, create_case

pytestmark = pytest.mark.django_db

APPLICANT, RESPONDENT, NEIGHBOUR = "Wang Xiaohong", "王小红", "Chen Jianguo"
SECRETS = [
    APPLICANT,
    RESPONDENT,
    NEIGHBOUR,
    "Sun Meiling",  # an attendee who is not a party
    "floods my kitchen",
    "pays for the new ceiling",
    "楼上漏水",
]
RESOLUTION_MODELS = [
    m for m in crypto.models_with_encrypted_fields() if m._meta.app_label == "resolution"
]


def dump_database() -> str:
    """Every row of every table, as the database returns it to plain SQL."""
    out = []
    with connection.cursor() as cur:
        for table in connection.introspection.table_names():
            cur.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            out.extend(repr(row) for row in cur.fetchall())
    return "\n".join(out)


def build_mediation(areas, mediator, make_user) -> dict:
    """A people's mediation taken through a session, a signed agreement, a document added by
    staff, a supervision order and its reply, the conclusion and the follow-up visit, all
    through the services."""
    supervisor = make_user("county_supervisor", areas.county, username="supervisor_co")
    case, _ = create_case(
        area=areas.t1c1g1,
        actor=mediator,
        description=f"My upstairs neighbour {NEIGHBOUR} floods my kitchen. 楼上漏水。",
        parties=(
            PartyInput(role="applicant", kind="person", name=APPLICANT, contact="139 1234 5678"),
            PartyInput(role="respondent", kind="person", name=RESPONDENT),
        ),
    )
    applied = timezone.localdate() - dt.timedelta(days=20)
    p = proceeding_open(
        actor=mediator,
        case=case,
        data=OpenInput(channel="people_mediation", applied_on=applied),
    )
    p = proceeding_transition(actor=mediator, proceeding=p, action="accept")
    session = session_record(
        actor=mediator,
        proceeding=p,
        held_at=timezone.now() - dt.timedelta(days=1),
        place="Community mediation room",
        attendees=[APPLICANT, RESPONDENT, "Sun Meiling"],
        record=f"{NEIGHBOUR} admitted the leak; 楼上漏水 since May.",
    )
    agreement_record(
        actor=mediator,
        proceeding=p,
        text=f"{NEIGHBOUR} pays for the new ceiling.",
        terms=[{"text": f"{NEIGHBOUR} pays for the new ceiling", "due_on": "2030-01-31"}],
    )
    for name, role in ((APPLICANT, "applicant"), (RESPONDENT, "respondent")):
        agreement_sign(actor=mediator, proceeding=p, name=name, role=role)
    document = document_add(
        actor=mediator,
        case=case,
        kind="identity",
        title=f"Identity of {APPLICANT}",
        body=f"ID card of {APPLICANT} checked; {NEIGHBOUR} floods my kitchen.",
        proceeding=p,
    )
    order = supervision_order_issue(
        actor=supervisor,
        proceeding=p,
        text=f"Report on the repair {NEIGHBOUR} promised.",
        reply_due=timezone.localdate() + dt.timedelta(days=3),
    )
    supervision_order_reply(
        actor=mediator, order=order, reply=f"{NEIGHBOUR} pays for the new ceiling next week."
    )
    p = proceeding_transition(
        actor=mediator,
        proceeding=p,
        action="conclude",
        outcome="agreement",
        note=f"{APPLICANT} and {RESPONDENT} signed",
        outcome_summary=f"{NEIGHBOUR} pays for the new ceiling",
    )
    visit = FollowUp.objects.get(proceeding=p)
    followup_record(
        actor=mediator,
        followup=visit,
        performed=True,
        satisfaction=5,
        note=f"{APPLICANT} is satisfied",
    )
    return {"proceeding": p, "session": session, "document": document, "order": order}


@pytest.fixture
def mediation(areas, mediator, make_user):
    return build_mediation(areas, mediator, make_user)


def _raw_values() -> list[tuple[str, str, str]]:
    """(table, column, raw value) of every non-empty encrypted column of the resolution app."""
    out = []
    with connection.cursor() as cur:
        for model in RESOLUTION_MODELS:
            table = model._meta.db_table
            for f in crypto.encrypted_fields(model):
                qn = connection.ops.quote_name
                cur.execute(f"SELECT {qn(f.column)} FROM {qn(table)}")  # noqa: S608
                out.extend((table, f.column, v) for (v,) in cur.fetchall() if v)
    return out


def test_resolution_models_are_found_by_rotate_keys():
    assert {m.__name__ for m in RESOLUTION_MODELS} == {
        "Proceeding", "ProceedingParty", "ProceedingEvent", "MediationSession", "Agreement",
        "Document", "SupervisionOrder", "FollowUp",
    }  # fmt: skip


def test_raw_columns_hold_no_plaintext(mediation):
    dump = dump_database()  # every row of every table, as plain SQL returns it
    assert mediation["proceeding"].number in dump
    for secret in SECRETS:
        assert secret not in dump, f"plaintext {secret!r} found in the database"
    raw = _raw_values()
    columns = {(t, c) for t, c, _ in raw}
    for expected in [
        ("resolution_proceeding", "claims"),
        ("resolution_proceeding", "outcome_summary"),
        ("resolution_proceedingparty", "name"),
        ("resolution_proceedingevent", "note"),
        ("resolution_mediationsession", "attendees"),
        ("resolution_mediationsession", "record"),
        ("resolution_agreement", "text"),
        ("resolution_agreement", "terms"),
        ("resolution_agreement", "signatures"),
        ("resolution_document", "title"),
        ("resolution_document", "body"),
        ("resolution_supervisionorder", "text"),
        ("resolution_supervisionorder", "reply"),
        ("resolution_followup", "note"),
    ]:
        assert expected in columns, f"{expected} holds no value to check"
    not_sealed = [(t, c) for t, c, v in raw if not crypto.is_sealed(v)]
    assert not_sealed == []


def test_values_read_back_through_the_models_and_the_api(mediation, mediator, api_for):
    p = Proceeding.objects.get(pk=mediation["proceeding"].pk)
    assert NEIGHBOUR in p.claims and p.outcome_summary == f"{NEIGHBOUR} pays for the new ceiling"
    assert {x.name for x in p.parties.all()} == {APPLICANT, RESPONDENT}
    session = MediationSession.objects.get(pk=mediation["session"].pk)
    assert session.attendees == [APPLICANT, RESPONDENT, "Sun Meiling"]
    assert session.record.startswith(NEIGHBOUR)
    agreement = Agreement.objects.get(proceeding=p)
    assert agreement.text == f"{NEIGHBOUR} pays for the new ceiling."
    assert agreement.terms == [
        {"text": f"{NEIGHBOUR} pays for the new ceiling", "due_on": "2030-01-31"}
    ]
    assert [(s["name"], s["role"]) for s in agreement.signatures] == [
        (APPLICANT, "applicant"),
        (RESPONDENT, "respondent"),
    ]
    doc = Document.objects.get(pk=mediation["document"].pk)
    assert doc.title == f"Identity of {APPLICANT}" and doc.body.startswith(
        f"ID card of {APPLICANT}"
    )
    issued = Document.objects.get(proceeding=p, kind="mediation_agreement", language="zh-hans")
    assert APPLICANT in issued.body and RESPONDENT in issued.body  # rendered with the names
    order = SupervisionOrder.objects.get(pk=mediation["order"].pk)
    assert order.text.startswith("Report on the repair") and NEIGHBOUR in order.reply
    assert FollowUp.objects.get(proceeding=p).note == f"{APPLICANT} is satisfied"
    assert ProceedingEvent.objects.get(proceeding=p, action="conclude").note.startswith(APPLICANT)
    # The timeline keeps facts, not names: the names stay in the encrypted objects.
    session_event = ProceedingEvent.objects.get(proceeding=p, action="session")
    assert session_event.data["attendees"] == 3

    detail = api_for(mediator).get(f"proceedings/{p.number}").json()
    assert detail["sessions"][0]["attendees"] == [APPLICANT, RESPONDENT, "Sun Meiling"]
    assert [s["name"] for s in detail["agreement"]["signatures"]] == [APPLICANT, RESPONDENT]
    assert detail["outcome_summary"] == f"{NEIGHBOUR} pays for the new ceiling"
    assert {x["name"] for x in detail["parties"]} == {APPLICANT, RESPONDENT}


def test_json_fields_round_trip_and_refuse_sql_lookups(mediation):
    p = mediation["proceeding"]
    agreement = Agreement.objects.get(proceeding=p)
    agreement.signatures = []  # the default, an empty list, is sealed like any value
    agreement.save(update_fields=["signatures"])
    with connection.cursor() as cur:
        cur.execute("SELECT signatures FROM resolution_agreement WHERE id = %s", [agreement.pk])
        raw = cur.fetchone()[0]
    assert crypto.is_sealed(raw)
    assert Agreement.objects.get(pk=agreement.pk).signatures == []
    nested = {"names": ["王小红", "Zoë"], "n": 2, "ok": True, "none": None}
    agreement.terms = [nested]
    agreement.save(update_fields=["terms"])
    assert Agreement.objects.get(pk=agreement.pk).terms == [nested]

    with pytest.raises(FieldError):
        list(MediationSession.objects.filter(attendees__contains=APPLICANT))
    with pytest.raises(FieldError):
        list(MediationSession.objects.filter(record__icontains="leak"))
    with pytest.raises(FieldError):
        list(Proceeding.objects.filter(parties__name=APPLICANT))
    with pytest.raises(FieldError), transaction.atomic():
        Document.objects.update(body="plaintext through the back door")
    # The ciphertext is bound to its row: copied into another row it does not open.
    other = Document.objects.exclude(pk=mediation["document"].pk).first()
    with connection.cursor() as cur:
        cur.execute(
            "SELECT body FROM resolution_document WHERE id = %s", [mediation["document"].pk]
        )
        sealed = cur.fetchone()[0]
        cur.execute("UPDATE resolution_document SET body = %s WHERE id = %s", [sealed, other.pk])
    with pytest.raises(crypto.DecryptionError):
        _ = Document.objects.get(pk=other.pk).body


K1 = crypto.new_key()
K2 = crypto.new_key()


def _key_ids() -> set[str]:
    return {crypto.key_id_of(v) for _t, _c, v in _raw_values()}


def test_rotate_keys_reencrypts_resolution_fields(areas, mediator, make_user, settings, capsys):
    settings.ACCORD_FIELD_KEYS = f"k1:{K1}"
    world = build_mediation(areas, mediator, make_user)
    assert _key_ids() == {"k1"}

    settings.ACCORD_FIELD_KEYS = f"k2:{K2},k1:{K1}"  # k2 is the newest; k1 still decrypts
    call_command("rotate-keys", "--batch", "2")
    out = capsys.readouterr().out
    for label in ("resolution.MediationSession", "resolution.Agreement", "resolution.Document",
                  "resolution.SupervisionOrder", "resolution.ProceedingParty"):  # fmt: skip
        assert label in out
    assert _key_ids() == {"k2"}

    settings.ACCORD_FIELD_KEYS = f"k2:{K2}"  # k1 retired: everything still opens
    session = MediationSession.objects.get(pk=world["session"].pk)
    assert session.attendees == [APPLICANT, RESPONDENT, "Sun Meiling"]
    agreement = Agreement.objects.get(proceeding=world["proceeding"])
    assert [s["name"] for s in agreement.signatures] == [APPLICANT, RESPONDENT]
    assert agreement.terms[0]["text"] == f"{NEIGHBOUR} pays for the new ceiling"
    assert Document.objects.get(pk=world["document"].pk).title == f"Identity of {APPLICANT}"
    assert NEIGHBOUR in SupervisionOrder.objects.get(pk=world["order"].pk).reply
    call_command("rotate-keys")
    assert "done: 0 row(s) rewritten" in capsys.readouterr().out


# --- the migration ---------------------------------------------------------------------------

BEFORE = [("resolution", "0002_seed_statutes")]


@pytest.mark.django_db(transaction=True)
def test_existing_plaintext_is_encrypted_by_the_migration(areas):
    from accord.cases.models import Category

    # An earlier transactional test may have flushed the seeded categories.
    Category.objects.get_or_create(
        code="neighbour",
        defaults={"name_en": "Neighbour", "name_zh": "邻里纠纷", "default_tier": "community",
                  "department_en": "d", "department_zh": "d"},
    )  # fmt: skip
    case, _ = create_case(area=areas.t1c1g1)  # under the current schema
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        now = timezone.now()
        p = old.get_model("resolution", "Proceeding").objects.create(
            case_id=case.pk, number="OLD-P1", channel="people_mediation",
            handling_body="committee", handling_area_id=case.handling_area_id,
            status="in_progress", applied_on=now.date(), created_at=now,
            claims=f"{NEIGHBOUR} floods my kitchen",
        )  # fmt: skip
        old.get_model("resolution", "ProceedingParty").objects.create(
            proceeding_id=p.pk, role="applicant", kind="person", name=APPLICANT
        )
        old.get_model("resolution", "MediationSession").objects.create(
            proceeding_id=p.pk, held_at=now, created_at=now, online=True,
            attendees=[APPLICANT, RESPONDENT], record=f"{NEIGHBOUR} admitted the leak",
        )  # fmt: skip
        old.get_model("resolution", "Agreement").objects.create(
            proceeding_id=p.pk, created_at=now, text="agreed",
            terms=[{"text": f"{NEIGHBOUR} pays", "due_on": None}],
        )  # signatures: the default empty list  # fmt: skip

        executor = MigrationExecutor(connection)
        executor.migrate(leaves)
        dump = dump_database()
        for secret in (APPLICANT, RESPONDENT, NEIGHBOUR):
            assert secret not in dump
        assert all(crypto.is_sealed(v) for _t, _c, v in _raw_values())
        current = Proceeding.objects.get(number="OLD-P1")
        assert current.claims == f"{NEIGHBOUR} floods my kitchen"
        assert current.parties.get().name == APPLICANT
        assert current.sessions.get().attendees == [APPLICANT, RESPONDENT]
        agreement = Agreement.objects.get(proceeding=current)
        assert agreement.terms == [{"text": f"{NEIGHBOUR} pays", "due_on": None}]
        assert agreement.signatures == []

        executor = MigrationExecutor(connection)
        executor.migrate(BEFORE)  # and back: plaintext and JSON return
        old = executor.loader.project_state(BEFORE).apps
        session = old.get_model("resolution", "MediationSession").objects.get()
        assert session.attendees == [APPLICANT, RESPONDENT]
        assert session.record == f"{NEIGHBOUR} admitted the leak"
        agreement = old.get_model("resolution", "Agreement").objects.get()
        assert agreement.signatures == [] and agreement.terms[0]["text"] == f"{NEIGHBOUR} pays"
        party = old.get_model("resolution", "ProceedingParty").objects.get()
        assert party.name == APPLICANT
    finally:
        MigrationExecutor(connection).migrate(leaves)


def test_purge_removes_resolution_data_and_evidence_with_the_case(
    mediation, mediator, settings, tmp_path, django_capture_on_commit_callbacks
):
    """`accord purge` anonymises a case past its period together with what the resolution
    part holds about it and deletes its evidence files."""
    import io

    from accord.cases.attachments import attachment_add, check_upload
    from accord.cases.models import Attachment, Case

    def files(root):
        return [f for f in root.rglob("*") if f.is_file()]

    settings.ACCORD_UPLOAD_DIR = tmp_path
    case = mediation["proceeding"].case
    from factories import real_png

    png = real_png()
    with transaction.atomic():
        attachment_add(actor=mediator, case=case, file=check_upload("leak.png", io.BytesIO(png)))
    assert len(files(tmp_path)) == 1
    old = timezone.now() - dt.timedelta(days=365 * 20)
    Case.objects.filter(pk=case.pk).update(status="closed", closed_at=old)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge")

    assert not _raw_values()  # every encrypted resolution column of the case is empty
    dump = dump_database()
    assert not [s for s in SECRETS if s in dump]
    assert not Attachment.objects.filter(case=case).exists()
    assert not files(tmp_path)  # the file went once the transaction committed
    p = Proceeding.objects.get(pk=mediation["proceeding"].pk)
    assert p.channel == "people_mediation" and p.outcome == "agreement"  # statistics stay
