"""The permission matrix, for every admin view that lists, chooses, confirms or reports.

Each partner's editor and moderator opens every such view, Wagtail's and the project's, given
ids of every partner's objects where the view takes ids; the body may show their own partner's
drafts and secrets' titles but never another partner's draft, draft revision, private page,
image, document, webhook receiver or registrant, and never anyone's token or secret.
"""

from __future__ import annotations

import pytest

from tests.admin.conftest import PEOPLE, World, leaks


def _ids(world: World, attr: str) -> str:
    return "&".join(f"id={getattr(w, attr).pk}" for w in world.partners.values())


def _each(world: World, attr: str, template: str) -> list[str]:
    return [template.format(id=getattr(w, attr).pk) for w in world.partners.values()]


def _pages(world: World) -> str:
    return "&".join(
        f"id={getattr(w, attr).pk}"
        for w in world.partners.values()
        for attr in ("draft", "private", "revised", "draft_event", "live_event")
    )


VIEWS = {
    "dashboard": lambda w: ["/admin/"],
    "explorer": lambda w: [
        "/admin/pages/",
        f"/admin/pages/{w.home.pk}/",
        *_each(w, "folder", "/admin/pages/{id}/"),
        *_each(w, "folder", "/admin/pages/{id}/results/"),
        *_each(w, "events_folder", "/admin/pages/{id}/"),
        f"/admin/pages/{w.partners['vive'].folder.get_parent().pk}/",
        *_each(w, "draft", "/admin/pages/{id}/"),
        *_each(w, "revised", "/admin/pages/{id}/"),
    ],
    "explorer search": lambda w: [
        "/admin/pages/search/?q=HEMMELIG",
        "/admin/pages/search/results/?q=HEMMELIG",
        "/admin/pages/search/?q=Offentlig",
        "/admin/pages/search/results/?q=Offentlig",
    ],
    "admin api": lambda w: [
        f"/admin/api/main/pages/?child_of={w.home.pk}&for_explorer=1",
        *_each(w, "folder", "/admin/api/main/pages/?child_of={id}&for_explorer=1"),
        *_each(w, "folder", "/admin/api/main/pages/?child_of={id}"),
        *_each(w, "draft", "/admin/api/main/pages/{id}/"),
        *_each(w, "revised", "/admin/api/main/pages/{id}/"),
        "/admin/api/main/pages/?search=HEMMELIG",
        "/admin/api/main/images/",
        "/admin/api/main/documents/",
        *_each(w, "image", "/admin/api/main/images/{id}/"),
        *_each(w, "document", "/admin/api/main/documents/{id}/"),
    ],
    "page chooser": lambda w: [
        "/admin/choose-page/",
        f"/admin/choose-page/{w.home.pk}/",
        f"/admin/choose-page/{w.partners['vive'].folder.get_parent().pk}/",
        *_each(w, "folder", "/admin/choose-page/{id}/"),
        *_each(w, "folder", "/admin/choose-page/{id}/?page_type=home.knowledgepage"),
        *_each(w, "events_folder", "/admin/choose-page/{id}/?user_perms=move_to"),
        *_each(w, "draft", "/admin/choose-page/{id}/"),
        *_each(w, "revised", "/admin/choose-page/{id}/"),
        "/admin/choose-page/?page_type=home.knowledgepage",
        "/admin/choose-page/?page_type=events.eventpage",
        f"/admin/choose-page/chosen-multiple/?{_pages(w)}",
    ],
    "page chooser search": lambda w: [
        "/admin/choose-page/search/?q=HEMMELIG",
        "/admin/choose-page/search/?q=Offentlig",
        "/admin/choose-page/search/?q=Offentlig&page_type=home.knowledgepage",
        "/admin/choose-page/search/?q=HEMMELIG&page_type=events.eventpage",
    ],
    "choose parent": lambda w: [
        "/admin/pages/create/home/knowledgepage",
        "/admin/pages/create/events/eventpage",
    ],
    "page views by id": lambda w: (
        [
            url
            for attr in ("draft", "revised", "private")
            for template in (
                "/admin/pages/{id}/usage/",
                "/admin/pages/{id}/history/",
                "/admin/pages/{id}/revisions/",
                "/admin/pages/{id}/workflow_history/",
                "/admin/pages/{id}/move/",
                "/admin/pages/{id}/copy/",
                "/admin/pages/{id}/revisions/compare/live...latest/",
                "/admin/pages/{id}/revisions/compare/earliest...latest/",
            )
            for url in _each(w, attr, template)
        ]
        + [
            f"/admin/pages/{p.revised.pk}/revisions/{p.revised.latest_revision_id}/view/"
            for p in w.partners.values()
        ]
    ),
    "reports": lambda w: [
        "/admin/reports/locked/",
        "/admin/reports/locked/results/",
        "/admin/reports/workflow/",
        "/admin/reports/workflow/results/",
        "/admin/reports/workflow_tasks/",
        "/admin/reports/workflow_tasks/results/",
        "/admin/reports/site-history/",
        "/admin/reports/site-history/results/",
        "/admin/reports/aging-pages/",
        "/admin/reports/aging-pages/results/",
        "/admin/reports/page-types-usage/",
        "/admin/reports/page-types-usage/results/",
        "/admin/pages/usage/home/knowledgepage/",
        "/admin/pages/usage/home/knowledgepage/results/",
        "/admin/pages/usage/events/eventpage/",
        "/admin/pages/usage/events/eventpage/results/",
        "/admin/reports/locked/?export=csv",
        "/admin/reports/site-history/?export=csv",
        "/admin/reports/aging-pages/?export=csv",
    ],
    "reach reports": lambda w: [
        f"/admin/reports/reach/{dimension}/{suffix}"
        for dimension in ("municipality", "partner", "event-type", "month", "attendance")
        for suffix in ("", "?export=csv")
    ],
    "evaluation report": lambda w: [
        "/admin/reports/evaluations/",
        "/admin/reports/evaluations/?export=csv",
        *_each(w, "live_event", "/admin/reports/evaluations/?event={id}"),
        *_each(w, "draft_event", "/admin/reports/evaluations/results/?event={id}&export=csv"),
    ],
    "images": lambda w: [
        "/admin/images/",
        "/admin/images/?q=HEMMELIG",
        "/admin/images/results/?q=HEMMELIG",
        *_each(w, "image", "/admin/images/usage/{id}/"),
        "/admin/images/chooser/",
        "/admin/images/chooser/results/?q=HEMMELIG",
        *_each(w, "image", "/admin/images/chooser/chosen/{id}/"),
        *_each(w, "image", "/admin/images/chooser/{id}/select_format/"),
        f"/admin/images/chooser/chosen-multiple/?{_ids(w, 'image')}",
        *[f"/admin/images/?collection_id={p.partner.collection_id}" for p in w.partners.values()],
        "/admin/tag-autocomplete/?term=HEMMELIG",
        "/admin/tag-autocomplete/wagtailimages/image/?term=HEMMELIG",
        "/admin/tag-autocomplete/wagtaildocs/document/?term=HEMMELIG",
    ],
    "documents": lambda w: [
        "/admin/documents/",
        "/admin/documents/?q=HEMMELIG",
        "/admin/documents/results/?q=HEMMELIG",
        *_each(w, "document", "/admin/documents/usage/{id}/"),
        "/admin/documents/chooser/",
        "/admin/documents/chooser/results/?q=HEMMELIG",
        *_each(w, "document", "/admin/documents/chooser/chosen/{id}/"),
        f"/admin/documents/chooser/chosen-multiple/?{_ids(w, 'document')}",
    ],
    "bulk pages": lambda w: (
        [
            f"/admin/bulk/wagtailcore/page/{action}/?{_pages(w)}"
            for action in ("delete", "unpublish", "move", "publish")
        ]
        + _each(w, "folder", "/admin/bulk/wagtailcore/page/delete/?id=all&childOf={id}")
    ),
    "bulk images": lambda w: [
        f"/admin/bulk/wagtailimages/image/{action}/?{_ids(w, 'image')}"
        for action in ("delete", "add_to_collection", "add_tags")
    ],
    "bulk documents": lambda w: [
        f"/admin/bulk/wagtaildocs/document/{action}/?{_ids(w, 'document')}"
        for action in ("delete", "add_to_collection", "add_tags")
    ],
    "registrations": lambda w: [
        "/admin/registrations/",
        "/admin/registrations/?q=hemmelig",
        "/admin/registrations/?export=csv",
        "/admin/applications/",
        "/admin/applications/?export=csv",
        *_each(w, "registration", "/admin/registrations/inspect/{id}/"),
        *_each(w, "application", "/admin/applications/inspect/{id}/"),
        *[
            f"/admin/bulk/events/registration/{action}/?{_ids(w, 'registration')}"
            for action in ("approve", "decline", "cancel", "attended", "not_attended")
        ],
    ],
    "snippets": lambda w: (
        [
            url
            for model in ("topic", "audience", "municipality", "partner")
            for url in (
                f"/admin/snippets/home/{model}/",
                f"/admin/snippets/choose/home/{model}/",
            )
        ]
        + [f"/admin/snippets/home/partner/usage/{p.partner.pk}/" for p in w.partners.values()]
        + [
            f"/admin/snippets/choose/home/partner/chosen/{p.partner.pk}/"
            for p in w.partners.values()
        ]
    ),
    # Writing to an event's registrants: the compose page of every partner's event.
    "messages": lambda w: [
        *_each(w, "live_event", "/admin/beskeder/{id}/"),
        *_each(w, "draft_event", "/admin/beskeder/{id}/"),
    ],
    "email log": lambda w: [
        "/admin/e-mails/",
        "/admin/e-mails/?q=hemmelig",
        *[f"/admin/e-mails/inspect/{pk}/" for pk in w.email_ids],
        *[f"/admin/e-mails/resend/{pk}/" for pk in w.email_ids],
    ],
    "webhooks": lambda w: [
        "/admin/webhooks/modtagere/",
        "/admin/webhooks/modtagere/?q=HEMMELIG",
        *_each(w, "endpoint", "/admin/webhooks/modtagere/inspect/{id}/"),
        "/admin/webhooks/log/",
        "/admin/webhooks/log/results/",
        *_each(w, "delivery", "/admin/webhooks/log/inspect/{id}/"),
        *_each(w, "endpoint", "/admin/webhooks/log/?endpoint={id}"),
    ],
    # The widget's code: any partner named in the address, the user's own code only.
    "widget": lambda w: [
        "/admin/widget/",
        *[f"/admin/widget/?partner={slug}" for slug in w.partners],
        *[f"/admin/widget/results/?partner={slug}&type=webinar" for slug in w.partners],
    ],
    # The coordinators' own forms: the secret was shown once, when it was made.
    "webhook forms": lambda w: [
        "/admin/webhooks/modtagere/new/",
        *_each(w, "endpoint", "/admin/webhooks/modtagere/edit/{id}/"),
        *_each(w, "endpoint", "/admin/webhooks/modtagere/history/{id}/"),
        *_each(w, "endpoint", "/admin/webhooks/modtagere/rotate/{id}/"),
        *_each(w, "endpoint", "/admin/webhooks/modtagere/secret/{id}/"),
        *_each(w, "delivery", "/admin/webhooks/log/resend/{id}/"),
    ],
}


def _body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def _visit(client, world: World, key: str, views: list[str]) -> list[str]:
    client.force_login(world.user(key))
    wrong = []
    for name in views:
        for url in VIEWS[name](world):
            response = client.get(url)
            if response.status_code >= 500:
                wrong.append(f"{url}: {response.status_code}")
                continue
            found = leaks(_body(response), world, key)
            if found:
                wrong.append(f"{url}: {', '.join(found)}")
    return wrong


@pytest.mark.parametrize("view", list(VIEWS))
@pytest.mark.parametrize("key", PEOPLE)
def test_admin_view_shows_nothing_of_other_partners(client, w, key, view):
    wrong = _visit(client, w, key, [view])
    assert not wrong, f"{key} sees in {view}:\n" + "\n".join(wrong)


# The coordinators see every partner's work, but no token or secret either.
COORDINATOR_VIEWS = [
    "dashboard",
    "reports",
    "registrations",
    "email log",
    "webhooks",
    "webhook forms",
]


@pytest.mark.parametrize("view", COORDINATOR_VIEWS)
def test_coordinator_sees_no_token_or_secret(client, w, view):
    wrong = _visit(client, w, "coordinator", [view])
    assert not wrong, f"the coordinator sees in {view}:\n" + "\n".join(wrong)
