"""Loading the counselling network from JSON: all or nothing, audited."""

from __future__ import annotations

import pytest

from accord.core.errors import ValidationFailed
from accord.core.models import AuditEvent
from accord.wellbeing import crisis
from accord.wellbeing.models import OnCall, Unit
from accord.wellbeing.network import network_load


def test_load_units_and_rota(network, areas):
    data = {
        "units": [{"code": "NEW", "kind": "social_work", "name_en": "N", "name_zh": "新",
                   "area": "T1C1", "hours": {"sat": [["20:00", "02:00"]]}, "services": ["phone"],
                   "head": "head_t1", "counsellors": ["c2"]}],
        "rota": {"T1C1": [["c2", "NEW"], ["c1", "U-T1"]]},
    }  # fmt: skip
    assert network_load(actor=None, data=data)["units"] == ["NEW"]
    assert [r.user.username for r in crisis.rota_for(areas.t1c1g1)][:2] == ["c2", "c1"]
    assert AuditEvent.objects.filter(action="wellbeing.network.load").exists()


@pytest.mark.parametrize(
    "unit",
    [
        {"kind": "clinic"},
        {"hours": {"mon": [["25:00", "26:00"]]}},
        {"services": ["telepathy"]},
        {"head": "nobody"},
        {"diagnosis": "x"},
    ],
)
def test_bad_data_loads_nothing(network, areas, unit):
    base = {"code": "BAD", "kind": "station", "name_en": "B", "name_zh": "B", "area": "T1"}
    before = OnCall.objects.count()
    with pytest.raises(ValidationFailed):
        network_load(actor=None, data={"units": [base | unit],
                                       "rota": {"T1": [["c2", "U-T1"]]}})  # fmt: skip
    assert not Unit.objects.filter(code="BAD").exists() and OnCall.objects.count() == before


def test_a_bad_rota_rolls_back_the_units_too(network, areas):
    good = {"code": "GOOD", "kind": "station", "name_en": "G", "name_zh": "G", "area": "T1"}
    with pytest.raises(ValidationFailed):
        network_load(actor=None, data={"units": [good], "rota": {"T1": [["c2", "NOPE"]]}})
    assert not Unit.objects.filter(code="GOOD").exists()
    assert OnCall.objects.filter(area=areas.t1).count() == 2  # the old rota is intact
