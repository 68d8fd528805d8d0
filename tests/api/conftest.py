import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from home.demo import knowledge_seed, vocabulary_seed


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def knowledge(centre):
    vocabulary_seed()
    knowledge_seed()


from tests.events.conftest import event_of  # noqa: E402, F401  (events built as editors build them)
