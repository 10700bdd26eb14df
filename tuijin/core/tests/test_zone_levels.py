"""Levels above the zone: a city (province, district) in the org tree sees the zones below it through the one data
scope, changes only its own zone, and a zone sees nothing above or beside it."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tuijin.core.models import Zone
from tuijin.core.scope import SYSTEM, district_family, ensure_can_change, zones_above, zones_below
from tuijin.org.demo import make_member
from tuijin.org.models import Member, Unit
from tuijin.org.services import unit_create, zone_create


@dataclass
class Tree:
    city: Zone
    city2: Zone
    district: Zone
    park1: Zone
    park2: Zone
    park3: Zone
    units: dict
    city_office: Member
    city_staff: Member
    district_office: Member
    p1_office: Member
    p1_staff: Member
    p2_office: Member
    p3_office: Member
    city2_office: Member


def build_tree() -> Tree:
    """丙市 (a city) above 丙市甲区 (a district) above two parks; 丁市 with one park beside them. The city has a unit
    for the district, one for each park, and one for a district that is not in the system."""
    city = zone_create(code="bing", name="丙市", level="city", province="江苏省", city="丙市")
    city2 = zone_create(code="ding", name="丁市", level="city", province="江苏省", city="丁市")
    district = zone_create(code="bing-jia", name="丙市甲区", level="district", province="江苏省", parent=city)
    park1 = zone_create(code="p1", name="甲区经济开发区", level="provincial", province="江苏省", parent=district)
    park2 = zone_create(code="p2", name="甲区科技产业园区", level="provincial", province="江苏省", parent=district)
    park3 = zone_create(code="p3", name="丁市经济开发区", level="provincial", province="江苏省", parent=city2)
    units = {}
    for zone in (city, city2, district, park1, park2, park3):
        units[zone.code] = unit_create(member=SYSTEM, zone=zone, name="办公室", kind=Unit.Kind.OFFICE)
    for name, kind, group, rep in (("丙市甲区", "district", "市(区)", district), ("丙市乙区", "district", "市(区)", None),
                                   ("甲区经济开发区", "park", "园区", park1), ("甲区科技产业园区", "park", "园区", park2),
                                   ("乙区开发区", "park", "园区", None)):
        units[name] = unit_create(member=SYSTEM, zone=city, name=name, kind=kind, group=group, represents=rep,
                                  parent=units["bing"])
    units["p1-street"] = unit_create(member=SYSTEM, zone=park1, name="一街道", kind="street", parent=units["p1"])
    R, S = Member.Role, Member.Scope

    def m(username, unit, role=R.OFFICE, scope=S.ZONE):
        return make_member(username=username, unit=unit, role=role, scope=scope)

    return Tree(city=city, city2=city2, district=district, park1=park1, park2=park2, park3=park3, units=units,
                city_office=m("city_office", units["bing"]),
                city_staff=m("city_staff", units["丙市乙区"], R.STAFF, S.UNIT),
                district_office=m("district_office", units["bing-jia"]),
                p1_office=m("p1_office", units["p1"]), p1_staff=m("p1_staff", units["p1-street"], R.STAFF, S.UNIT),
                p2_office=m("p2_office", units["p2"]), p3_office=m("p3_office", units["p3"]),
                city2_office=m("city2_office", units["ding"]))


@pytest.fixture
def tree(db) -> Tree:
    return build_tree()


def _zones(qs) -> set[str]:
    return set(qs.values_list("zone__code", flat=True))


def test_the_tree(tree):
    assert zones_below(tree.city.pk) == {tree.city.pk, tree.district.pk, tree.park1.pk, tree.park2.pk}
    assert zones_above(tree.park1.pk) == [tree.district.pk, tree.city.pk]
    assert zones_above(tree.city.pk) == []
    assert district_family(tree.park1.pk) == {tree.district.pk, tree.park1.pk, tree.park2.pk}
    assert district_family(tree.park3.pk) == {tree.park3.pk}  # no district above: itself


def test_a_city_member_sees_the_zones_below_and_nothing_of_another_city(tree):
    city = {"bing", "bing-jia", "p1", "p2"}
    assert _zones(Unit.objects.restrict(tree.city_office)) == city
    assert set(Zone.objects.restrict(tree.city_office).values_list("code", flat=True)) == city
    assert _zones(Unit.objects.restrict(tree.city2_office)) == {"ding", "p3"}
    assert _zones(Unit.objects.restrict(tree.district_office)) == {"bing-jia", "p1", "p2"}
    # it reads the zones below; it changes its own zone only
    assert _zones(Unit.objects.restrict(tree.city_office, "change")) == {"bing"}
    with pytest.raises(PermissionDenied):
        ensure_can_change(tree.city_office, tree.units["p1-street"])
    ensure_can_change(tree.city_office, tree.units["丙市乙区"])


def test_a_zone_member_sees_nothing_above_or_beside(tree):
    for member, code in ((tree.p1_office, "p1"), (tree.p2_office, "p2"), (tree.p3_office, "p3")):
        assert _zones(Unit.objects.restrict(member)) == {code}
        assert list(Zone.objects.restrict(member).values_list("code", flat=True)) == [code]
    assert list(Unit.objects.restrict(tree.p1_staff).values_list("name", flat=True)) == ["一街道"]
    # a city member who sees one unit sees that unit, not the zones below
    assert list(Unit.objects.restrict(tree.city_staff).values_list("name", flat=True)) == ["丙市乙区"]


def test_a_zone_belongs_to_a_province_city_or_district_only(tree):
    with pytest.raises(ValidationError) as exc:
        zone_create(code="x", name="某园区", parent=tree.park1)
    assert "parent" in exc.value.message_dict
    assert not Zone.objects.filter(code="x").exists()


@pytest.mark.parametrize("target", ["park3", "city", "park1-again"])
def test_a_unit_stands_only_for_a_zone_below_and_once(tree, target):
    zone = {"park3": tree.park3, "city": tree.city, "park1-again": tree.park1}[target]
    before = Unit.objects.count()
    with pytest.raises(ValidationError) as exc:
        unit_create(member=SYSTEM, zone=tree.city, name="新单位", kind="park", represents=zone)
    assert "represents" in exc.value.message_dict
    assert Unit.objects.count() == before


def test_pages_of_a_zone_below_are_read_not_changed(tree, client_for):
    """The city office opens the units page of its own zone; a park office never reaches the city's units."""
    html = client_for(tree.city_office).get("/org/units/").content.decode()
    assert "丙市乙区" in html
    html = client_for(tree.p1_office).get("/org/units/").content.decode()
    assert "丙市乙区" not in html and "一街道" in html
    r = client_for(tree.p1_office).get(f"/api/v1/units/{tree.units['丙市乙区'].pk}/")
    assert r.status_code in (403, 404)


def test_the_city_office_links_a_unit_to_a_zone_below_on_the_unit_page(tree, client_for):
    """The unit form offers the zones below the city (and nothing to a park); a zone outside the city or one already
    represented is refused with the field named, nothing changed."""
    c = client_for(tree.city_office)
    unit = tree.units["丙市乙区"]
    page = c.get(f"/org/units/{unit.pk}/").content.decode()
    assert 'name="represents"' in page and "甲区科技产业园区" in page and "丁市经济开发区" not in page
    assert 'name="represents"' not in client_for(tree.p1_office).get("/org/units/").content.decode()
    form = {"name": unit.name, "kind": unit.kind, "parent": unit.parent_id, "group": unit.group, "sort_order": 0}
    for bad in (tree.park3.pk, tree.park1.pk):  # another city's park; a park the city already has a unit for
        r = c.post(f"/org/units/{unit.pk}/", {**form, "represents": bad})
        assert r.status_code == 200
        unit.refresh_from_db()
        assert unit.represents_id is None
    r = c.post(f"/org/units/{unit.pk}/", {**form, "represents": tree.park2.pk})
    assert r.status_code == 200  # park2 already has its unit as well
    lone = unit_create(member=SYSTEM, zone=tree.city, name="丙市丙区", kind="district", parent=tree.units["bing"])
    below = zone_create(code="bing-bing", name="丙市丙区", level="district", province="江苏省", parent=tree.city)
    r = c.post(f"/org/units/{lone.pk}/", {**form, "name": "丙市丙区", "represents": below.pk})
    assert r.status_code == 302
    lone.refresh_from_db()
    assert lone.represents_id == below.pk
