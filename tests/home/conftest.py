import pytest
from django.core.files.base import ContentFile
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from home.models import KnowledgeIndexPage, KnowledgePage


@pytest.fixture
def knowledge_page_of():
    def make(partner, title="Rapport", live=True) -> KnowledgePage:
        folder = KnowledgeIndexPage.objects.get(partner=partner)
        page = KnowledgePage(title=title, kind="report", year=2024, live=False)
        folder.add_child(instance=page)
        revision = page.save_revision()
        if live:
            revision.publish()
        page.refresh_from_db()
        return page

    return make


@pytest.fixture
def image_of():
    def make(partner, title="Privat billede") -> Image:
        return Image.objects.create(
            title=title, file=get_test_image_file(), collection=partner.collection
        )

    return make


@pytest.fixture
def document_of():
    def make(partner, title="Privat dokument") -> Document:
        document = Document(title=title, collection=partner.collection)
        document.file.save("notat.txt", ContentFile(b"fortroligt"), save=False)
        document.save()
        return document

    return make
