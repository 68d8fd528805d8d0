from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command
from wagtail.models import GroupPagePermission, Page, Site, WorkflowPage

from events.demo import demo_seed
from home.models import KnowledgePage, Municipality, Partner, Region


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
