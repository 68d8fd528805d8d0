import pytest
from wagtail.models import PageViewRestriction

from home.models import ContentPage, KnowledgePage


def test_knowledge_list_has_key_findings_partner_and_links(api, knowledge):
    response = api.get("/api/v1/knowledge/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 2
    item = next(r for r in body["results"] if r["slug"] == "anbragte-unges-trivsel")
    assert item["key_findings"][0]["figure"] == "43 %"
    assert item["partner"]["slug"] == "vive"
    assert item["kind"] == "report" and item["kind_label"] == "Rapport"
    assert item["api_url"].endswith(f"/api/v1/knowledge/{item['id']}/")
    assert {t["slug"] for t in item["topics"]} == {"anbringelse", "boerneinddragelse"}


def test_knowledge_filters_are_ored_within_and_anded_across(api, knowledge):
    assert api.get("/api/v1/knowledge/?partner=vive&year=2020").json()["count"] == 2
    assert api.get("/api/v1/knowledge/?partner=boerns-vilkaar").json()["count"] == 0
    assert api.get("/api/v1/knowledge/?topic=anbringelse").json()["count"] == 1
    assert api.get("/api/v1/knowledge/?topic=anbringelse,sagsbehandling").json()["count"] == 2
    assert api.get("/api/v1/knowledge/?topic=anbringelse&topic=sagsbehandling").json()["count"] == 2
    assert api.get("/api/v1/knowledge/?topic=anbringelse&audience=ppr").json()["count"] == 0


def test_knowledge_search_uses_wagtail_search(api, knowledge):
    results = api.get("/api/v1/knowledge/?q=trivsel").json()["results"]
    assert [r["slug"] for r in results] == ["anbragte-unges-trivsel"]


def test_unknown_filter_value_is_400_naming_the_parameter(api, knowledge):
    response = api.get("/api/v1/knowledge/?kind=novel")
    assert response.status_code == 400
    assert "kind" in response.json()["errors"]
    response = api.get("/api/v1/knowledge/?partner=nobody")
    assert response.status_code == 400
    assert "partner" in response.json()["errors"]


def test_draft_and_private_knowledge_never_leave(api, knowledge):
    page = KnowledgePage.objects.get(slug="anbragte-unges-trivsel")
    PageViewRestriction.objects.create(page=page, restriction_type="password", password="x")
    draft = KnowledgePage.objects.get(slug="udsatte-unges-inddragelse-i-kommunernes-sagsbehandling")
    draft.unpublish()
    assert api.get("/api/v1/knowledge/").json()["count"] == 0
    assert api.get(f"/api/v1/knowledge/{page.pk}/").status_code == 404
    assert api.get(f"/api/v1/knowledge/{draft.pk}/").status_code == 404


def test_page_by_id_and_by_path_with_typed_blocks(api, centre):
    about = ContentPage.objects.get(slug="om-videnscentret")
    home_id = centre["home"].pk
    about.body = [
        ("heading", {"text": "Formål", "level": "h2"}),
        ("paragraph", f'<p>Se <a linktype="page" id="{home_id}">forsiden</a>.</p>'),
    ]
    about.save_revision().publish()
    response = api.get(f"/api/v1/pages/{about.pk}/")
    assert response.status_code == 200
    data = response.json()
    assert data["path"] == "/om-videnscentret/"
    assert data["body"][0]["type"] == "heading"
    assert data["body"][0]["value"] == {"text": "Formål", "level": "h2"}
    assert data["body"][1]["type"] == "paragraph"
    assert 'href="' in data["body"][1]["value"] and "linktype" not in data["body"][1]["value"]
    by_path = api.get("/api/v1/pages/?path=/om-videnscentret/").json()
    assert [p["id"] for p in by_path["results"]] == [about.pk]


def test_unknown_ids_are_404_never_500(api, centre):
    for url in ["/api/v1/pages/999999/", "/api/v1/knowledge/abc/", "/api/v1/events/0/"]:
        response = api.get(url)
        assert response.status_code == 404, url
        assert "detail" in response.json()


@pytest.mark.parametrize("year", ["99999999999999999999999", "3000", "1066"])
def test_a_year_out_of_range_is_a_400_naming_year(api, knowledge, year):
    response = api.get(f"/api/v1/knowledge/?year={year}")
    assert response.status_code == 400
    assert "year" in response.json()["errors"]


def test_knowledge_lists_the_public_events_that_present_it(api, knowledge, event_of, vive):
    report = KnowledgePage.objects.get(slug="anbragte-unges-trivsel")
    presenting = event_of(vive, title="Webinar om rapporten", related_knowledge=[report])
    event_of(vive, title="Kladde om rapporten", related_knowledge=[report], publish=False)
    detail = api.get(f"/api/v1/knowledge/{report.pk}/").json()
    assert [(e["id"], e["title"]) for e in detail["related_events"]] == [
        (presenting.pk, "Webinar om rapporten")
    ]
    assert detail["related_events"][0]["api_url"].endswith(f"/api/v1/events/{presenting.pk}/")
    results = api.get("/api/v1/knowledge/").json()["results"]
    listed = next(r for r in results if r["id"] == report.pk)
    assert [e["id"] for e in listed["related_events"]] == [presenting.pk]
