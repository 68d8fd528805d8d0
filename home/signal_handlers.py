"""Record every public change in the change log, in the same transaction as the change."""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from home.models.changes import ContentChange
from home.models.vocabulary import Audience, Municipality, Partner, Topic
from home.visibility import public_pages

VOCABULARY_TYPES = {
    Partner: "partner",
    Topic: "topic",
    Audience: "audience",
    Municipality: "municipality",
}


def page_object_type(page: Page) -> str:
    """The API resource a page is served as."""
    name = page.specific_class.__name__ if page.specific_class else ""
    return {"EventPage": "event", "KnowledgePage": "knowledge"}.get(name, "page")


# Any number; one lock of the database's for all writers of the change log.
CHANGE_LOG_LOCK = 0x76696465  # "vide"


def change_record(*, object_type: str, object_id: int, action: str) -> ContentChange:
    """A row of the change log. Its id is the content version every GET reads (``MAX(id)``) and
    the cursor of ``/api/v1/changes/``, so ids must become visible in their order: were a
    higher id committed before a lower one, a request in between would cache the answer
    without the lower one's change under the version that includes it, and a consumer of the
    change feed would move past it for good. On PostgreSQL writers take turns from their
    insert to their commit (a transaction-level advisory lock); SQLite has one writer at a
    time anyway."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHANGE_LOG_LOCK])
        return ContentChange.objects.create(
            object_type=object_type, object_id=object_id, action=action
        )


def _is_public(page_id: int) -> bool:
    return public_pages(Page.objects.filter(pk=page_id)).exists()


def on_page_published(sender, instance, **kwargs):
    # A page behind a view restriction (its own or an ancestor's) is not public content: its
    # (re)publish is announced to no one. It left the public content with a tombstone when it
    # was made private (on_restriction_saved), and comes back when the restriction goes.
    if not _is_public(instance.pk):
        return
    change_record(object_type=page_object_type(instance), object_id=instance.pk, action="published")


def on_page_unpublished(sender, instance, **kwargs):
    change_record(
        object_type=page_object_type(instance), object_id=instance.pk, action="unpublished"
    )


def on_page_moved(sender, instance, **kwargs):
    if instance.live and _is_public(instance.pk):
        change_record(object_type=page_object_type(instance), object_id=instance.pk, action="moved")
        return
    # Moved into a private folder (or off the site): everything live below it leaves the public
    # content, as when a folder is made private. A folder that is not live may still hold live
    # pages (unpublished without its children): moved to another parent, they move with it,
    # into, within or out of the public content. Each page says what it became (a move that
    # wrote nothing left the content version, and every cache keyed on it, behind); one never
    # public says nothing. A reorder among the same siblings changes nothing public.
    before, after = kwargs.get("parent_page_before"), kwargs.get("parent_page_after")
    if before is not None and after is not None and before.pk == after.pk:
        return
    _subtree_moved(instance.pk)


# What a page became by a move, by whether it is public now and what the change log last said of
# it (None: never public). A page that was not public and still is not says nothing.
_MOVED_ACTION = {
    (True, "published"): "moved",
    (True, "moved"): "moved",
    (True, "changed"): "moved",
    (True, None): "published",
    (True, "unpublished"): "published",
    (False, "published"): "unpublished",
    (False, "moved"): "unpublished",
    (False, "changed"): "unpublished",
}


def _subtree_moved(page_id: int) -> None:
    pages = _live_subtree(page_id)
    subtree = list(pages)
    public = set(public_pages(pages).values_list("pk", flat=True))
    last: dict[tuple[str, int], str] = {}
    for object_type, object_id, action in (
        ContentChange.objects.filter(object_id__in=[page.pk for page in subtree])
        .order_by("id")
        .values_list("object_type", "object_id", "action")
    ):
        last[(object_type, object_id)] = action
    with transaction.atomic():
        for page in subtree:
            kind = page_object_type(page)
            action = _MOVED_ACTION.get((page.pk in public, last.get((kind, page.pk))))
            if action is not None:
                change_record(object_type=kind, object_id=page.pk, action=action)


def on_page_deleted(sender, instance, **kwargs):
    # Fires for the base Page row of every deleted page, whatever its type.
    change_record(object_type=page_object_type(instance), object_id=instance.pk, action="deleted")


def _live_subtree(page_id: int):
    page = Page.objects.filter(pk=page_id).first()
    if page is None:
        return Page.objects.none()
    return Page.objects.descendant_of(page, inclusive=True).live().select_related("content_type")


def on_restriction_saved(sender, instance, **kwargs):
    # A page made private takes everything below it out of the public content: for caches and
    # mirrors each of them is unpublished (a folder's events leave with the folder).
    for page in _live_subtree(instance.page_id):
        change_record(object_type=page_object_type(page), object_id=page.pk, action="unpublished")


def on_restriction_deleted(sender, instance, **kwargs):
    # Public again, unless another restriction above still holds them.
    for page in public_pages(_live_subtree(instance.page_id)):
        change_record(object_type=page_object_type(page), object_id=page.pk, action="published")


def on_vocabulary_saved(sender, instance, **kwargs):
    change_record(object_type=VOCABULARY_TYPES[sender], object_id=instance.pk, action="changed")


def on_vocabulary_deleted(sender, instance, **kwargs):
    change_record(object_type=VOCABULARY_TYPES[sender], object_id=instance.pk, action="deleted")


def on_site_saved(sender, instance, raw: bool = False, **kwargs):
    """A site's host, port, root page or default flag decides which pages are public and where
    (``home.visibility``): every answer may change, so the version moves on and the change
    feed says so (no webhook: a site is not a resource of the API)."""
    if not raw:
        change_record(object_type="site", object_id=instance.pk, action="changed")


def on_site_deleted(sender, instance, **kwargs):
    change_record(object_type="site", object_id=instance.pk, action="deleted")


def connect() -> None:
    page_published.connect(on_page_published, dispatch_uid="home_change_published")
    page_unpublished.connect(on_page_unpublished, dispatch_uid="home_change_unpublished")
    post_page_move.connect(on_page_moved, dispatch_uid="home_change_moved")
    post_delete.connect(on_page_deleted, sender=Page, dispatch_uid="home_change_deleted")
    post_save.connect(
        on_restriction_saved, sender=PageViewRestriction, dispatch_uid="home_restriction_saved"
    )
    post_delete.connect(
        on_restriction_deleted, sender=PageViewRestriction, dispatch_uid="home_restriction_deleted"
    )
    post_save.connect(on_site_saved, sender=Site, dispatch_uid="home_site_saved")
    post_delete.connect(on_site_deleted, sender=Site, dispatch_uid="home_site_deleted")
    for model in VOCABULARY_TYPES:
        post_save.connect(on_vocabulary_saved, sender=model, dispatch_uid=f"home_saved_{model}")
        post_delete.connect(
            on_vocabulary_deleted, sender=model, dispatch_uid=f"home_deleted_{model}"
        )
