"""The world the authorisation tests run in, and the object builders that fill path
parameters (used by test_security_authz_matrix.py and test_security_jurisdiction.py).

One user per role holds it over the "home" jurisdiction (township T1, or the county/city for
the roles that work there); every object type has a *home* object inside that jurisdiction
and a *foreign* one in township T2. To cover a new object type, add a builder:

    @builder("proceeding")
    def proceeding(world):
        home = <create one in areas.t1c1g1 through its service>
        foreign = <create one in areas.t2c1g1>
        return ObjectRefs(
            home={"id": home.pk}, foreign={"id": foreign.pk},
            foreign_markers=[<strings only the foreign object's output contains>],
            private=[<names, contacts, free text about people in either object>],
        )

and name it in the matrix entry: `object = "proceeding"` (path parameters are filled from
`home`/`foreign`, and `{...}` placeholders in `body`/`query` too; see `context` for the
placeholders every entry has, such as the caller's {username} and dates like {next_week}).

Builders may build on one another (`world.objects("proceeding")` inside the "order" builder);
each makes its own cases otherwise, so that a sample request on one object type never meets
the state another type's builder left behind. Staff over T2 (`t2_staff`) act on the foreign
objects.
"""

from __future__ import annotations

import atexit
import datetime as dt
import io
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from accord.accounts.authz import ANONYMOUS
from accord.accounts.models import Role, User
from accord.accounts.services import token_create
from accord.cases import attachments
from accord.cases.models import Case, Category
from accord.earlywarning import alerts
from accord.earlywarning.models import Alert, Freq, IndicatorCount
from accord.resolution.documents import document_add
from accord.resolution.followups import followup_record
from accord.resolution.mediation import agreement_record, agreement_sign, session_record
from accord.resolution.models import FollowUp, Notification, Proceeding
from accord.resolution.proceedings import OpenInput, proceeding_open
from accord.resolution.supervision import supervision_order_issue
from accord.resolution.transitions import proceeding_transition
from factories import PASSWORD, AreaTree, PartyInput, create_case, create_user, real_png


@dataclass
class ObjectRefs:
    home: dict[str, Any]
    foreign: dict[str, Any]
    foreign_markers: list[str]
    private: list[str] = field(default_factory=list)


@dataclass
class World:
    areas: AreaTree
    users: dict[str, User]  # role -> user (no entry for anonymous)
    tokens: dict[str, str]
    _objects: dict[str, ObjectRefs] = field(default_factory=dict)
    t2_users: dict[str, User] = field(default_factory=dict)  # role -> staff over T2 (t2_staff)

    def objects(self, kind: str) -> ObjectRefs:
        if kind not in self._objects:
            if kind not in BUILDERS:
                raise KeyError(f"no object builder {kind!r} in tests/security/authz_world.py")
            self._objects[kind] = BUILDERS[kind](self)
        return self._objects[kind]

    def all_objects(self) -> list[ObjectRefs]:
        return [self.objects(kind) for kind in BUILDERS]


# Where each role's test user works: township T1 for every staff role (even the county and
# city roles, so that the foreign objects in T2 are outside every caller's jurisdiction), the
# resident in a grid of T1, the analyst over the whole county (analysts see aggregates only,
# so even a county-wide analyst must never receive names or free text).
HOME_AREA = {
    Role.RESIDENT: "t1c1g1",
    Role.MEDIATOR: "t1",
    Role.TOWNSHIP_COORDINATOR: "t1",
    Role.COUNTY_SUPERVISOR: "t1",
    Role.DEPARTMENT_HANDLER: "t1",
    Role.ANALYST: "county",
    Role.COUNSELOR: "t1",
    Role.INSPECTOR: "t1",
    Role.ADMIN: "t1",
}


def build_world(areas: AreaTree) -> World:
    users, tokens = {}, {}
    for role in Role.values:
        user = create_user(role, getattr(areas, HOME_AREA[role]), username=f"authz_{role}")
        users[role] = user
        tokens[role] = token_create(actor=None, user=user, name="authz")
    return World(areas=areas, users=users, tokens=tokens)


BUILDERS: dict[str, Callable[[World], ObjectRefs]] = {}


def builder(kind: str):
    def register(fn: Callable[[World], ObjectRefs]):
        BUILDERS[kind] = fn
        return fn

    return register


@builder("case")
def case_objects(world: World) -> ObjectRefs:
    home, home_secret = create_case(
        area=world.areas.t1c1g1,
        actor=world.users[Role.RESIDENT],
        description="Home case: water from the flat of Wang Fang upstairs.",
        parties=(
            PartyInput(role="applicant", kind="person", name="Chen Home", contact="139 1111 2222"),
            PartyInput(role="respondent", kind="person", name="Wang Fang"),
        ),
    )
    foreign, foreign_secret = create_case(
        area=world.areas.t2c1g1,
        description="Foreign case: zzforeignmarker quarrel over a wall.",
        parties=(
            PartyInput(
                role="applicant", kind="person", name="Zhao Foreign", contact="137 9999 8888"
            ),
            PartyInput(role="respondent", kind="person", name="Qian Outside"),
        ),
    )
    return ObjectRefs(
        home={"reference": home.reference, "secret": home_secret},
        foreign={"reference": foreign.reference, "secret": foreign_secret},
        foreign_markers=[foreign.reference, "zzforeignmarker", "Zhao Foreign", "Qian Outside"],
        private=[
            "Chen Home", "139 1111 2222", "Wang Fang", "water from the flat of Wang Fang",
            "Zhao Foreign", "137 9999 8888", "Qian Outside", "zzforeignmarker",
        ],
    )  # fmt: skip


# --- helpers for the builders below ---------------------------------------------------------------


def t2_staff(world: World, role: str) -> User:
    """A user holding `role` over township T2, who acts on the foreign objects."""
    if role not in world.t2_users:
        world.t2_users[role] = create_user(role, world.areas.t2, username=f"authz_t2_{role}")
    return world.t2_users[role]


def file_case(world: World, *, home: bool, description: str, applicant: str, contact: str,
              respondent: str) -> Case:  # fmt: skip
    """A neighbour case between two people: in T1C1G1 filed by the resident (home), or in
    T2C1G1 filed anonymously (foreign). Descriptions must differ between builders (the
    near-duplicate check of early warning compares them)."""
    case, _secret = create_case(
        area=world.areas.t1c1g1 if home else world.areas.t2c1g1,
        actor=world.users[Role.RESIDENT] if home else None,
        description=description,
        parties=(
            PartyInput(role="applicant", kind="person", name=applicant, contact=contact),
            PartyInput(role="respondent", kind="person", name=respondent),
        ),
    )
    return case


def accepted_mediation(actor: User, case: Case) -> Proceeding:
    """People's mediation (handled by the case's community) opened and accepted by `actor`,
    applied for 60 days ago: its clocks are overdue, so it shows on the supervision board."""
    applied = timezone.localdate() - dt.timedelta(days=60)
    p = proceeding_open(
        actor=actor,
        case=case,
        data=OpenInput(channel="people_mediation", applied_on=applied),
    )
    return proceeding_transition(actor=actor, proceeding=p, action="accept")


def concluded_with_agreement(actor: User, p: Proceeding, text: str,
                             signers: tuple[str, str] | None = None) -> Proceeding:  # fmt: skip
    """Record the agreement (signed by applicant and respondent when `signers` are given) and
    conclude the mediation with it; a follow-up visit is scheduled."""
    agreement_record(actor=actor, proceeding=p, text=text, terms=[{"text": text}])
    for name, role in zip(signers or (), ("applicant", "respondent"), strict=False):
        agreement_sign(actor=actor, proceeding=p, name=name, role=role)
    return proceeding_transition(actor=actor, proceeding=p, action="conclude", outcome="agreement")


# --- resolution ---------------------------------------------------------------------------------


@builder("proceeding")
def proceeding_objects(world: World) -> ObjectRefs:
    """A people's mediation, accepted, with a draft agreement (unsigned), on a case the
    resident filed (handled by T1C1); the foreign one in T2, accepted."""
    mediator = world.users[Role.MEDIATOR]
    case = file_case(world, home=True, description="Proceeding home: barking dog of Ma Lin.",
                     applicant="He Ping", contact="135 2222 3333", respondent="Ma Lin")  # fmt: skip
    home = accepted_mediation(mediator, case)
    agreement_record(
        actor=mediator, proceeding=home, text="Ma Lin keeps the dog inside.",
        terms=[{"text": "Ma Lin keeps the dog inside at night."}],
    )  # fmt: skip
    fcase = file_case(world, home=False, description="Proceeding foreign: zzforeignproc fence.",
                      applicant="Luo Far", contact="136 4444 5555", respondent="Tang Away")  # fmt: skip
    foreign = accepted_mediation(t2_staff(world, Role.MEDIATOR), fcase)
    return ObjectRefs(
        home={"number": home.number, "reference": case.reference},
        foreign={"number": foreign.number, "reference": fcase.reference},
        foreign_markers=[fcase.reference, "zzforeignproc", "Luo Far", "Tang Away"],
        private=["He Ping", "135 2222 3333", "Ma Lin", "barking dog", "Luo Far",
                 "136 4444 5555", "Tang Away", "zzforeignproc"],
    )  # fmt: skip


@builder("order")
def order_objects(world: World) -> ObjectRefs:
    """An unanswered supervision order (督办) on each proceeding of the "proceeding" builder,
    issued by the township coordinator (a tier above the handling community)."""
    procs = world.objects("proceeding")
    due = timezone.localdate() + dt.timedelta(days=7)
    orders = {}
    for which, refs, issuer, text in (
        ("home", procs.home, world.users[Role.TOWNSHIP_COORDINATOR], "Report on Ma Lin's dog."),
        ("foreign", procs.foreign, t2_staff(world, Role.TOWNSHIP_COORDINATOR),
         "zzforeignorder: report."),
    ):  # fmt: skip
        p = Proceeding.objects.get(number=refs["number"])
        order = supervision_order_issue(actor=issuer, proceeding=p, text=text, reply_due=due)
        orders[which] = {**refs, "order_id": order.pk}
    return ObjectRefs(
        home=orders["home"],
        foreign=orders["foreign"],
        foreign_markers=[*procs.foreign_markers, "zzforeignorder"],
        private=[*procs.private, "Report on Ma Lin's dog."],
    )


@builder("notification")
def notification_objects(world: World) -> ObjectRefs:
    """The notices those supervision orders sent: one to the home mediator (the proceeding's
    assignee), one to the T2 mediator."""
    orders = world.objects("order")
    home, foreign = (
        Notification.objects.get(recipient=user, kind="supervision_order")
        for user in (world.users[Role.MEDIATOR], t2_staff(world, Role.MEDIATOR))
    )
    return ObjectRefs(
        home={"notification_id": home.pk},
        foreign={"notification_id": foreign.pk},
        foreign_markers=orders.foreign_markers,
        private=orders.private,
    )


@builder("followup")
def followup_objects(world: World) -> ObjectRefs:
    """A follow-up visit due after a mediation agreement, not yet recorded."""
    visits = {}
    for which, actor, desc, text, (applicant, contact, respondent) in (
        ("home", world.users[Role.MEDIATOR], "Followup home: the tree of Yan Bo.",
         "Yan Bo trims the tree.", ("Kong Wen", "131 0000 1111", "Yan Bo")),
        ("foreign", t2_staff(world, Role.MEDIATOR), "Followup foreign: zzforeignvisit hedge.",
         "zzforeignvisit agreement.", ("Xu Far", "132 0000 2222", "Pan Outside")),
    ):  # fmt: skip
        case = file_case(world, home=which == "home", description=desc, applicant=applicant,
                         contact=contact, respondent=respondent)  # fmt: skip
        p = concluded_with_agreement(actor, accepted_mediation(actor, case), text)
        visits[which] = {"followup_id": FollowUp.objects.get(proceeding=p).pk,
                         "reference": case.reference}  # fmt: skip
    return ObjectRefs(
        home=visits["home"],
        foreign=visits["foreign"],
        foreign_markers=[visits["foreign"]["reference"], "zzforeignvisit", "Xu Far",
                         "Pan Outside"],
        private=["Kong Wen", "131 0000 1111", "Yan Bo", "Xu Far", "132 0000 2222",
                 "Pan Outside", "zzforeignvisit"],
    )  # fmt: skip


@builder("document")
def document_objects(world: World) -> ObjectRefs:
    """Home: a case taken through mediation (a session, an agreement both parties signed,
    the follow-up visit recorded) with the identity and proof-of-performance documents added:
    its dossier is complete, so a coordinator may archive it. Foreign: a T2 case with one
    document added by T2 staff."""
    mediator = world.users[Role.MEDIATOR]
    case = file_case(world, home=True, description="Document home: parking space of Qin Yu.",
                     applicant="Fu Lan", contact="133 5555 6666", respondent="Qin Yu")  # fmt: skip
    p = accepted_mediation(mediator, case)
    session_record(
        actor=mediator, proceeding=p, held_at=timezone.now(), online=True,
        attendees=["Fu Lan", "Qin Yu"], record="Qin Yu agreed to move the car.",
    )  # fmt: skip
    p = concluded_with_agreement(mediator, p, "Qin Yu parks elsewhere.", ("Fu Lan", "Qin Yu"))
    visit = FollowUp.objects.get(proceeding=p)
    followup_record(actor=mediator, followup=visit, performed=True, satisfaction=5)
    identity, _proof = (
        document_add(actor=mediator, case=case, kind=kind, title=title, body=body,
                     proceeding=None)
        for kind, title, body in (
            ("identity", "Identity of Fu Lan", "ID card of Fu Lan checked."),
            ("proof_of_performance", "Proof", "Qin Yu moved the car on the agreed day."),
        )
    )  # fmt: skip
    fcase = file_case(world, home=False, description="Document foreign: shared stairs.",
                      applicant="Shi Far", contact="134 7777 8888", respondent="Gu Away")  # fmt: skip
    foreign = document_add(
        actor=t2_staff(world, Role.MEDIATOR), case=fcase, kind="investigation",
        title="zzforeigndoc record", body="Gu Away was interviewed.", proceeding=None,
    )  # fmt: skip
    return ObjectRefs(
        home={"document_id": identity.pk, "reference": case.reference},
        foreign={"document_id": foreign.pk, "reference": fcase.reference},
        foreign_markers=[fcase.reference, "zzforeigndoc", "Shi Far", "Gu Away"],
        private=["Fu Lan", "133 5555 6666", "Qin Yu", "ID card of Fu Lan", "Shi Far",
                 "134 7777 8888", "Gu Away", "zzforeigndoc", "Gu Away was interviewed"],
    )  # fmt: skip


# --- evidence files -------------------------------------------------------------------------------

# The builders' evidence files go to one temporary directory per test process (removed at
# exit), not to var/uploads. ACCORD_UPLOAD_DIR is read when a file is stored and when it is
# served, so it stays set for the rest of the process.
_UPLOADS: list[Path] = []
PNG = real_png()  # a real picture: evidence is decoded and re-encoded


def _temporary_upload_dir() -> None:
    if not _UPLOADS:
        _UPLOADS.append(Path(tempfile.mkdtemp(prefix="accord-authz-uploads-")))
        atexit.register(shutil.rmtree, _UPLOADS[0], True)
    settings.ACCORD_UPLOAD_DIR = _UPLOADS[0]


@builder("attachment")
def attachment_objects(world: World) -> ObjectRefs:
    """An evidence file on each case of the "case" builder: the resident's on the home case
    (path parameters `reference` and `pk`), T2 staff's on the foreign one."""
    _temporary_upload_dir()
    cases = world.objects("case")
    refs = {}
    for which, case_refs, actor, name in (
        ("home", cases.home, world.users[Role.RESIDENT], "evidence-home.png"),
        ("foreign", cases.foreign, t2_staff(world, Role.MEDIATOR), "zzforeignfile.png"),
    ):
        case = Case.objects.get(reference=case_refs["reference"])
        checked = attachments.check_upload(name, io.BytesIO(PNG))
        added = attachments.attachment_add(actor=actor, case=case, file=checked)
        refs[which] = {**case_refs, "pk": added.pk}
    return ObjectRefs(
        home=refs["home"],
        foreign=refs["foreign"],
        foreign_markers=[*cases.foreign_markers, "zzforeignfile"],
        private=cases.private,
    )


# --- early warning --------------------------------------------------------------------------------


def _last_week() -> dt.date:
    today = timezone.localdate()
    return today - dt.timedelta(days=today.weekday() + 7)


def make_alert(area, category: str, **fields: Any) -> Alert:
    """An alert as a detection run writes it (tests/earlywarning/test_api_scoping.py does the
    same): last week's count above the upper bound, responsible unit as the services say."""
    cat = Category.objects.get(code=category)
    now = timezone.now()
    values = dict(
        kind="aberration", area=area, category=cat, method="ears-c1", freq=Freq.WEEKLY,
        period_start=_last_week(), period_end=_last_week(), observed=9, expected=2.0,
        upperbound=6.5, severity="high",
        responsible_area=alerts.responsible_area_for(area, cat),
        ack_deadline=timezone.localdate() + dt.timedelta(days=1), created_at=now,
        updated_at=now,
    )  # fmt: skip
    values.update(fields)
    return Alert.objects.create(**values)


@builder("alert")
def alert_objects(world: World) -> ObjectRefs:
    """A new aberration alert on neighbour disputes in T1C1G1 (responsible unit T1C1) with
    twelve weeks of counts behind it (its chart, and the history a detection run needs); the
    foreign one a collective-dispute alert against an organisation in T2. Alerts are about
    areas, categories and organisations: nothing about a person."""
    IndicatorCount.objects.bulk_create(
        IndicatorCount(freq=Freq.WEEKLY, area=area, category=Category.objects.get(code=cat),
                       period=_last_week() - dt.timedelta(weeks=i),
                       count=9 if i == 0 else 1 + i % 3)
        for area, cat in ((world.areas.t1c1g1, "neighbour"), (world.areas.t2c1g1, "labour"))
        for i in range(12)
    )  # fmt: skip
    home = make_alert(world.areas.t1c1g1, "neighbour")
    foreign = make_alert(world.areas.t2c1g1, "labour", kind="group_dispute", method="respondent",
                         respondent="zzforeignalert works",
                         respondent_display="Zzforeignalert Works")  # fmt: skip
    return ObjectRefs(
        home={"alert_id": home.pk, "pk": home.pk},
        foreign={"alert_id": foreign.pk, "pk": foreign.pk},
        foreign_markers=["Zzforeignalert", "T2C1G1"],
    )


@builder("alert_task")
def alert_task_objects(world: World) -> ObjectRefs:
    """An acknowledged alert with an action plan of one open task (path parameters
    `alert_id`/`pk` and `task_id`): labour disputes in T1C1G2 (responsible unit T1), the task
    owned by the home mediator; the foreign one in T2, owned by the T2 mediator."""
    due = timezone.localdate() + dt.timedelta(days=7)
    refs = {}
    for which, area, staff, extra, description in (
        ("home", world.areas.t1c1g2, world.users, {}, "Meet foreman Sun Mei."),
        ("foreign", world.areas.t2c1g1, {r: t2_staff(world, r) for r in
         (Role.TOWNSHIP_COORDINATOR, Role.MEDIATOR)},
         {"kind": "group_dispute", "method": "respondent", "respondent": "zzforeignplan works",
          "respondent_display": "Zzforeignplan Works"},
         "zzforeigntask: meet Ren Far."),
    ):  # fmt: skip
        coordinator = staff[Role.TOWNSHIP_COORDINATOR]
        alert = make_alert(area, "labour", **extra)
        alerts.alert_acknowledge(actor=coordinator, alert=alert, note="Seen.")
        task = alerts.alert_add_task(
            actor=coordinator, alert=alert, kind="meeting", deadline=due,
            owner=staff[Role.MEDIATOR].username, description=description,
        )  # fmt: skip
        refs[which] = {"alert_id": alert.pk, "pk": alert.pk, "task_id": task.pk}
    return ObjectRefs(
        home=refs["home"],
        foreign=refs["foreign"],
        foreign_markers=["Zzforeignplan", "zzforeigntask", "Ren Far"],
        private=["Sun Mei", "zzforeigntask", "Ren Far"],
    )


def caller_username(world: World, role: str) -> str:
    return "nobody" if role == ANONYMOUS else world.users[role].username


def context(world: World, role: str, refs: dict[str, Any]) -> dict[str, Any]:
    """Values for `{placeholders}` in a matrix entry's body and query: the object's keys, the
    caller's {username} and {password}, and {now} (ISO date-time), {today}, {tomorrow},
    {next_week} (ISO dates), for the dates a valid sample needs."""
    today = timezone.localdate()
    dates = {
        "now": timezone.now().isoformat(),
        "today": today.isoformat(),
        "tomorrow": (today + dt.timedelta(days=1)).isoformat(),
        "next_week": (today + dt.timedelta(days=7)).isoformat(),
    }
    return {**dates, **refs, "username": caller_username(world, role), "password": PASSWORD}


def fill(value: Any, ctx: dict[str, Any]) -> Any:
    if isinstance(value, str):
        return value.format(**ctx) if "{" in value else value
    if isinstance(value, dict):
        return {k: fill(v, ctx) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, ctx) for v in value]
    return value


# --- safety ---------------------------------------------------------------------------------------


@builder("hazard")
def hazard_objects(world: World) -> ObjectRefs:
    """A hazard with a photo, graded major (listed, not yet published): at home reported by
    the resident in T1C1G1 and graded by the T1 inspector; the foreign one reported anonymously
    in T2C1G1 and graded by the T2 inspector. Its Open311 token is set for the Open311 pages."""
    from accord.safety import hazards as sf_hazards
    from accord.safety import photos as sf_photos
    from accord.safety.models import Hazard as SfHazard

    _temporary_upload_dir()
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 0, 0)).save(buffer, "PNG")
    refs = {}
    for which, area, reporter, inspector, text in (
        ("home", world.areas.t1c1g1, world.users[Role.RESIDENT], world.users[Role.INSPECTOR],
         "Home hazard: gas smell at the flat of Dong Lei."),
        ("foreign", world.areas.t2c1g1, None, t2_staff(world, Role.INSPECTOR),
         "Foreign hazard: zzforeignhazard crane over the school of Bai Yun."),
    ):  # fmt: skip
        photo = sf_photos.clean_photo(io.BytesIO(buffer.getvalue()))
        h, secret = sf_hazards.hazard_report(
            actor=reporter, photo_list=(photo,),
            data=sf_hazards.HazardInput(description=text, sector="gas", area=area.code,
                                        address=f"{which} address of Dong Lei"),
        )  # fmt: skip
        for action, kw in (("verify", {}), ("grade", {"grade": "major",
                           "criterion": "major_hard_to_remove"})):  # fmt: skip
            h = sf_hazards.hazard_transition(actor=inspector, hazard=h, action=action, **kw)
        token = f"tok{which}"
        SfHazard.objects.filter(pk=h.pk).update(open311_token=token)
        refs[which] = {"reference": h.reference, "secret": secret, "pk": h.photos.get().pk,
                       "request_id": h.reference, "token": token, "fmt": "json",
                       "code": "gas"}  # fmt: skip
    return ObjectRefs(
        home=refs["home"],
        foreign=refs["foreign"],
        foreign_markers=[refs["foreign"]["reference"], "zzforeignhazard"],
        private=["Dong Lei", "gas smell at the flat", "zzforeignhazard", "Bai Yun"],
    )


@builder("place")
def place_objects(world: World) -> ObjectRefs:
    """A registered enterprise with its duty holders in T1C1G1; the foreign one in T2C1G1."""
    from accord.safety import places as sf_places

    refs = {}
    for which, area, name, person, phone in (
        ("home", world.areas.t1c1g1, "Home Chemicals", "Jiang Home", "139 5555 0001"),
        ("foreign", world.areas.t2c1g1, "Zzforeignplace Works", "Ye Foreign", "139 5555 0002"),
    ):
        p = sf_places.place_create(actor=None, system=True, data=sf_places.PlaceInput(
            kind="enterprise", name=name, area=area.code, sector="hazardous_chemicals",
            responsible_name=person, responsible_phone=phone, safety_manager_name=person + " Jr",
        ))  # fmt: skip
        refs[which] = {"place_id": p.pk, "pk": p.pk}
    return ObjectRefs(
        home=refs["home"],
        foreign=refs["foreign"],
        foreign_markers=["Zzforeignplace"],
        private=["Jiang Home", "139 5555 0001", "Ye Foreign", "139 5555 0002"],
    )


# --- grid ---------------------------------------------------------------------------------------

# The grid worker works in one grid of T1 (the grid worker of the resident's grid).
HOME_AREA[Role.GRID_WORKER] = "t1c1g1"


@builder("grid_task")
def grid_task_objects(world: World) -> ObjectRefs:
    from accord.grid.tasks import task_create

    home = task_create(
        actor=world.users[Role.TOWNSHIP_COORDINATOR], area=world.areas.t1c1g1.code,
        task_type="resident_request", note="Grid home: Xu Hua asks for a visit about her pension.",
    )  # fmt: skip
    foreign = task_create(
        actor=t2_staff(world, Role.TOWNSHIP_COORDINATOR), area=world.areas.t2c1g1.code,
        task_type="resident_request", note="Grid foreign: zzforeigngrid Lin Yuan asks for help.",
    )  # fmt: skip
    return ObjectRefs(
        home={"task_id": home.pk, "code": world.areas.t1c1g1.code},
        foreign={"task_id": foreign.pk, "code": world.areas.t2c1g1.code},
        foreign_markers=["zzforeigngrid", "Lin Yuan"],
        private=["Xu Hua", "zzforeigngrid", "Lin Yuan"],
    )


# --- participation ------------------------------------------------------------------------------


def _consultation(world: World, actor: User, area: str, title: str, comment: str):
    from accord.participation import comments as p_comments
    from accord.participation import consultations as p_svc
    from accord.participation import pseudonyms
    from accord.participation import statements as p_statements

    today = timezone.localdate()
    c = p_svc.consultation_create(
        actor=actor,
        data=p_svc.ConsultationInput(
            area=area, title_en=title, title_zh=title, opens_on=today,
            closes_on=today + dt.timedelta(days=29), allow_statements=True,
            articles=(p_svc.ArticleInput(body_en="Article one.", body_zh="第一条。"),),
        ),
    )  # fmt: skip
    c = p_svc.consultation_transition(actor=actor, consultation=c, action="publish")
    m = p_comments.comment_create(
        actor=world.users[Role.RESIDENT] if area == "T1" else None, consultation=c, text=comment
    )
    stmts = [
        p_statements.statement_add(consultation=c, pseudonym=f"a{i}", text=f"Statement {i}")
        for i in range(2)
    ]
    for i in range(3):
        p = pseudonyms.pseudonym(c.salt, session_id=f"authz-{i}")
        for s in stmts:
            p_statements.vote_cast(consultation=c, statement_id=s.pk, pseudonym=p, value=1)
    h = p_svc.hearing_schedule(
        actor=actor, consultation=c, held_at=timezone.now() + dt.timedelta(days=20), place="Hall"
    )
    return {
        "reference": c.reference,
        "comment_id": m.pk,
        "statement_id": stmts[0].pk,
        "hearing_id": h.pk,
    }


@builder("consultation")
def consultation_objects(world: World) -> ObjectRefs:
    """An open consultation with an opinion map in T1 (a comment by the resident) and one in
    T2 (an anonymous comment), each published by a coordinator of its township."""
    home = _consultation(world, world.users[Role.TOWNSHIP_COORDINATOR], "T1",
                         "Home draft on parking", "Home comment: Liu Yang parks on the pavement")  # fmt: skip
    foreign = _consultation(world, t2_staff(world, Role.TOWNSHIP_COORDINATOR), "T2",
                            "zzforeignconsultation", "Foreign comment: zzforeigncomment by Ma Li")  # fmt: skip
    return ObjectRefs(
        home=home,
        foreign=foreign,
        foreign_markers=["zzforeignconsultation", "zzforeigncomment"],
        private=["Liu Yang parks on the pavement", "zzforeigncomment by Ma Li"],
    )


@builder("suggestion")
def suggestion_objects(world: World) -> ObjectRefs:
    """A suggestion in T1C1 (by the resident) and one in T2C1 (anonymous), not yet answered."""
    from accord.participation import suggestions as p_sug

    home = p_sug.suggestion_create(actor=world.users[Role.RESIDENT], area="T1C1",
                                   title="Home benches", text="Benches by the river")  # fmt: skip
    foreign = p_sug.suggestion_create(actor=None, area="T2C1", title="zzforeignsuggestion",
                                      text="Lights on the bridge")  # fmt: skip
    return ObjectRefs(
        home={"reference": home.reference},
        foreign={"reference": foreign.reference},
        foreign_markers=["zzforeignsuggestion"],
    )


@builder("consultation_draft")
def consultation_draft_objects(world: World) -> ObjectRefs:
    """An unpublished draft in T1 and one in T2."""
    from accord.participation import consultations as p_svc

    today = timezone.localdate()

    def draft(actor: User, area: str, title: str):
        return p_svc.consultation_create(
            actor=actor,
            data=p_svc.ConsultationInput(
                area=area, title_en=title, title_zh=title, opens_on=today,
                closes_on=today + dt.timedelta(days=29),
                articles=(p_svc.ArticleInput(body_en="Draft article.", body_zh="草案条文。"),),
            ),
        )  # fmt: skip

    home = draft(world.users[Role.TOWNSHIP_COORDINATOR], "T1", "Home unpublished draft")
    foreign = draft(t2_staff(world, Role.TOWNSHIP_COORDINATOR), "T2", "zzforeigndraft")
    return ObjectRefs(
        home={"reference": home.reference},
        foreign={"reference": foreign.reference},
        foreign_markers=["zzforeigndraft"],
    )


# --- wellbeing ---
@builder("wb_request")
def wb_request(world: World) -> ObjectRefs:
    """A counselling unit in T1 (the test counsellor works there and is on call) and one in
    T2; a request in each; a consented anonymous screening (its withdrawal code)."""
    from accord.wellbeing import counselling, screening
    from accord.wellbeing.models import Counsellor, OnCall, Unit

    me = world.users[Role.COUNSELOR]
    them = t2_staff(world, Role.COUNSELOR)
    units = {}
    for key, area, user in (("home", world.areas.t1, me), ("foreign", world.areas.t2, them)):
        unit = Unit.objects.create(
            code=f"AUTHZ-{key}", kind="station", name_en=f"Authz {key}", name_zh=f"授权{key}",
            area=area, hours={"always": True}, services=["phone", "in_person"], capacity=5,
        )  # fmt: skip
        Counsellor.objects.create(user=user, unit=unit)
        OnCall.objects.create(area=area, position=1, user=user, unit=unit)
        units[key] = unit
    home = counselling.request_create(actor=None, area=world.areas.t1c1, mode="phone",
                                      contact="100-0000-0011", name="Wu Home")  # fmt: skip
    foreign = counselling.request_create(actor=None, area=world.areas.t2c1, mode="phone",
                                         contact="100-0000-0099", name="Zzforeignname")  # fmt: skip
    stored = screening.screening_submit(actor=None, instrument="phq9", answers=[1] * 8 + [0],
                                        consent=True)  # fmt: skip
    common = {"instrument": "phq9", "code": stored.withdraw_code}
    return ObjectRefs(
        home={"reference": home.reference, **common},
        foreign={"reference": foreign.reference, **common},
        foreign_markers=[foreign.reference, "Zzforeignname"],
        private=["Wu Home", "Zzforeignname", "100-0000-0011", "100-0000-0099"],
    )


@builder("crisis_alert")
def wb_crisis_alert(world: World) -> ObjectRefs:
    from accord.wellbeing.screening import danger_raise

    world.objects("wb_request")  # the units and the rota
    home = danger_raise(actor=None, area=world.areas.t1c1, contact="100-0000-0021")
    foreign = danger_raise(actor=None, area=world.areas.t2c1, contact="100-0000-0029")
    return ObjectRefs(
        home={"reference": home.reference},
        foreign={"reference": foreign.reference},
        foreign_markers=[foreign.reference, "100-0000-0029"],
        private=["100-0000-0021", "100-0000-0029"],
    )


# --- safety inspections -------------------------------------------------------------------------


@builder("inspection")
def inspection_objects(world: World) -> ObjectRefs:
    """An inspection with one finding of the home place (T1C1G1, by the T1 inspector) and of
    the foreign place (T2C1G1, by the T2 inspector)."""
    from accord.safety import checklists as sf_checklists
    from accord.safety import inspections as sf_inspections
    from accord.safety.models import Checklist as SfChecklist
    from accord.safety.models import Sector as SfSector

    sf_checklists.seed(SfSector, SfChecklist)
    places = world.objects("place")
    checklist = SfChecklist.objects.get(code="fire-basic")
    refs = {}
    for which, inspector, note in (
        ("home", world.users[Role.INSPECTOR], "Home finding: boxes in the stairwell."),
        ("foreign", t2_staff(world, Role.INSPECTOR), "Zzforeigninspection finding."),
    ):
        results = {item["code"]: {"result": "ok"} for item in checklist.items}
        results["storage"] = {"result": "finding", "note": note}
        i = sf_inspections.inspection_record(actor=inspector, data=sf_inspections.InspectionInput(
            place=getattr(places, which)["place_id"], checklist="fire-basic", results=results))  # fmt: skip
        refs[which] = {"pk": i.pk, "inspection_id": i.pk, "place_id": i.place_id}
    return ObjectRefs(
        home=refs["home"],
        foreign=refs["foreign"],
        foreign_markers=["Zzforeignplace"],
        private=["Jiang Home", "139 5555 0001", "Ye Foreign"],
    )
