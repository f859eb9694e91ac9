def test_fixtures_work(areas, mediator, resident, make_case, api_for, api):
    case, secret = make_case(area=areas.t1c1g1, actor=resident)
    assert case.tier == "community"
    assert case.handling_area == areas.t1c1
    r = api_for(mediator).get(f"cases/{case.reference}")
    assert r.status_code == 200, r.content
    assert "accept" in r.json()["allowed_actions"]
    r = api.post("track", {"reference": case.reference, "secret": secret})
    assert r.status_code == 200
