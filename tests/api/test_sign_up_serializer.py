"""The sign-up serializer's shallow field copies: each serializer's fields are its own, the
class's declared fields stay unbound, and threads validating at once never see each other's."""

from __future__ import annotations

import threading

import pytest

from api.serializers.registrations import RegistrationCreateSerializer
from home.selectors import content_state
from tests.events.registrations import vocabulary  # noqa: F401

pytestmark = pytest.mark.usefixtures("vocabulary")


def _body(i: int, **fields) -> dict:
    return {
        "name": f"Deltager {i}",
        "email": f"deltager-{i}@kommune.example",
        "workplace": "Familieafdelingen",
        "municipality": "0101",
        "job_role": "sagsbehandlere",
        "consent": True,
        **fields,
    }


def test_each_serializer_binds_copies_of_its_own():
    first, second = RegistrationCreateSerializer(), RegistrationCreateSerializer()
    for name, field in first.fields.items():
        other = second.fields[name]
        assert field is not other
        assert field.parent is first and other.parent is second
        assert field.field_name == name
        declared = RegistrationCreateSerializer._declared_fields[name]
        assert declared is not field and declared.parent is None  # never bound


def test_messages_and_validators_are_as_declared():
    serializer = RegistrationCreateSerializer(data=_body(1, email="ikke-en-adresse", name=""))
    assert not serializer.is_valid()
    assert "E-mail: skriv en gyldig e-mailadresse." in serializer.errors["email"]
    assert serializer.errors["name"] == ["Navn: feltet skal udfyldes."]
    long_name = RegistrationCreateSerializer(data=_body(2, name="x" * 201))
    assert not long_name.is_valid()
    assert long_name.errors["name"] == ["Navn: højst 200 tegn."]


def test_threads_validating_at_once_each_get_their_own_answer():
    # As the view does: the vocabularies by the content version, read once (here, before the
    # threads, which share no database connection with the test's transaction).
    context = {"content_version": content_state().version}
    assert RegistrationCreateSerializer(data=_body(0), context=context).is_valid()
    results: dict[int, object] = {}
    barrier = threading.Barrier(8)

    def validate(i: int) -> None:
        body = _body(i) if i % 2 else _body(i, participants="mange")
        barrier.wait()
        for _ in range(50):
            serializer = RegistrationCreateSerializer(data=body, context=context)
            valid = serializer.is_valid()
            results[i] = serializer.validated_data["email"] if valid else serializer.errors
            if valid != bool(i % 2):
                results[i] = "mixed up"
                return

    threads = [threading.Thread(target=validate, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for i in range(8):
        if i % 2:
            assert results[i] == f"deltager-{i}@kommune.example"
        else:
            assert results[i] == {"participants": ["Deltagere: angiv et helt tal."]}
