"""What the Zoom and Graph clients share: one HTTP session with timeouts, the OAuth token
fetched once and kept in Django's cache, and one error type.

Interface (stable; ``zoom.py`` and ``graph.py`` build on it):

- ``PlatformError(platform, status, message, retry_after)``: every failure of a call. ``status``
  is the HTTP status, or None when the platform could not be reached; ``message`` is the
  platform's own message (never a secret: the client's secrets and tokens are scrubbed from it);
  ``retry_after`` is the seconds of a ``Retry-After`` header, if any. ``transient`` says whether a
  retry may help (no answer, 408, 425, 429, 5xx).
- ``PlatformClient``: subclasses set ``platform`` and implement ``_fetch_token() -> (token,
  expires_in)``; ``_call(method, url, json=…, params=…)`` returns the parsed JSON (or {}). A 401
  drops the cached token and tries once more with a fresh one.

Tokens are cached under a key per account and client id, for ``expires_in`` minus a margin, so
every process (the shared Redis in production) uses one token until shortly before it expires.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from django.conf import settings
from django.core.cache import cache

TOKEN_MARGIN_SECONDS = 120
TRANSIENT_STATUSES = frozenset({408, 425, 429})


class PlatformError(Exception):
    def __init__(
        self,
        *,
        platform: str,
        status: int | None,
        message: str,
        retry_after: float | None = None,
    ) -> None:
        self.platform = platform
        self.status = status
        self.message = message
        self.retry_after = retry_after
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"HTTP {self.status}" if self.status is not None else "intet svar"
        return f"{self.platform}: {where}: {self.message}"

    @property
    def transient(self) -> bool:
        return self.status is None or self.status in TRANSIENT_STATUSES or self.status >= 500

    @property
    def not_found(self) -> bool:
        return self.status == 404


def retry_after_seconds(value: str | None) -> float | None:
    """A Retry-After header: delta-seconds or an HTTP date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - datetime.now(UTC)).total_seconds(), 0.0)


def platform_message(response: requests.Response) -> str:
    """The platform's own words from an error answer (Zoom, Graph and both OAuth servers)."""
    try:
        body = response.json()
    except ValueError:
        return (response.text or response.reason or "")[:300]
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):  # Graph: {"error": {"code", "message"}}
            return str(error.get("message") or error.get("code") or "")[:500]
        for key in ("message", "error_description", "reason", "error"):
            if body.get(key):
                return str(body[key])[:500]
    return str(body)[:300]


class PlatformClient:
    platform = ""

    def __init__(self, account: Any, *, session: requests.Session | None = None) -> None:
        self.account = account
        self.http = session or requests.Session()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} account={getattr(self.account, 'pk', None)}>"

    # --- tokens ---------------------------------------------------------------------------

    def _fetch_token(self) -> tuple[str, int]:
        raise NotImplementedError

    def _token_key(self) -> str:
        ident = f"{self.platform}:{self.account.pk}:{self.account.client_id}"
        return "webinars:token:" + hashlib.sha256(ident.encode()).hexdigest()[:32]

    def token(self, *, fresh: bool = False) -> str:
        key = self._token_key()
        if not fresh:
            cached = cache.get(key)
            if cached:
                return str(cached)
        token, expires_in = self._fetch_token()
        cache.set(key, token, timeout=max(int(expires_in) - TOKEN_MARGIN_SECONDS, 1))
        return token

    def forget_token(self) -> None:
        cache.delete(self._token_key())

    # --- calls ----------------------------------------------------------------------------

    def _secrets(self) -> list[str]:
        secrets = []
        for name in ("client_secret", "webhook_secret"):
            try:
                value = getattr(self.account, name, "")
            except Exception:  # noqa: BLE001 - an unreadable secret is nothing to scrub
                value = ""
            if value:
                secrets.append(value)
        return secrets

    def _scrub(self, text: str, *extra: str) -> str:
        for secret in [*self._secrets(), *extra]:
            if secret and len(secret) >= 4:
                text = text.replace(secret, "***")
        return text

    def _error(self, response: requests.Response, *extra: str) -> PlatformError:
        return PlatformError(
            platform=self.platform,
            status=response.status_code,
            message=self._scrub(platform_message(response), *extra),
            retry_after=retry_after_seconds(response.headers.get("Retry-After")),
        )

    def _send(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        try:
            return self.http.request(method, url, timeout=settings.WEBINAR_HTTP_TIMEOUT, **kwargs)
        except requests.RequestException as exc:
            raise PlatformError(
                platform=self.platform,
                status=None,
                message=f"ingen forbindelse ({type(exc).__name__})",
            ) from None

    def _call(
        self,
        method: str,
        url: str,
        *,
        json: dict | None = None,
        params: dict | None = None,
    ) -> dict[str, Any]:
        for attempt in range(2):
            token = self.token(fresh=attempt > 0)
            response = self._send(
                method,
                url,
                json=json,
                params=params,
                headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            )
            if response.status_code == 401 and attempt == 0:
                self.forget_token()
                continue
            if response.status_code >= 400:
                raise self._error(response, token)
            if response.status_code == 204 or not response.content:
                return {}
            try:
                body = response.json()
            except ValueError:
                raise PlatformError(
                    platform=self.platform,
                    status=response.status_code,
                    message="svaret var ikke JSON",
                ) from None
            return body if isinstance(body, dict) else {"value": body}
        raise AssertionError("unreachable")  # pragma: no cover
