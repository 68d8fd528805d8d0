from django.db import OperationalError


def test_healthz_reports_database_and_broker(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "broker": "ok"},
    }
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_503_when_the_broker_is_unreachable(client, db, settings):
    # A Redis broker on a port where nothing listens.
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "redis": "redis://127.0.0.1:1/0"}
    settings.Q_CLUSTER.pop("orm", None)
    from django_q import conf

    original = conf.Conf.REDIS, conf.Conf.ORM
    conf.Conf.REDIS, conf.Conf.ORM = "redis://127.0.0.1:1/0", None
    try:
        response = client.get("/healthz")
    finally:
        conf.Conf.REDIS, conf.Conf.ORM = original
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == "unreachable"


def test_healthz_is_503_when_the_database_is_unreachable(client, db, monkeypatch):
    from django.db import connection

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", refuse)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "unreachable"


def test_healthz_refuses_post(client, db):
    assert client.post("/healthz").status_code == 405
