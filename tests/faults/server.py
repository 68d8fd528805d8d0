"""The real web server (gunicorn, as ``cms/gunicorn.conf.py`` runs it) on 127.0.0.1, for tests of
faults around it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from email.message import Message
from pathlib import Path

from tests.smtp import free_port

ROOT = Path(__file__).resolve().parents[2]


class WebServer:
    def __init__(self, *, env: dict[str, str], workers: int = 1, log: Path | None = None) -> None:
        """``log``: where the server's output goes (its access log, with WEB_ACCESS_LOG=1)."""
        self.port = free_port()
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cms.settings.test",
            "WEB_CONCURRENCY": str(workers),
            **env,
        }
        self.process: subprocess.Popen | None = None
        self.log = log

    def __enter__(self) -> WebServer:
        output = open(self.log, "ab") if self.log else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(  # noqa: S603 - our own server
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "cms/gunicorn.conf.py",
                "cms.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=output,
            stderr=output,
            start_new_session=True,
        )
        if self.log:
            output.close()  # the server has its own
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                self.get("/healthz")
                return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("the web server did not start")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)

    def request(
        self, method: str, path: str, body: bytes | None = None, **headers: str
    ) -> tuple[int, Message, bytes]:
        """Any request; the status, the headers (looked up in any case) and the body."""
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}", data=body, headers=headers, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def get(self, path: str, **headers: str) -> tuple[int, Message, bytes]:
        """The status, the headers (looked up in any case) and the body."""
        return self.request("GET", path, **headers)
