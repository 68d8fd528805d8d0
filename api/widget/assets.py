"""The widget's script as served: its bytes and the content hash in its address.

Partners paste ``/widget/v1.js``, a two-line loader kept for minutes; it imports the module
under its content hash (``/widget/events.<hash>.js``), kept for a year. A deploy that changes
the module changes the hash, so no browser or CDN keeps an old widget for longer than the
loader's few minutes. The hash is computed here, not by ``collectstatic``'s manifest, so the
address is the same in every environment (the test and dev storages keep no manifest).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

MODULE_PATH = Path(settings.BASE_DIR) / "static" / "widget" / "events.js"


@dataclass(frozen=True)
class WidgetModule:
    source: bytes
    digest: str

    @property
    def filename(self) -> str:
        return f"events.{self.digest}.js"


@cache
def widget_module() -> WidgetModule:
    """The module as deployed; read once per process (a deploy restarts the processes)."""
    source = MODULE_PATH.read_bytes()
    return WidgetModule(source=source, digest=hashlib.sha256(source).hexdigest()[:16])


def widget_loader_url() -> str:
    """What a partner pastes into ``<script type="module" src=…>``."""
    return f"{settings.BASE_URL}/widget/v1.js"
