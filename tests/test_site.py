"""The documentation site: generated from the data, built strict, and read in a real browser."""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest
from conftest import CHECKOUT, TABLES

import pakrus

pytest.importorskip("mkdocs", reason="the documentation tools are not installed: pip install '.[test]'")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """Generate the pages (as `pakrus docs` does) and build the site with `mkdocs build --strict`."""
    from pakrus._docs import build

    shutil.rmtree(CHECKOUT / "docs" / "generated", ignore_errors=True)
    build(CHECKOUT / "docs" / "generated")
    out = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)],
        cwd=CHECKOUT,
        capture_output=True,
        text=True,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def _text(site: Path, page: str) -> str:
    return (site / page).read_text(encoding="utf-8")


# Drift: the site cannot disagree with the data


@pytest.mark.parametrize("table", TABLES)
def test_every_field_is_on_its_table_page(site, table):
    html = _text(site, f"generated/tables/{table}.html")
    for field in pakrus.schema(table)["fields"]:
        assert f'id="field-{field["name"].replace("_", "-")}"' in html, field["name"]
        for category in field.get("categories", []):
            assert f"<code>{category['value']}</code>" in html


def test_every_table_is_in_the_navigation():
    config = (CHECKOUT / "mkdocs.yml").read_text(encoding="utf-8")
    assert all(f"generated/tables/{table}.md" in config for table in TABLES)


def test_every_cli_command_is_in_the_reference(site):
    from pakrus._docs import _subcommands
    from pakrus.cli import _parser

    html = _text(site, "generated/reference.html")
    for command in _subcommands(_parser()):
        assert f"pakrus {command}" in html, command
    for name in pakrus.__all__:
        assert f"pakrus.{name}" in html or name.startswith("__"), name


def test_every_source_is_on_the_sources_page(site):
    html = _text(site, "generated/sources.html")
    assert all(source in html for source in pakrus.load("sources")["source_id"])


def test_every_disputed_record_is_on_the_disputes_page_with_its_rule(site):
    html = _text(site, "generated/disputes.html")
    for table, key in (("events", "event_id"), ("visits", "visit_id"), ("agreements", "agreement_id")):
        frame = pakrus.load(table)
        for record in frame.loc[frame["disputed"], key]:
            assert f"<code>{record}</code>" in html, record
    assert "not stated" not in html


def test_the_codebook_is_a_pure_function_of_the_schema():
    from pakrus._docs import codebook

    schema = {
        "title": "T",
        "fields": [
            {"name": "a_b", "type": "integer", "description": "d", "constraints": {"required": True, "minimum": 0}}
        ],
        "primaryKey": ["a_b"],
    }
    page = codebook(schema)
    assert page == codebook(schema)
    assert "{#field-a-b}" in page and "at least 0" in page and "not allowed (required)" in page


def test_the_built_site_loads_nothing_from_elsewhere(site):
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r'<(?:script|link|img)[^>]+(?:src|href)="(?:https?:)?//', html), page
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html


# In a real browser


@pytest.fixture(scope="session")
def server(site):
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM:
        pytest.skip("Chromium is not installed (Debian package chromium); .ci/run installs it")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.errors, page.elsewhere = [], []
    page.on("console", lambda msg: msg.type == "error" and page.errors.append(msg.text))
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))

    def route(request_route):
        if urlparse(request_route.request.url).hostname != "127.0.0.1":
            page.elsewhere.append(request_route.request.url)
            return request_route.abort()
        return request_route.continue_()

    page.route("**/*", route)
    yield page
    assert page.errors == [], "console errors"
    assert page.elsewhere == [], "requests that left 127.0.0.1"
    context.close()


@pytest.mark.parametrize("table", TABLES)
def test_table_page_renders_every_field(page, server, table):
    page.goto(f"{server}/generated/tables/{table}.html", wait_until="networkidle")
    text = page.inner_text("article")
    assert all(field["name"] in text for field in pakrus.schema(table)["fields"])


def test_search_finds_a_person_from_the_data(page, server):
    written = " ".join(p.read_text(encoding="utf-8") for p in (CHECKOUT / "docs").glob("*.md"))
    name = next(
        v.split()[-1] for v in pakrus.load("visits")["visitor"] if "(" not in v and v.split()[-1] not in written
    )
    page.goto(f"{server}/index.html", wait_until="networkidle")
    page.click("label.md-search__icon, .md-search__input", timeout=5000)
    page.locator("input.md-search__input").press_sequentially(name, delay=30)
    page.wait_for_selector(".md-search-result__item", timeout=10000)
    assert name in page.inner_text(".md-search-result")
    links = page.eval_on_selector_all(".md-search-result__item a", "links => links.map(a => a.href)")
    assert any("/generated/" in link for link in links), links


def test_every_figure_loads(page, server):
    page.goto(f"{server}/generated/figures.html", wait_until="networkidle")
    widths = page.eval_on_selector_all("article img", "imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)")
    assert len(widths) == 4 and all(w > 0 for w in widths)


def test_screenshots_for_people_to_look_at(page, server):
    shots = CHECKOUT / "screenshots"
    shots.mkdir(exist_ok=True)
    page.goto(f"{server}/index.html", wait_until="networkidle")
    page.screenshot(path=str(shots / "home.png"), full_page=True)
    page.goto(f"{server}/generated/tables/events.html", wait_until="networkidle")
    page.screenshot(path=str(shots / "table-events.png"), full_page=False)
    assert (shots / "home.png").stat().st_size > 0 and (shots / "table-events.png").stat().st_size > 0


def test_the_checks_page_shows_a_real_example_for_every_class(site):
    html = _text(site, "generated/checks.html")
    assert "problem was produced" not in html
    assert html.count("language-text") >= 8 or html.count("<pre") >= 8
    from pakrus._problems import CODES

    assert all(f"<code>{code}</code>" in html for code in CODES)
