"""The widget's script as partners' pages load it: the loader, the module under its content
hash, and what the module may and may not do."""

from __future__ import annotations

import gzip
import re

import pytest

from api.widget.assets import MODULE_PATH, widget_module

pytestmark = pytest.mark.django_db


def test_the_loader_imports_the_module_by_its_content_hash(client):
    response = client.get("/widget/v1.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "max-age=300" in response["Cache-Control"]
    digest = widget_module().digest
    assert response.content.decode() == f'import "./events.{digest}.js";\n'

    module = client.get(f"/widget/events.{digest}.js")
    assert module.status_code == 200
    assert module.content == MODULE_PATH.read_bytes()
    assert module["Cache-Control"] == "public, max-age=31536000, immutable"
    assert module["Access-Control-Allow-Origin"] == "*"
    assert module["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "path",
    ["/widget/events.0000000000000000.js", "/widget/events.js", "/widget/v2.js", "/widget/"],
)
def test_an_old_or_unknown_script_address_is_a_404(client, path):
    assert client.get(path).status_code == 404


def test_the_scripts_answer_head_and_refuse_writes(client):
    assert client.head("/widget/v1.js").status_code == 200
    assert client.post("/widget/v1.js").status_code == 405


def test_the_hash_changes_with_the_content():
    module = widget_module()
    assert re.fullmatch(r"[0-9a-f]{16}", module.digest)
    assert module.filename == f"events.{module.digest}.js"


def test_the_module_is_within_the_budget():
    """Issue 15: the widget's code ≤ 20 KB gzipped in all (moonshot 12 KB)."""
    assert len(gzip.compress(MODULE_PATH.read_bytes(), 9)) <= 20 * 1024


def test_the_module_inserts_no_html_but_the_sanitised_rich_text():
    """Text from the API goes in as text; the one innerHTML is the server-sanitised body."""
    source = MODULE_PATH.read_text()
    assert source.count(".innerHTML") == 1
    assert re.search(r"div\.innerHTML = v;", source)
    for forbidden in ("outerHTML", "insertAdjacentHTML", "document.write", "eval(", "Function("):
        assert forbidden not in source, forbidden
    # No inline styles a strict CSP would refuse: constructed stylesheets only.
    assert "adoptedStyleSheets" in source
    assert 'createElement("style")' not in source
