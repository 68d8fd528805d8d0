"""Writes for the page tree, the partners and their editorial areas."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    Site,
    Task,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from home.areas.membership import COORDINATORS_GROUP, SHARED_EDITORS_GROUP
from home.models.pages import ContentPage, HomePage, SectionIndexPage
from home.models.vocabulary import Partner, hosted_event_url_template


@dataclass(frozen=True)
class PartnerSpec:
    slug: str
    name: str
    short_name: str
    website: str
    role: str
    # The widget's theme until an administrator picks another: dark enough for text on white
    # (contrast on white: Socialstyrelsen 10.5:1, VIVE 6.9:1, Børns Vilkår 7.7:1). Chosen for
    # legibility, not taken from the partners' brand guides.
    colour: str
    is_coordinator: bool = False


PARTNERS: tuple[PartnerSpec, ...] = (
    PartnerSpec(
        slug="socialstyrelsen",
        name="Socialstyrelsen",
        short_name="Socialstyrelsen",
        website="https://www.sm.dk/",
        colour="#1f3d7a",
        role=(
            "Koordinator af videnscentret. Bidrager med viden om lovgivning og kommunal praksis "
            "og driver rådgivningsforløb og workshops."
        ),
        is_coordinator=True,
    ),
    PartnerSpec(
        slug="vive",
        name="VIVE – Det Nationale Forsknings- og Analysecenter for Velfærd",
        short_name="VIVE",
        website="https://www.vive.dk/",
        colour="#00646e",
        role=(
            "Forskning: indsamler, skaber overblik over og formidler viden om udsatte og "
            "anbragte børn og unge."
        ),
    ),
    PartnerSpec(
        slug="boerns-vilkaar",
        name="Børns Vilkår",
        short_name="Børns Vilkår",
        website="https://bornsvilkar.dk/",
        colour="#a1124f",
        role=(
            "Civilsamfund: bringer barnets perspektiv ind og står for praksisnær "
            "kompetenceudvikling af sagsbehandlere."
        ),
    ),
)

SITE_TITLE = "Videnscenter om børneinddragelse og udsatte børns liv"
UNUSED_WORKFLOW = "Wagtails standardgodkendelse (ikke i brug)"
UNUSED_TASK = "Wagtails standardopgave (ikke i brug)"
SHARED_COLLECTION = "Fælles"
SHARED_WORKFLOW = "Fælles sider – koordinatorgodkendelse"

EDITOR_PAGE_PERMISSIONS = ("add", "change")
MODERATOR_PAGE_PERMISSIONS = ("add", "change", "publish", "lock", "unlock")
MEDIA_EDIT_PERMISSIONS = (
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
)
MEDIA_CHOOSE_PERMISSIONS = (
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "choose_document"),
)
# Wagtail's own starter groups and workflow reach the whole tree; they would cross every
# partner boundary, so the centre's setup removes them.
WAGTAIL_STARTER_GROUPS = ("Editors", "Moderators")


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _page_permission(action: str) -> Permission:
    return _permission("wagtailcore", f"{action}_page")


def _grant_pages(group: Group, page: Page, actions: tuple[str, ...]) -> None:
    for action in actions:
        GroupPagePermission.objects.get_or_create(
            group=group, page=page, permission=_page_permission(action)
        )


def _grant_collection(
    group: Group, collection: Collection, perms: tuple[tuple[str, str], ...]
) -> None:
    for app_label, codename in perms:
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=collection, permission=_permission(app_label, codename)
        )


def _group(name: str) -> Group:
    group, _ = Group.objects.get_or_create(name=name)
    group.permissions.add(_permission("wagtailadmin", "access_admin"))
    return group


def _collection(name: str) -> Collection:
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=name).first()
    return existing or root.add_child(name=name)


def _child_page(parent: Page, page_class: type[Page], slug: str, **fields: Any) -> Page:
    """Return the live child with this slug, creating and publishing it if missing."""
    existing = parent.get_children().filter(slug=slug).specific().first()
    if existing is not None:
        return existing
    page = page_class(slug=slug, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _approval_workflow(name: str, task_name: str, groups: list[Group]) -> Workflow:
    workflow, _ = Workflow.objects.get_or_create(name=name, defaults={"active": True})
    task = GroupApprovalTask.objects.filter(name=task_name).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=task_name)
    task.groups.add(*groups)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    return workflow


def _assign_workflow(page: Page, workflow: Workflow) -> None:
    WorkflowPage.objects.update_or_create(page=page, defaults={"workflow": workflow})


def section_index_models() -> list[type[SectionIndexPage]]:
    """The site's sections (events, knowledge …): every concrete section index page type of the
    installed apps, in their ``section_order``. Each app brings its own; ``home`` names none."""
    models = [
        model
        for model in apps.get_models()
        if issubclass(model, SectionIndexPage) and not model._meta.abstract
    ]
    return sorted(models, key=lambda model: model.section_order)


def wagtail_roots_ensure() -> None:
    """Wagtail's default locale, root page and root collection, which its migrations create.

    They are missing only where the tables were emptied after migrating (a transactional
    test's flush, a restored partial dump); setting up the centre then puts them back.
    """
    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Rod", draft_title="Rod", slug="root", url_path="/"))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")


def home_page_ensure() -> HomePage:
    """The centre's home page as the default site's root, replacing Wagtail's welcome page."""
    wagtail_roots_ensure()
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        home = HomePage(title=SITE_TITLE, slug="videnscenter")
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name=SITE_TITLE,
        )
    elif site.root_page_id != home.pk:
        old_root = site.root_page
        site.root_page = home
        site.site_name = SITE_TITLE
        site.save()
        if type(old_root.specific) is Page and not old_root.get_children().exists():
            old_root.delete()
    return home


@transaction.atomic
def centre_setup() -> dict[str, Page]:
    """Create or complete the centre's structure: partners (with where links to their events
    land), areas, groups, workflows.

    Idempotent: running it again changes nothing, so deploys and ``seed_demo`` call it freely.
    """
    Group.objects.filter(name__in=WAGTAIL_STARTER_GROUPS).delete()
    # Wagtail's starter workflow, unused here: switched off and named so nobody reaches for it.
    Workflow.objects.filter(name__in=["Moderators approval", UNUSED_WORKFLOW]).update(
        name=UNUSED_WORKFLOW, active=False
    )
    Task.objects.filter(name="Moderators approval").update(name=UNUSED_TASK, active=False)
    Page.objects.filter(depth=1, title="Root").update(title="Rod", draft_title="Rod")
    WorkflowPage.objects.filter(page__depth=1).delete()

    home = home_page_ensure()
    about = _child_page(home, ContentPage, "om-videnscentret", title="Om videnscentret")
    sections = {
        model: _child_page(home, model, model.section_slug, title=model.section_title)
        for model in section_index_models()
    }

    coordinators = _group(COORDINATORS_GROUP)
    _grant_pages(coordinators, home, MODERATOR_PAGE_PERMISSIONS)
    _grant_collection(coordinators, Collection.get_first_root_node(), MEDIA_EDIT_PERMISSIONS)
    for app_label, model in (("home", "topic"), ("home", "audience"), ("home", "partner")):
        for action in ("add", "change", "view"):
            coordinators.permissions.add(_permission(app_label, f"{action}_{model}"))
    coordinators.permissions.add(_permission("home", "change_municipality"))
    coordinators.permissions.add(_permission("home", "view_municipality"))
    # The centre's default evaluation form (a setting of the events app): the coordinators'.
    coordinators.permissions.add(_permission("events", "change_evaluationdefaults"))

    shared_collection = _collection(SHARED_COLLECTION)
    shared_editors = _group(SHARED_EDITORS_GROUP)
    _grant_pages(shared_editors, about, EDITOR_PAGE_PERMISSIONS)
    _grant_collection(shared_editors, shared_collection, MEDIA_EDIT_PERMISSIONS)
    shared_workflow = _approval_workflow(SHARED_WORKFLOW, "Koordinatorgodkendelse", [coordinators])
    _assign_workflow(home, shared_workflow)

    for spec in PARTNERS:
        partner, _ = Partner.objects.get_or_create(
            slug=spec.slug,
            defaults={
                "name": spec.name,
                "short_name": spec.short_name,
                "website": spec.website,
                "colour": spec.colour,
                "role": spec.role,
                "is_coordinator": spec.is_coordinator,
                "event_url_template": hosted_event_url_template(),
            },
        )
        editors = _group(f"{spec.short_name} – redaktører")
        moderators = _group(f"{spec.short_name} – moderatorer")
        collection = partner.collection or _collection(spec.short_name)
        Partner.objects.filter(pk=partner.pk).update(
            collection=collection, editors_group=editors, moderators_group=moderators
        )
        # What an admin has not set is filled in; what someone set stays. Saved, not updated
        # (once, whatever was filled): the change log's row makes cached answers and the CDN
        # drop what they held.
        filled = []
        if not partner.event_url_template:
            # Links to the partner's events land on the hosted events page until an admin names
            # the partner's own page hosting the widget.
            partner.event_url_template = hosted_event_url_template()
            filled.append("event_url_template")
        if not partner.colour:
            partner.colour = spec.colour
            filled.append("colour")
        if filled:
            partner.save(update_fields=filled)
        folders = [
            _child_page(root, model, spec.slug, title=spec.short_name, partner=partner)
            for model, root in sections.items()
        ]
        workflow = _approval_workflow(
            f"Moderering – {spec.short_name}",
            f"Godkendelse – {spec.short_name}",
            [moderators, coordinators],
        )
        for folder in folders:
            _grant_pages(editors, folder, EDITOR_PAGE_PERMISSIONS)
            _grant_pages(moderators, folder, MODERATOR_PAGE_PERMISSIONS)
            _assign_workflow(folder, workflow)
        for group in (editors, moderators):
            _grant_collection(group, collection, MEDIA_EDIT_PERMISSIONS)
            _grant_collection(group, shared_collection, MEDIA_CHOOSE_PERMISSIONS)

    return {
        "home": home,
        "about": about,
        **{model.section_key: root for model, root in sections.items()},
    }
