"""A web process loads what the first request would before it serves one (cms/warm_up.py), and
starts even when the shared cache does not answer."""

from __future__ import annotations

from django.urls import get_resolver

from cms.warm_up import web_process_warm_up


def test_the_urlconf_and_the_reverse_maps_are_loaded():
    resolver = get_resolver()
    resolver._populated = False  # as in a process that has served nothing yet
    resolver._reverse_dict.clear()
    namespaces = [resolver.namespace_dict[name][1] for name in resolver.namespace_dict]
    for namespace in namespaces:
        namespace._populated = False
        namespace._reverse_dict.clear()

    web_process_warm_up()

    assert resolver._populated
    assert namespaces
    assert all(namespace._populated for namespace in namespaces)


def test_a_cache_that_does_not_answer_does_not_stop_the_process(settings, caplog):
    settings.CACHES = {  # Django's test signals give the cache handler the new setting
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }

    web_process_warm_up()

    assert "did not answer" in caplog.text


def test_what_cannot_be_loaded_does_not_stop_the_process(monkeypatch, caplog):
    def broken():
        raise ImportError("a view module that does not import")

    monkeypatch.setattr("django.urls.get_resolver", broken)

    web_process_warm_up()

    assert "without loading everything first" in caplog.text
