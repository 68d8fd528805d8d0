"""An editor and a moderator on the everyday admin paths meet no English.

The test walks the admin as a partner's editor and moderator would during a day's work and
records every string the admin looks up for translation (gettext, ngettext, pgettext and
npgettext, including lazy strings and template tags). A string counts as untranslated when the
Danish catalogue (Django's, Wagtail's and the project's own in ``locale/da``) has no entry for
it, unless it is the project's own Danish source text. The rendered HTML, including the JSON
configuration Wagtail's JavaScript reads, is also scanned for Wagtail's English strings that
have no Danish translation, which catches strings looked up before the request began.

On failure the message lists every missing string as a ready-to-translate ``.po`` fragment;
paste it into ``locale/da/LC_MESSAGES/django.po``, translate, and compile (see the top of that
file). Set ``DANISH_ADMIN_MISSING_PO=<path>`` to also write the fragment to a file.

Every admin menu item the editor, the moderator and the coordinator see is visited too, so new
admin views (registrations, the centre's reports) join the walk by themselves; views without a
menu item go in ``EXTRA_ADMIN_URLS`` and are visited once they resolve.
"""

from __future__ import annotations

import ast
import json
import os
import re
from collections import defaultdict
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import django
import pytest
import wagtail
from django.conf import settings
from django.test import RequestFactory
from django.urls import NoReverseMatch, Resolver404, get_resolver, resolve, reverse
from django.utils import translation
from django.utils.translation import trans_real
from wagtail.admin.menu import SubmenuMenuItem, admin_menu
from wagtail.models import Page, WorkflowState
from wagtail.snippets.models import get_snippet_models

from events.mail.compose import EmailContext
from events.mail.services import email_write
from events.models import EmailKind, EventIndexPage
from home.models import KnowledgeIndexPage
from tests.events.conftest import build_event, edit_form_data

PROJECT_ROOT = Path(settings.BASE_DIR)
PROJECT_SOURCE_DIRS = ("home", "events", "api", "cms")

# Strings looked up that need no Danish entry: proper nouns, technical tokens, lookups whose
# result is never shown. Keep each with its reason.
# Strings in the rendered HTML that look like Wagtail's English but are not shown as such.
NOT_SHOWN_IN_HTML: dict[str, str] = {
    "None": "Wagtail's side panel toggle renders its error counter as 'None' in a hidden div; "
    "its JavaScript writes the number before showing it",
}

NEEDS_NO_TRANSLATION: dict[str, str] = {
    "Wagtail": "the product's name",
    "exact": "django-filter's verbose_lookup_expr looks it up as a dict.get default, then shows "
    "the empty label VERBOSE_LOOKUPS gives the 'exact' lookup",
}

# Every item of the admin menu (reports, snippets, the email log, registrations …) is visited
# for each role, so new admin views join the walk by themselves. Admin views without a menu
# item go here: (role, path), visited once the path resolves.
EXTRA_ADMIN_URLS: list[tuple[str, str]] = [
    ("moderator", "/admin/registrations/"),
    ("moderator", "/admin/applications/"),
    # The registrations' bulk actions' confirmation pages (nothing selected: the page as such).
    ("moderator", "/admin/bulk/events/registration/approve/"),
    ("moderator", "/admin/bulk/events/registration/cancel/"),
    ("moderator", "/admin/bulk/events/registration/attended/"),
    ("moderator", "/admin/bulk/events/registration/not_attended/"),
]


# --- catalogues -------------------------------------------------------------------------------

_PO_LINE = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+(".*")\s*$')


def parse_po(path: Path) -> list[dict]:
    """The entries of a .po file as dicts of msgctxt/msgid/msgid_plural/msgstr[...]."""
    entries: list[dict] = []
    entry: dict = {}
    key = None
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        complete = any(k.startswith("msgstr") for k in entry)
        if line.startswith("#"):
            if complete:
                entries.append(entry)
                entry = {}
            if line.startswith("#,") and "fuzzy" in line:
                entry["fuzzy"] = True
            continue
        if match := _PO_LINE.match(line):
            key = match[1]
            if key in ("msgctxt", "msgid") and complete:
                entries.append(entry)
                entry = {}
            entry[key] = ast.literal_eval(match[2])
        elif line.startswith('"') and key:
            entry[key] += ast.literal_eval(line)
    if "msgid" in entry:
        entries.append(entry)
    return entries


def _package_dir(module) -> Path:
    return Path(module.__file__).parent


@cache
def third_party_msgids() -> frozenset[str]:
    """Every msgid in Django's and Wagtail's English source catalogues."""
    msgids: set[str] = set()
    for package in (django, wagtail):
        for po in _package_dir(package).glob("**/locale/en/LC_MESSAGES/django.po"):
            for entry in parse_po(po):
                msgids.add(entry["msgid"])
                if "msgid_plural" in entry:
                    msgids.add(entry["msgid_plural"])
    msgids.discard("")
    return frozenset(msgids)


@cache
def project_strings() -> tuple[frozenset[str], str]:
    """The project's own string literals and template text, to recognise its Danish msgids.

    Python literals come from the syntax tree, so implicitly concatenated strings count whole.
    """
    literals: set[str] = set()
    templates: list[str] = []
    for folder in PROJECT_SOURCE_DIRS:
        for path in sorted((PROJECT_ROOT / folder).rglob("*")):
            if "migrations" in path.parts:
                continue
            if path.suffix == ".py":
                tree = ast.parse(path.read_text(encoding="utf-8"))
                literals.update(
                    node.value
                    for node in ast.walk(tree)
                    if isinstance(node, ast.Constant) and isinstance(node.value, str)
                )
            elif path.suffix in (".html", ".txt"):
                templates.append(path.read_text(encoding="utf-8"))
    return frozenset(literals), "\n".join(templates)


def is_project_string(msgid: str) -> bool:
    literals, templates = project_strings()
    return msgid in literals or msgid in templates


def danish_catalog():
    return trans_real.translation("da")._catalog


def has_letters(text: str) -> bool:
    stripped = re.sub(r"%\(\w+\)[sdifr]|%[sdifr]|\{\w*\}", "", text)
    return any(ch.isalpha() for ch in stripped)


# --- recording lookups ------------------------------------------------------------------------


class Lookups:
    """Records every translation lookup made in Danish, and the URL it was made for."""

    def __init__(self) -> None:
        self.seen: dict[tuple[str | None, str, str | None], str] = {}
        self.url = ""

    def record(self, context: str | None, msgid: str, plural: str | None = None) -> None:
        if translation.get_language() == "da" and isinstance(msgid, str):
            self.seen.setdefault((context, msgid, plural), self.url)

    def install(self, monkeypatch) -> None:
        trans = translation._trans
        real = {
            name: getattr(trans, name) for name in ("gettext", "ngettext", "pgettext", "npgettext")
        }

        def gettext(message):
            self.record(None, message)
            return real["gettext"](message)

        def ngettext(singular, plural, number):
            self.record(None, singular, plural)
            return real["ngettext"](singular, plural, number)

        def pgettext(context, message):
            self.record(context, message)
            return real["pgettext"](context, message)

        def npgettext(context, singular, plural, number):
            self.record(context, singular, plural)
            return real["npgettext"](context, singular, plural, number)

        for name, function in (
            ("gettext", gettext),
            ("ngettext", ngettext),
            ("pgettext", pgettext),
            ("npgettext", npgettext),
        ):
            monkeypatch.setattr(trans, name, function)

    def untranslated(self) -> dict[tuple[str | None, str, str | None], str]:
        catalog = danish_catalog()
        foreign = third_party_msgids()
        missing = {}
        for (context, msgid, plural), url in self.seen.items():
            msgid_norm = msgid.replace("\r\n", "\n")
            key = msgid_norm if context is None else f"{context}\x04{msgid_norm}"
            if (key if plural is None else (key, 0)) in catalog:
                continue
            if not has_letters(msgid) or msgid in NEEDS_NO_TRANSLATION:
                continue
            if msgid not in foreign and is_project_string(msgid):
                continue  # the project's own string, written in Danish
            missing[(context, msgid, plural)] = url
        return missing


# --- scanning the HTML ------------------------------------------------------------------------

TEXT_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "aria-description"}


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skip = 0
        self._json = False

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
            self._json = tag == "script" and ("type", "application/json") in attrs
        for name, value in attrs:
            if not value:
                continue
            if name in TEXT_ATTRIBUTES:
                self.texts.append(value)
            elif name.startswith("data-") and value[:1] in "[{":
                self._add_json(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
            self._json = False

    def handle_data(self, data):
        if self._json:
            self._add_json(data)
        elif not self._skip:
            self.texts.append(data)

    def _add_json(self, raw: str) -> None:
        try:
            value = json.loads(raw)
        except ValueError:
            return
        stack = [value]
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                if not re.fullmatch(r"[a-z0-9_.:-]*", item):  # not an identifier ("images")
                    self.texts.append(item)
            elif isinstance(item, dict):
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)


@cache
def wagtail_english() -> frozenset[str]:
    """Wagtail's English strings that read differently in Danish (or have no Danish yet).

    Seeing one of them in a Danish page means it went untranslated: no Danish entry, looked up
    before the language was set, or written into a template without a translation tag.
    """
    catalog = danish_catalog()
    english = set()
    for po in _package_dir(wagtail).glob("**/locale/en/LC_MESSAGES/django.po"):
        for entry in parse_po(po):
            msgid = entry["msgid"]
            if "msgid_plural" in entry or "%" in msgid or "{" in msgid or not has_letters(msgid):
                continue
            key = msgid if "msgctxt" not in entry else f"{entry['msgctxt']}\x04{msgid}"
            if catalog.get(key) == msgid or msgid in NEEDS_NO_TRANSLATION | NOT_SHOWN_IN_HTML:
                continue
            if not is_project_string(msgid):  # the project's Danish "Form", "Start" …
                english.add(msgid)
    return frozenset(english)


def english_in_html(html: str) -> set[str]:
    """Wagtail's English strings that appear as visible text, labels or JS data."""
    collector = _TextCollector()
    collector.feed(html)
    english = wagtail_english()
    long_english = [m for m in english if len(m.split()) >= 3]
    found = set()
    for text in collector.texts:
        text = " ".join(text.split())
        if not text:
            continue
        if text in english:
            found.add(text)
        found.update(m for m in long_english if m in text)
    return found


# --- the walk ---------------------------------------------------------------------------------


class Walk:
    def __init__(self, client, lookups: Lookups) -> None:
        self.client = client
        self.lookups = lookups
        self.html_english: dict[str, str] = {}
        self.visited: list[str] = []

    def _check(self, url: str, response, expected_error: int | None = None) -> None:
        if expected_error is None:
            assert response.status_code < 400, f"{url} answered {response.status_code}"
        landed = response.request["PATH_INFO"]
        assert url == landed or not landed.startswith("/admin/login/"), f"{url} denied"
        self.visited.append(url)
        content_type = response.get("Content-Type", "")
        if "html" in content_type or "json" in content_type:
            body = response.content.decode()
            if "json" in content_type:
                body = "".join(_json_html(json.loads(body)))
            for text in english_in_html(body):
                self.html_english.setdefault(text, url)

    def get(self, url: str, **params):
        self.lookups.url = url
        response = self.client.get(url, params, follow=True)
        self._check(url, response)
        return response

    def post(self, url: str, data: dict):
        self.lookups.url = url
        response = self.client.post(url, data, follow=True)
        self._check(url, response)
        return response

    def get_if_allowed(self, url: str):
        """Visit a view the role may or may not have; a denial is not a failure."""
        self.lookups.url = url
        response = self.client.get(url)
        if response.status_code == 200:
            self._check(url, response)
        return response.status_code

    def get_error(self, url: str, status: int):
        """Visit a URL that answers with an error page, and read that page."""
        self.lookups.url = url
        response = self.client.get(url, follow=True)
        assert response.status_code == status, f"{url} answered {response.status_code}"
        self._check(url, response, expected_error=status)
        return response


def _json_html(value) -> list[str]:
    """HTML fragments inside a JSON response (Wagtail's modal responses)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _json_html(v)]
    if isinstance(value, list):
        return [s for v in value for s in _json_html(v)]
    return []


def _resolves(url: str) -> bool:
    try:
        match = resolve(url)
    except Resolver404:
        return False
    return match.url_name not in (None, "wagtail_serve")


def menu_urls(user) -> list[str]:
    """The URLs of every admin menu item (and submenu item) the user sees."""
    request = RequestFactory().get("/admin/")
    request.user = user
    urls: list[str] = []

    def collect(menu) -> None:
        for item in menu.menu_items_for_request(request):
            if isinstance(item, SubmenuMenuItem):
                collect(item.menu)
            elif item.url.startswith("/admin/"):
                urls.append(item.url)

    collect(admin_menu)
    return urls


def knowledge_form(page, **changes) -> dict:
    data = {
        "title": page.title,
        "slug": page.slug,
        "kind": page.kind,
        "year": str(page.year),
        "key_findings-count": "0",
        "documents-TOTAL_FORMS": "0",
        "documents-INITIAL_FORMS": "0",
        "documents-MIN_NUM_FORMS": "0",
        "documents-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


@pytest.fixture
def day(vive, bv, knowledge_page_of, image_of, document_of):
    """A partner's content as an editor finds it in the morning."""
    event = build_event(vive, title="Webinar om børnesamtaler")
    draft_event = build_event(vive, title="Kursus i børneinddragelse", publish=False)
    knowledge = knowledge_page_of(vive, title="Børns perspektiv på anbringelse")
    draft_knowledge = knowledge_page_of(vive, title="Udkast til vidensindsamling", live=False)
    email = email_write(
        kind=EmailKind.CONFIRMATION,
        to="deltager@kommune.dk",
        dedupe_key="confirmation:danish-admin",
        context=EmailContext(kind=EmailKind.CONFIRMATION, event=event),
    )
    return {
        "events": EventIndexPage.objects.get(partner=vive),
        "knowledge_folder": KnowledgeIndexPage.objects.get(partner=vive),
        "event": event,
        "draft_event": draft_event,
        "knowledge": knowledge,
        "draft_knowledge": draft_knowledge,
        "image": image_of(vive, title="Børnesamtale"),
        "document": document_of(vive, title="Notat om inddragelse"),
        "email": email,
        "other_partners_page": knowledge_page_of(bv, title="Børns Vilkårs udkast", live=False),
    }


def _failure_report(missing: dict, html_english: dict) -> str:
    by_url = defaultdict(list)
    for (context, msgid, plural), url in sorted(missing.items(), key=lambda i: i[0][1]):
        by_url[url].append((context, msgid, plural))
    lines = [f"{len(missing)} strings have no Danish translation:", ""]
    for url, entries in by_url.items():
        lines.append(f"# first seen on {url}")
        for context, msgid, plural in entries:
            if context is not None:
                lines.append(f"msgctxt {json.dumps(context, ensure_ascii=False)}")
            lines.append(f"msgid {json.dumps(msgid, ensure_ascii=False)}")
            if plural is None:
                lines.append('msgstr ""')
            else:
                lines.append(f"msgid_plural {json.dumps(plural, ensure_ascii=False)}")
                lines += ['msgstr[0] ""', 'msgstr[1] ""']
            lines.append("")
    if html_english:
        lines.append(f"{len(html_english)} English strings rendered in the admin's HTML:")
        lines += [f"  {text!r} on {url}" for text, url in sorted(html_english.items())]
    return "\n".join(lines)


def test_everyday_admin_paths_are_danish_throughout(
    client, monkeypatch, vive_editor, vive_moderator, coordinator, sst_editor, centre, day
):
    # Import every URL module first, so that import-time lookups of other parts (the API's
    # filter labels) are not mistaken for the admin's.
    get_resolver().reverse_dict  # noqa: B018
    lookups = Lookups()
    lookups.install(monkeypatch)
    walk = Walk(client, lookups)
    event, knowledge = day["event"], day["knowledge"]

    # --- signing in ---------------------------------------------------------------------------
    walk.get("/admin/login/")
    walk.get("/admin/password_reset/")

    # --- the partner's editor -----------------------------------------------------------------
    client.force_login(vive_editor)
    dashboard = walk.get("/admin/")
    assert '<html lang="da"' in dashboard.content.decode()
    walk.get(f"/admin/pages/{day['events'].pk}/")
    walk.get(f"/admin/pages/{day['knowledge_folder'].pk}/")
    walk.get(f"/admin/pages/add/events/eventpage/{day['events'].pk}/")
    walk.get(f"/admin/pages/add/home/knowledgepage/{day['knowledge_folder'].pk}/")
    walk.get(f"/admin/pages/{event.pk}/edit/")
    walk.get(f"/admin/pages/{knowledge.pk}/edit/")
    walk.get(f"/admin/pages/{event.pk}/history/")
    walk.get(f"/admin/pages/{event.pk}/revisions/compare/earliest...latest/")
    walk.get("/admin/pages/search/", q="børn")
    walk.get("/admin/pages/search/", q="zqxv")  # nothing found
    walk.get("/admin/choose-page/")
    walk.get(f"/admin/choose-page/{day['events'].pk}/")
    first_revision = event.revisions.order_by("pk").first()
    walk.get(f"/admin/pages/{event.pk}/revisions/{first_revision.pk}/revert/")
    # Another partner's page: turned away to the dashboard with a message.
    walk.get(f"/admin/pages/{day['other_partners_page'].pk}/edit/")
    walk.get_error("/admin/pages/999999/edit/", 404)
    walk.get("/admin/images/chooser/")
    walk.get("/admin/documents/chooser/")

    # Saving a draft, then submitting both kinds of page for moderation.
    walk.post(
        f"/admin/pages/{day['draft_knowledge'].pk}/edit/",
        knowledge_form(day["draft_knowledge"], title="Udkast til vidensindsamling, rettet"),
    )
    walk.post(
        f"/admin/pages/{day['draft_knowledge'].pk}/edit/",
        knowledge_form(day["draft_knowledge"], **{"action-submit": "submit"}),
    )
    walk.post(
        f"/admin/pages/{day['draft_event'].pk}/edit/",
        edit_form_data(day["draft_event"], **{"action-submit": "submit"}),
    )
    for page in (day["draft_event"], day["draft_knowledge"]):
        assert WorkflowState.objects.filter(
            object_id=str(page.pk), status=WorkflowState.STATUS_IN_PROGRESS
        ).exists(), f"{page.title} was not submitted for moderation"
    walk.get(f"/admin/pages/{day['draft_event'].pk}/edit/")
    walk.get(f"/admin/pages/{day['draft_event'].pk}/workflow_history/")
    submitted = WorkflowState.objects.get(object_id=str(day["draft_event"].pk))
    walk.get(f"/admin/pages/{day['draft_event'].pk}/workflow_history/detail/{submitted.pk}/")

    # A page that cannot be saved: the form comes back with its errors.
    invalid = walk.post(
        f"/admin/pages/add/home/knowledgepage/{day['knowledge_folder'].pk}/",
        knowledge_form(day["draft_knowledge"], title="", slug="ny-side"),
    )
    assert invalid.status_code == 200 and b'lang="da"' in invalid.content

    image, document = day["image"], day["document"]
    walk.get("/admin/images/")
    walk.get("/admin/images/multiple/add/")
    walk.get(f"/admin/images/{image.pk}/")
    walk.post(
        f"/admin/images/{image.pk}/",
        {"title": "Børnesamtale i praksis", "collection": image.collection_id, "tags": ""},
    )
    walk.get("/admin/documents/")
    walk.get("/admin/documents/multiple/add/")
    walk.get(f"/admin/documents/edit/{document.pk}/")
    walk.post(
        f"/admin/documents/edit/{document.pk}/",
        {"title": "Notat om inddragelse, 2. udgave", "collection": document.collection_id},
    )
    walk.get("/admin/account/")
    walk.get("/admin/e-mails/")
    walk.get(f"/admin/e-mails/inspect/{day['email'].pk}/")
    for url in (
        "/admin/reports/locked/",
        "/admin/reports/workflow/",
        "/admin/reports/workflow_tasks/",
        "/admin/reports/aging-pages/",
        "/admin/reports/site-history/",
    ):
        walk.get_if_allowed(url)

    # --- the partner's moderator --------------------------------------------------------------
    client.force_login(vive_moderator)
    walk.get("/admin/")  # "awaiting your review"
    walk.get("/admin/reports/workflow/")
    walk.get("/admin/reports/workflow_tasks/")
    walk.get_if_allowed("/admin/workflows/tasks/index/")
    state = WorkflowState.objects.get(
        object_id=str(day["draft_event"].pk), status=WorkflowState.STATUS_IN_PROGRESS
    )
    task_state = state.current_task_state
    walk.get(f"/admin/pages/{day['draft_event'].pk}/edit/")
    for action in ("approve", "reject"):
        walk.get(
            reverse(
                "wagtailadmin_pages:collect_workflow_action_data",
                args=(day["draft_event"].pk, action, task_state.pk),
            )
        )
    walk.post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=(day["draft_event"].pk, "approve", task_state.pk),
        ),
        {"comment": "Fint, udgiv det."},
    )
    assert Page.objects.get(pk=day["draft_event"].pk).live, "the moderator's approval failed"
    walk.get("/admin/")
    # Rejecting (requesting changes) on the knowledge draft.
    knowledge_state = WorkflowState.objects.get(
        object_id=str(day["draft_knowledge"].pk), status=WorkflowState.STATUS_IN_PROGRESS
    )
    walk.post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=(day["draft_knowledge"].pk, "reject", knowledge_state.current_task_state.pk),
        ),
        {"comment": "Tilføj årstal."},
    )
    knowledge_state.refresh_from_db()
    assert knowledge_state.status == WorkflowState.STATUS_NEEDS_CHANGES
    walk.get(f"/admin/pages/{day['draft_knowledge'].pk}/edit/")

    # Publishing directly, and scheduling a publication.
    walk.post(
        f"/admin/pages/{knowledge.pk}/edit/",
        knowledge_form(knowledge, title="Børns perspektiv, opdateret", **{"action-publish": "1"}),
    )
    walk.post(
        f"/admin/pages/{event.pk}/edit/",
        edit_form_data(event, go_live_at="2099-01-05 09:00", **{"action-publish": "publish"}),
    )
    assert Page.objects.get(pk=knowledge.pk).title == "Børns perspektiv, opdateret"
    scheduled = Page.objects.get(pk=event.pk).get_latest_revision()
    assert scheduled.approved_go_live_at is not None, "the publication was not scheduled"
    walk.get(f"/admin/pages/{event.pk}/history/")
    walk.get(f"/admin/pages/{event.pk}/revisions/{scheduled.pk}/unschedule/")
    walk.get(f"/admin/pages/{event.pk}/unpublish/")
    walk.post(f"/admin/pages/{knowledge.pk}/lock/", {"next": f"/admin/pages/{knowledge.pk}/edit/"})
    walk.get("/admin/reports/locked/")
    walk.post(
        f"/admin/pages/{knowledge.pk}/unlock/", {"next": f"/admin/pages/{knowledge.pk}/edit/"}
    )
    walk.get_if_allowed(f"/admin/pages/{event.pk}/delete/")
    walk.get_if_allowed(f"/admin/pages/{event.pk}/copy/")
    walk.get_if_allowed(f"/admin/pages/{event.pk}/move/")
    for action in ("publish", "unpublish", "move", "delete"):
        walk.get_if_allowed(
            f"/admin/bulk/wagtailcore/page/{action}/?id={knowledge.pk}&id={event.pk}"
            f"&next=/admin/pages/{day['events'].pk}/"
        )
    for app, model, pk in (
        ("wagtailimages", "image", day["image"].pk),
        ("wagtaildocs", "document", day["document"].pk),
    ):
        for action in ("add_tags", "add_to_collection", "delete"):
            walk.get_if_allowed(f"/admin/bulk/{app}/{model}/{action}/?id={pk}")
    walk.get("/admin/images/", q="zqxv")
    found = walk.get("/admin/images/", q=day["image"].title)  # "There is 1 match" in Danish
    assert "Der er 1 resultat" in found.content.decode()
    walk.get("/admin/documents/", q="zqxv")
    walk.get(f"/admin/e-mails/inspect/{day['email'].pk}/")

    # Snippets: the vocabulary, where the role may see it.
    walk.get_if_allowed("/admin/snippets/")
    for model in get_snippet_models():
        try:
            listing = reverse(model.snippet_viewset.get_url_name("list"))
        except NoReverseMatch:
            continue
        if walk.get_if_allowed(listing) == 200 and (first := model.objects.first()):
            walk.get_if_allowed(
                reverse(model.snippet_viewset.get_url_name("edit"), args=[first.pk])
            )

    # The shared pages, as Socialstyrelsen's shared-pages editor edits them.
    client.force_login(sst_editor)
    walk.get(f"/admin/pages/{centre['about'].pk}/edit/")
    walk.get(f"/admin/pages/{centre['home'].pk}/")

    for user in (vive_editor, vive_moderator, coordinator):
        client.force_login(user)
        for url in menu_urls(user):
            walk.get_if_allowed(url)
    for role, url in EXTRA_ADMIN_URLS:
        if _resolves(url):
            client.force_login(vive_moderator if role == "moderator" else vive_editor)
            walk.get(url)

    missing = lookups.untranslated()
    report = _failure_report(missing, walk.html_english)
    if target := os.environ.get("DANISH_ADMIN_MISSING_PO"):
        Path(target).write_text(report, encoding="utf-8")
    assert len(lookups.seen) > 500, "the walk looked up too few strings to be a real walk"
    assert not missing and not walk.html_english, report


def test_admin_javascript_catalogue_is_danish(client, vive_editor):
    """Every string of Wagtail's admin JavaScript has a Danish translation in /admin/jsi18n/."""
    client.force_login(vive_editor)
    body = client.get("/admin/jsi18n/").content.decode()
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});\n", body, re.S)[1])
    po = _package_dir(wagtail) / "admin/locale/en/LC_MESSAGES/djangojs.po"
    missing = []
    for entry in parse_po(po):
        msgid = entry["msgid"]
        if not msgid or not has_letters(msgid):
            continue
        key = msgid if "msgctxt" not in entry else f"{entry['msgctxt']}\x04{msgid}"
        if key not in catalog and msgid not in NEEDS_NO_TRANSLATION:
            missing.append(msgid)
    assert not missing, "No Danish in the admin's JavaScript catalogue for:\n" + "\n".join(
        sorted(missing)
    )


def test_compiled_catalogue_matches_the_po_file():
    """The committed .mo carries every translation of the .po, so no gettext tools are needed."""
    locale = PROJECT_ROOT / "locale/da/LC_MESSAGES"
    import gettext

    for domain in ("django", "djangojs"):
        with (locale / f"{domain}.mo").open("rb") as handle:
            compiled = gettext.GNUTranslations(handle)
        for entry in parse_po(locale / f"{domain}.po"):
            if not entry["msgid"] or entry.get("fuzzy"):
                continue
            context = entry.get("msgctxt")
            if "msgid_plural" in entry:
                for n, index in ((1, 0), (2, 1)):
                    expected = entry[f"msgstr[{index}]"]
                    args = (entry["msgid"], entry["msgid_plural"], n)
                    got = (
                        compiled.npgettext(context, *args) if context else compiled.ngettext(*args)
                    )
                    assert got == expected, f"{domain}.mo is stale: run `make messages`"
            else:
                got = (
                    compiled.pgettext(context, entry["msgid"])
                    if context
                    else compiled.gettext(entry["msgid"])
                )
                assert got == entry["msgstr"], f"{domain}.mo is stale for {entry['msgid']!r}"
