"""The jurisdiction tree: materialised paths, subtrees and ancestors."""

from __future__ import annotations

import pytest

from accord.core.models import Area, Level

pytestmark = pytest.mark.django_db


def codes(qs) -> set[str]:
    return set(qs.values_list("code", flat=True))


def test_paths_are_derived_from_parents(areas):
    assert areas.city.path == "/C/"
    assert areas.t1c1g1.path == "/C/CO/T1/T1C1/T1C1G1/"
    assert areas.t1c1g1.ancestor_codes() == ["C", "CO", "T1", "T1C1", "T1C1G1"]


def test_subtree_is_the_area_and_everything_below(areas):
    assert codes(Area.objects.subtree(areas.t1)) == {
        "T1", "T1C1", "T1C2", "T1C1G1", "T1C1G2", "T1C2G1",
    }  # fmt: skip
    assert codes(Area.objects.subtree(areas.t2)) == {"T2", "T2C1", "T2C1G1"}
    assert codes(Area.objects.subtree(areas.t1c1g1)) == {"T1C1G1"}
    assert Area.objects.subtree(areas.city).count() == len(areas.all())


def test_subtree_does_not_leak_into_codes_sharing_a_prefix(areas):
    from factories import AreaFactory

    AreaFactory(code="T10", level=Level.TOWNSHIP, parent=areas.county)
    AreaFactory(code="T1C10", level=Level.COMMUNITY, parent=areas.t1)
    assert "T10" not in codes(Area.objects.subtree(areas.t1))
    assert "T1C10" in codes(Area.objects.subtree(areas.t1))
    assert "T1C10" not in codes(Area.objects.subtree(areas.t1c1))


def test_ancestor_at(areas):
    g = areas.t1c1g1
    assert g.ancestor_at(Level.COMMUNITY) == areas.t1c1
    assert g.ancestor_at(Level.TOWNSHIP) == areas.t1
    assert g.ancestor_at(Level.COUNTY) == areas.county
    assert g.ancestor_at(Level.CITY) == areas.city
    assert g.ancestor_at(Level.GRID) == g  # itself
    assert areas.t1.ancestor_at(Level.COMMUNITY) is None  # below it
    assert areas.t2c1g1.ancestor_at(Level.TOWNSHIP) == areas.t2


def test_contains(areas):
    assert areas.t1.contains(areas.t1c1g1)
    assert areas.t1.contains(areas.t1)
    assert not areas.t1.contains(areas.t2c1)
    assert not areas.t1c1.contains(areas.t1)


def test_moving_an_area_rederives_its_path(areas):
    areas.t1c2.parent = areas.t2
    areas.t1c2.save()
    assert areas.t1c2.path == "/C/CO/T2/T1C2/"


def test_subtree_over_twenty_thousand_areas_is_one_query(django_assert_num_queries):
    """Not timed: the point is that the subtree is a single prefix query, not a walk."""
    city = Area.objects.create(code="X", level=Level.CITY, name_en="X", name_zh="X")
    county = Area.objects.create(
        code="XC", level=Level.COUNTY, parent=city, name_en="XC", name_zh="XC"
    )
    rows = []
    for t in range(20):
        tcode = f"XT{t}"
        tpath = f"{county.path}{tcode}/"
        rows.append(Area(code=tcode, level=Level.TOWNSHIP, parent=county, path=tpath))
        for c in range(50):
            ccode = f"{tcode}C{c}"
            cpath = f"{tpath}{ccode}/"
            rows.append(Area(code=ccode, level=Level.COMMUNITY, path=cpath))
            for g in range(19):
                gcode = f"{ccode}G{g}"
                rows.append(Area(code=gcode, level=Level.GRID, path=f"{cpath}{gcode}/"))
    Area.objects.bulk_create(rows, batch_size=2000)
    assert Area.objects.count() == 20_022
    township = Area.objects.get(code="XT1")  # XT10..XT19 share its prefix

    with django_assert_num_queries(1):
        found = list(Area.objects.subtree(township).values_list("code", flat=True))
    assert len(found) == 1 + 50 + 50 * 19
    assert not {f"XT{i}" for i in range(10, 20)} & set(found)
