"""Danish demo content built from the centre's real facts; every function is idempotent."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from home.areas.membership import COORDINATORS_GROUP, SHARED_EDITORS_GROUP
from home.models.pages import KnowledgeIndexPage, KnowledgePage
from home.models.vocabulary import Audience, Partner, Topic
from home.provisioning.services import centre_setup
from home.text import danish_slugify

TOPICS = [
    ("Børneinddragelse", "Hvordan børn og unge inddrages i deres egen sag."),
    ("Anbringelse", "Børn og unge anbragt uden for hjemmet."),
    ("Sagsbehandling", "Kommunernes sagsbehandling efter barnets lov."),
    ("Børnesamtaler", "Samtaler med børn og unge i myndighedsarbejdet."),
    ("Tidlig indsats", "Samarbejdet mellem almenområdet og myndighed."),
]
AUDIENCES = [
    ("Ledere i myndighed", "ledere-i-myndighed"),
    ("Sagsbehandlere", "sagsbehandlere"),
    ("Skole", "skole"),
    ("Dagtilbud", "dagtilbud"),
    ("Sundhedspleje", "sundhedspleje"),
    ("PPR", "ppr"),
]
# (username, partner slug, role) – role "editor" or "moderator".
DEMO_USERS = [
    ("sst-redaktoer", "socialstyrelsen", "editor"),
    ("sst-moderator", "socialstyrelsen", "moderator"),
    ("vive-redaktoer", "vive", "editor"),
    ("vive-moderator", "vive", "moderator"),
    ("bv-redaktoer", "boerns-vilkaar", "editor"),
    ("bv-moderator", "boerns-vilkaar", "moderator"),
]
DEMO_PASSWORD = "demo"

HOME_INTRO = (
    "Videnscenter om børneinddragelse og udsatte børns liv er et videnscenter uden mure, "
    "drevet i fællesskab af Socialstyrelsen, VIVE og Børns Vilkår siden 2021."
)
ABOUT_PARAGRAPHS = [
    "<p>Videnscentret har to formål: at kommunerne reelt inddrager børn og unge på 0–23 år "
    "i deres egne sager, og at indsamle og formidle viden og forskning om udsatte børns liv.</p>",
    "<p>Centret tilbyder rådgivnings- og kompetenceforløb, konferencer, webinarer og "
    "vidensindsamlinger til ledere og medarbejdere i myndighed og på almenområdet: skole, "
    "dagtilbud, sundhedspleje og PPR.</p>",
    "<p>Aktiviteter for en hel medarbejdergruppe kræver ledelsesmæssig forankring.</p>",
]
KNOWLEDGE_ITEMS = [
    {
        "slug": "anbragte-unges-trivsel",
        "title": "Anbragte unges trivsel",
        "kind": "report",
        "authors": "VIVE",
        "year": 2020,
        "summary": "<p>Undersøgelse af trivslen blandt anbragte unge, herunder om de føler sig "
        "hørt i beslutninger om deres anbringelse.</p>",
        "finding": ("43 %", "af de anbragte unge følte sig ikke spurgt om, hvor de skulle bo."),
        "topics": ["Anbringelse", "Børneinddragelse"],
        "audiences": ["sagsbehandlere", "ledere-i-myndighed"],
    },
    {
        "slug": "udsatte-unges-inddragelse-i-kommunernes-sagsbehandling",
        "title": "Udsatte unges inddragelse i kommunernes sagsbehandling",
        "kind": "report",
        "authors": "VIVE",
        "year": 2020,
        "summary": "<p>Undersøgelse af, hvordan udsatte unge oplever at blive inddraget i "
        "kommunens sagsbehandling.</p>",
        "finding": (
            "28 %",
            "af de udsatte unge oplevede ingen indflydelse på, hvad kommunen besluttede om dem.",
        ),
        "topics": ["Sagsbehandling", "Børneinddragelse"],
        "audiences": ["sagsbehandlere"],
    },
]


def vocabulary_seed() -> None:
    for name, description in TOPICS:
        Topic.objects.get_or_create(
            slug=danish_slugify(name), defaults={"name": name, "description": description}
        )
    for name, slug in AUDIENCES:
        Audience.objects.get_or_create(slug=slug, defaults={"name": name})


def users_seed() -> None:
    """Demo logins, all with the password "demo"; refused outside dev and test settings."""
    if not getattr(settings, "SEED_DEMO_USERS", False):
        return
    User = get_user_model()
    admin, created = User.objects.get_or_create(
        username="admin",
        defaults={"is_superuser": True, "is_staff": True, "email": "admin@example.com"},
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save()
    for username, partner_slug, role in DEMO_USERS:
        partner = Partner.objects.get(slug=partner_slug)
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "email": f"{username}@example.com",
                "first_name": username.split("-")[0].upper(),
                "last_name": "Redaktør" if role == "editor" else "Moderator",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.groups.add(partner.editors_group if role == "editor" else partner.moderators_group)
        if partner.is_coordinator:
            shared = SHARED_EDITORS_GROUP if role == "editor" else COORDINATORS_GROUP
            user.groups.add(Group.objects.get(name=shared))


def _publish(page) -> None:
    page.save_revision().publish()


def pages_seed(tree: dict) -> None:
    home = tree["home"].specific
    if not home.intro:
        home.intro = HOME_INTRO
        _publish(home)
    about = tree["about"].specific
    if not about.body:
        about.intro = HOME_INTRO
        about.body = [("heading", {"text": "Formål", "level": "h2"})] + [
            ("paragraph", text) for text in ABOUT_PARAGRAPHS
        ]
        _publish(about)


def knowledge_seed() -> None:
    folder = KnowledgeIndexPage.objects.get(partner__slug="vive")
    for item in KNOWLEDGE_ITEMS:
        if KnowledgePage.objects.filter(slug=item["slug"]).exists():
            continue
        figure, statement = item["finding"]
        page = KnowledgePage(
            title=item["title"],
            slug=item["slug"],
            kind=item["kind"],
            authors=item["authors"],
            year=item["year"],
            summary=item["summary"],
            key_findings=[
                ("finding", {"figure": figure, "statement": statement, "source": item["title"]})
            ],
        )
        folder.add_child(instance=page)
        page.topics.set(Topic.objects.filter(name__in=item["topics"]))
        page.audiences.set(Audience.objects.filter(slug__in=item["audiences"]))
        _publish(page)


@transaction.atomic
def home_demo_seed() -> None:
    """The centre, its vocabulary, people, shared pages and knowledge items (the events app
    adds its events and sign-ups: ``events.demo.demo_seed``)."""
    tree = centre_setup()
    vocabulary_seed()
    users_seed()
    pages_seed(tree)
    knowledge_seed()
