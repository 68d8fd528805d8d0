from home.models import Partner


def test_partners_list_their_roles(api, centre):
    partners = api.get("/api/v1/partners/").json()
    assert {p["slug"] for p in partners} == {"socialstyrelsen", "vive", "boerns-vilkaar"}
    assert next(p for p in partners if p["slug"] == "socialstyrelsen")["is_coordinator"]


def test_municipalities_have_regions(api, db):
    municipalities = api.get("/api/v1/municipalities/").json()
    assert len(municipalities) == 98
    aarhus = next(m for m in municipalities if m["name"] == "Aarhus")
    assert aarhus["region"] == "Region Midtjylland"


def test_topics_and_audiences(api, knowledge):
    assert len(api.get("/api/v1/topics/").json()) == 5
    assert "ppr" in {a["slug"] for a in api.get("/api/v1/audiences/").json()}


def test_partners_and_the_events_partner_carry_the_colour(api, centre, event_of):
    partners = {p["slug"]: p for p in api.get("/api/v1/partners/").json()}
    assert partners["vive"]["colour"] == "#00646e"
    vive = Partner.objects.get(slug="vive")
    event = event_of(vive)
    assert api.get(f"/api/v1/events/{event.pk}/").json()["partner"]["colour"] == "#00646e"
    vive.colour = ""
    vive.save()
    assert api.get(f"/api/v1/partners/{vive.pk}/").json()["colour"] == ""
    assert api.get(f"/api/v1/events/{event.pk}/").json()["partner"]["colour"] == ""
