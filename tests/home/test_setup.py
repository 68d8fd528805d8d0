from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import GroupPagePermission, Page, Site, WorkflowPage

from events.demo import demo_seed
from home.models import ContentChange, KnowledgePage, Municipality, Partner, Region
from home.models.vocabulary import (
    HOSTED_EVENT_PATH,
    contrast_on_white,
    validate_partner_colour,
)
from home.provisioning.services import centre_setup


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"home", "events", "wagtailcore", "auth"}
        and not model._meta.label.startswith("wagtailcore.ModelLogEntry")
    }


def test_municipalities_and_regions_are_loaded_by_migration(db):
    assert Municipality.objects.count() == 98
    assert Region.objects.count() == 5
    assert Municipality.objects.get(code="0101").region.name == "Region Hovedstaden"


def test_centre_setup_creates_three_partner_areas(centre):
    assert Partner.objects.count() == 3
    assert Partner.objects.get(is_coordinator=True).slug == "socialstyrelsen"
    for partner in Partner.objects.all():
        assert partner.collection is not None
        assert partner.editors_group and partner.moderators_group
        folders = Page.objects.filter(slug=partner.slug, depth=4).specific()
        assert {type(f).__name__ for f in folders} == {"EventIndexPage", "KnowledgeIndexPage"}
        for folder in folders:
            assert folder.partner == partner
            workflow = WorkflowPage.objects.get(page=folder).workflow
            task = workflow.tasks.get().specific
            assert set(task.groups.values_list("name", flat=True)) == {
                partner.moderators_group.name,
                "Koordinatorer",
            }


def test_home_page_is_the_default_site_root(centre):
    site = Site.objects.get(is_default_site=True)
    assert site.root_page.specific == centre["home"]
    assert not Page.objects.filter(title__startswith="Welcome").exists()


def test_wagtail_starter_groups_that_span_the_whole_tree_are_removed(centre):
    assert not Group.objects.filter(name__in=["Editors", "Moderators"]).exists()
    root_grants = GroupPagePermission.objects.filter(page__depth=1)
    assert not root_grants.exists()


def test_seeding_twice_changes_nothing(db):
    demo_seed()
    first = _row_counts()
    demo_seed()
    call_command("setup_centre", verbosity=0)
    assert _row_counts() == first


def test_demo_has_the_vive_reports_with_their_key_figures(db):
    demo_seed()
    figures = {
        page.title: page.key_findings[0].value["figure"] for page in KnowledgePage.objects.live()
    }
    assert figures["Anbragte unges trivsel"] == "43 %"
    assert figures["Udsatte unges inddragelse i kommunernes sagsbehandling"] == "28 %"
    assert KnowledgePage.objects.get(slug="anbragte-unges-trivsel").partner.slug == "vive"


def test_seed_demo_once_leaves_edited_content_alone(db):
    call_command("seed_demo", verbosity=0)
    page = KnowledgePage.objects.get(slug="anbragte-unges-trivsel")
    page.delete()
    call_command("seed_demo", "--once", verbosity=0)
    assert not KnowledgePage.objects.filter(slug="anbragte-unges-trivsel").exists()


def test_hosted_event_path_is_the_hosted_events_page(db):
    assert HOSTED_EVENT_PATH.format(id=42) == reverse("events_page:detail", args=[42])


def test_setup_points_each_partner_at_the_hosted_events_page(centre, settings):
    templates = set(Partner.objects.values_list("event_url_template", flat=True))
    assert templates == {f"{settings.BASE_URL}/arrangementer/{{id}}/"}


def test_setup_keeps_a_template_an_admin_set_and_fills_one_emptied(centre, settings):
    own = "https://www.vive.dk/arrangementer/#arrangement-{id}"
    Partner.objects.filter(slug="vive").update(event_url_template=own)
    Partner.objects.filter(slug="boerns-vilkaar").update(event_url_template="")
    changes = ContentChange.objects.filter(object_type="partner")
    before = changes.count()
    centre_setup()
    # Recorded, so cached feeds and the CDN drop the links made before; once only.
    assert changes.count() == before + 1
    call_command("setup_centre", verbosity=0)
    assert changes.count() == before + 1
    templates = dict(Partner.objects.values_list("slug", "event_url_template"))
    hosted = f"{settings.BASE_URL}/arrangementer/{{id}}/"
    assert templates == {"vive": own, "boerns-vilkaar": hosted, "socialstyrelsen": hosted}


def test_centre_setup_gives_each_partner_a_colour_legible_on_white(centre):
    colours = dict(Partner.objects.values_list("slug", "colour"))
    assert colours == {
        "socialstyrelsen": "#1f3d7a",
        "vive": "#00646e",
        "boerns-vilkaar": "#a1124f",
    }
    for colour in colours.values():
        validate_partner_colour(colour)
        assert contrast_on_white(colour) >= 4.5


def test_centre_setup_fills_an_empty_colour_once_and_keeps_an_administrators(centre):
    Partner.objects.filter(slug="vive").update(colour="#004b55")
    Partner.objects.filter(slug="boerns-vilkaar").update(colour="", event_url_template="")
    changes = ContentChange.objects.filter(object_type="partner")
    before = changes.count()
    centre_setup()
    colours = dict(Partner.objects.values_list("slug", "colour"))
    assert colours["vive"] == "#004b55"
    assert colours["boerns-vilkaar"] == "#a1124f"
    # Recorded once for both fields filled in, so caches drop the old answers; then nothing.
    assert changes.count() == before + 1
    centre_setup()
    assert dict(Partner.objects.values_list("slug", "colour")) == colours
    assert changes.count() == before + 1
