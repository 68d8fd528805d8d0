"""OpenAPI schema hooks: the schema describes the public API only, not Wagtail's admin API."""


def public_api_only(endpoints, **kwargs):
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
