"""The rule of a partner's area: inside it (the pages and collections a user's groups hold
permissions on) people see everything, drafts included; elsewhere only live, public pages, by
their live title, and no image or document at all. The admin's scoped views
(``home/areas/scoping.py``), the page forms and the editor's rich text all ask it.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.permissions import policy_registry

from home.visibility import public_pages

PAGE_ACTIONS = ("add", "change", "publish", "lock", "unlock")


MEDIA_ACTIONS = ("add", "change", "choose")


page_policy = PagePermissionPolicy()


def pages_in_area(user) -> QuerySet[Page]:
    """The pages a user's groups hold a permission on, and everything below them."""
    return page_policy.instances_user_has_any_permission_for(user, PAGE_ACTIONS)


def media_in_area(user, model) -> QuerySet:
    """The images or documents of the collections a user's groups hold a permission on."""
    policy = policy_registry.get_by_type(model)
    return policy.instances_user_has_any_permission_for(user, MEDIA_ACTIONS)


def chooser_pages_q(user) -> Q:
    """Pages a chooser may offer: the user's area and the way down to it, and elsewhere only
    live, public, unexpired pages (a call to action may link another partner's published
    page)."""
    explorable = page_policy.explorable_instances(user).values("pk")
    # The API's own rule of what is public, so a chooser offers what a link can resolve to.
    public = public_pages(Page.objects.all()).values("pk")
    return Q(pk__in=explorable) | Q(pk__in=public)


def visible_pages_q(user) -> Q:
    """Pages a user may link to and learn the title and address of: their own area (drafts
    included) and elsewhere only live, public, unexpired pages."""
    area = pages_in_area(user).values("pk")
    public = public_pages(Page.objects.all()).values("pk")
    return Q(pk__in=area) | Q(pk__in=public)


#: What names another partner's page that is not live and public: never its title.
OUTSIDE_AREA_TITLE = _("Side uden for dit område")


def _wagtail_title(page: Page) -> str:
    # Wagtail's own admin title (``Page.get_admin_display_title``), asked of no rule.
    return page.draft_title or page.title


class AdminTitles:
    """The admin title rule of one request (``home.areas.titles``): inside the user's area the
    draft title, as Wagtail shows it; elsewhere the live title of a live, public page (read from
    the database, so a page built from a newer revision still shows its published title) and
    otherwise a neutral placeholder. The title of a newer, unpublished revision is as private
    as a draft. Each page outside the area is looked up once per request."""

    def __init__(self, request=None, user=None):
        self._request = request
        self._user = user
        self._public_titles: dict[int, str | None] = {}

    @property
    def user(self):
        if self._user is None and self._request is not None:
            return getattr(self._request, "user", None)
        return self._user

    def __call__(self, page: Page, draft_title: str) -> str:
        user = self.user
        if user is None:
            return draft_title
        if page.pk is None or page_policy.user_has_any_permission_for_instance(
            user, PAGE_ACTIONS, page
        ):
            return draft_title
        if page.pk not in self._public_titles:
            public = public_pages(Page.objects.filter(pk=page.pk))
            self._public_titles[page.pk] = public.values_list("title", flat=True).first()
        return self._public_titles[page.pk] or str(OUTSIDE_AREA_TITLE)


def page_title_for(user, page: Page) -> str:
    """The title of ``page`` as ``user`` may read it (``AdminTitles``); with no user, Wagtail's."""
    return AdminTitles(user=user)(page, _wagtail_title(page))
