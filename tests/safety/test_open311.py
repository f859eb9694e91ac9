"""Open311 GeoReport v2, tested with a small client written from the spec
(http://wiki.open311.org/GeoReport_v2): XML parsed with xml.etree, JSON with json."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import urlencode
from xml.etree import ElementTree as ET

import pytest
from django.test import Client
from django.utils import timezone

from accord.safety import hazards, open311_keys
from accord.safety.models import Hazard

pytestmark = pytest.mark.django_db
ROOT = "/open311/v2/"


class GeoReportClient:
    """The six GeoReport v2 methods plus discovery, in either format."""

    def __init__(self, fmt: str = "xml", api_key: str = "") -> None:
        self.fmt, self.api_key, self.http = fmt, api_key, Client()

    def _get(self, path: str, **params):
        r = self.http.get(f"{ROOT}{path}.{self.fmt}", params)
        return r.status_code, self.parse(r)

    def parse(self, r):
        assert r["Content-Type"].endswith("charset=utf-8")
        if self.fmt == "json":
            return json.loads(r.content.decode("utf-8"))
        assert r.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
        return ET.fromstring(r.content)  # noqa: S314 - our own server's answer

    def discovery(self):
        return self._get("discovery")

    def services(self):
        return self._get("services")

    def service(self, code):
        return self._get(f"services/{code}")

    def requests(self, **params):
        return self._get("requests", **params)

    def request(self, rid):
        return self._get(f"requests/{rid}")

    def token(self, token):
        return self._get(f"tokens/{token}")

    def post(self, **fields):
        fields.setdefault("api_key", self.api_key)
        r = self.http.post(f"{ROOT}requests.{self.fmt}", urlencode(fields),
                           content_type="application/x-www-form-urlencoded")  # fmt: skip
        return r.status_code, self.parse(r)


def rows(fmt, data):
    """Service requests (or errors) as a list of dicts, whatever the format."""
    if fmt == "json":
        return data
    return [{child.tag: child.text for child in item} for item in data]


@pytest.fixture
def key(areas):
    return open311_keys.key_create(name="city-app", area_code=areas.t1c1.code)


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_discovery_and_services(fmt, areas):
    c = GeoReportClient(fmt)
    status, data = c.discovery()
    assert status == 200
    if fmt == "xml":
        assert data.tag == "discovery"
        assert data.find("endpoints/endpoint/specification").text.endswith("GeoReport_v2")
        formats = [f.text for f in data.findall("endpoints/endpoint/formats/format")]
        assert formats == ["text/xml", "application/json"]
    else:
        assert data["endpoints"][0]["formats"] == ["text/xml", "application/json"]
    status, data = c.services()
    services = rows(fmt, data)
    codes = {s["service_code"] for s in services}
    assert {"fire", "gas", "construction"} <= codes
    fire = next(s for s in services if s["service_code"] == "fire")
    assert fire["type"] == "realtime" and str(fire["metadata"]).lower() == "false"
    status, data = c.service("fire")
    assert status == 200
    status, data = c.service("nope")
    assert status == 404 and rows(fmt, data)[0]["description"].startswith("service_code")


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_post_then_get_by_id_and_token(fmt, key, areas):
    c = GeoReportClient(fmt, key)
    description = "燃气管道在3号楼外墙漏气，气味很大。 Call Li Wei 13900001111."
    status, data = c.post(service_code="gas", lat="30.1", long="119.9", description=description,
                          email="li@example.org", first_name="Li", phone="13900001111")  # fmt: skip
    assert status == 201
    row = rows(fmt, data)[0]
    rid, token = row["service_request_id"], row["token"]
    hazard = Hazard.objects.get(reference=rid)
    assert hazard.source == "open311" and hazard.description == description
    assert hazard.area == areas.t1c1 and hazard.status == "reported"
    status, data = c.token(token)
    assert status == 200 and rows(fmt, data)[0]["service_request_id"] == rid
    assert c.token("nope")[0] == 404
    r = c.http.get(f"{ROOT}requests/{rid}.{fmt}")
    for private in ("Li Wei", "13900001111", "li@example.org", "漏气"):
        assert private not in r.content.decode("utf-8")
    got = rows(fmt, c.parse(r))[0]
    assert got["status"] == "open" and got["service_code"] == "gas"
    assert got["expected_datetime"] in (None, "")
    requested = dt.datetime.fromisoformat(got["requested_datetime"])
    assert requested.tzinfo is not None  # W3C with zone
    assert c.request("HZ-1999-0000000")[0] == 404


def test_expected_datetime_is_the_deadline(key, areas, make_user):
    inspector = make_user("inspector", areas.t1, username="o311_insp")
    h, _ = hazards.hazard_report(actor=None, data=hazards.HazardInput(
        description="Blocked fire exit", sector="fire", area=areas.t1c1g1.code))  # fmt: skip
    for action, kw in (("verify", {}), ("grade", {"grade": "general",
                       "criterion": "general_fix_at_once"}), ("order", {"days": 3})):  # fmt: skip
        h = hazards.hazard_transition(actor=inspector, hazard=h, action=action, **kw)
    c = GeoReportClient("json")
    got = c.request(h.reference)[1][0]
    assert got["expected_datetime"].startswith(h.deadline.isoformat() + "T23:59:59")


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_post_errors(fmt, key):
    c = GeoReportClient(fmt, key)
    ok = {"service_code": "fire", "address_string": "Gate 2", "description": "Exit locked"}
    cases = [
        ({**ok, "api_key": "wrong"}, 403),
        ({**ok, "api_key": ""}, 403),
        ({**ok, "service_code": "nope"}, 400),
        ({k: v for k, v in ok.items() if k != "address_string"}, 400),
        ({**ok, "description": "x" * 4001}, 400),
        ({**ok, "lat": "north"}, 400),
        ({**ok, "address_id": "NOPE"}, 400),
    ]
    for fields, expected in cases:
        status, data = c.post(**fields)
        assert status == expected, fields
        err = rows(fmt, data)[0]
        assert int(err["code"]) == expected and err["description"]
        if fmt == "xml":
            assert data.tag == "errors" and data[0].tag == "error"
    assert Hazard.objects.count() == 0
    assert c.post(**{**ok, "description": "x" * 4000})[0] == 201


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_get_requests_filters(fmt, key, areas):
    made = []
    for sector in ("fire", "gas", "fire"):
        h, _ = hazards.hazard_report(actor=None, data=hazards.HazardInput(
            description="d", sector=sector, area=areas.t1c1g1.code))  # fmt: skip
        made.append(h.reference)
    Hazard.objects.filter(reference=made[2]).update(status="closed")
    old, _ = hazards.hazard_report(actor=None, data=hazards.HazardInput(
        description="d", sector="fire", area=areas.t1c1g1.code))  # fmt: skip
    Hazard.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=120))
    c = GeoReportClient(fmt)

    def ids(**params):
        status, data = c.requests(**params)
        assert status == 200
        return {r["service_request_id"] for r in rows(fmt, data)}

    assert ids() == set(made)  # default: the last 90 days
    assert ids(service_code="fire") == {made[0], made[2]}
    assert ids(status="open") == {made[0], made[1]}
    assert ids(status="closed") == {made[2]}
    assert ids(service_request_id=f"{made[1]},{old.reference}", status="closed") == {
        made[1], old.reference}  # the id list overrides the other parameters  # fmt: skip
    now = timezone.now()
    start = (now - dt.timedelta(days=150)).isoformat()
    end = (now - dt.timedelta(days=100)).isoformat()
    assert ids(start_date=start, end_date=end) == {old.reference}
    for params in ({"start_date": (now - dt.timedelta(days=91)).isoformat(),
                    "end_date": now.isoformat()},
                   {"start_date": "yesterday"}, {"status": "pending"},
                   {"start_date": "2026-01-01T00:00:00"}):  # fmt: skip
        status, data = c.requests(**params)
        assert status == 400 and int(rows(fmt, data)[0]["code"]) == 400


def test_the_georeport_package_reads_our_get_methods(key, areas, live_server):
    """The PyPI `georeport` client (requests + xmltodict) against a live server."""
    georeport = pytest.importorskip("georeport")
    h, _ = hazards.hazard_report(actor=None, data=hazards.HazardInput(
        description="d", sector="gas", area=areas.t1c1g1.code))  # fmt: skip
    for fmt in ("json", "xml"):
        client = georeport.GeoReport(live_server.url + ROOT, output_format=fmt)
        services = client.get_service_list()
        assert "gas" in {s["service_code"] for s in services}
        found = client.get_service_requests(service_code="gas")
        found = found if isinstance(found, list) else [found]  # xmltodict: one dict for one
        assert any(h.reference in json.dumps(r) for r in found)
        one = client.get_service_request(h.reference)
        assert h.reference in json.dumps(one)
