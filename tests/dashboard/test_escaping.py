"""Property: any league name and description (text a hostile database or league file could
hold) comes back from the page as the same text, and adds no element to the page."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from node.dashboard import Settings, Source, create_app
from node.db import open_database, repo
from node.db.engine import Database
from node.db.models import LeagueRow
from node.league.catalog import resolve_league

CHAIN = 31337
FRAGMENTS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "</td></tr>",
             "<!--", "]]>", "&amp;", "&lt;", '"', "'", "{{ 7 * 7 }}", "<b", "</", ">")  # fmt: skip
TEXT = (
    st.lists(
        st.one_of(
            st.sampled_from(FRAGMENTS),
            # the HTML parser normalises control characters: leave them out of the property
            st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12),
        ),
        min_size=1,
        max_size=6,
    )
    .map("".join)
    .filter(lambda s: s != "" and s.strip() == s)
)


class Cells(HTMLParser):
    """The text of every <td class="name"> and a count of every start tag."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.names: list[str] = []
        self.tags: dict[str, int] = {}
        self._in_name = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if tag == "td" and ("class", "name") in attrs:
            self._in_name = True
            self.names.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self._in_name = False

    def handle_data(self, data: str) -> None:
        if self._in_name:
            self.names[-1] += data


@pytest.fixture(scope="module")
def world() -> Iterator[tuple[Database, TestClient]]:
    db = open_database("sqlite://")
    repo.save_league(db, CHAIN, 1, resolve_league("demo"))
    try:
        yield db, TestClient(create_app(Settings(Source(db, CHAIN))))
    finally:
        db.close()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=TEXT, description=TEXT)
def test_any_text_renders_as_itself(
    world: tuple[Database, TestClient], name: str, description: str
) -> None:
    db, client = world
    with db.session() as session:
        row = session.get(LeagueRow, (CHAIN, 1))
        assert row is not None
        row.name = name
        row.definition_json = _with_description(row.definition_json, description)
        session.add(row)
    page = client.get("/")
    assert page.status_code == 200
    cells = Cells()
    cells.feed(page.text)
    assert cells.names == [name]
    assert description in _unescaped(page.text)
    assert cells.tags.get("script", 0) == 1  # the page's own dashboard.js, nothing more
    assert cells.tags.get("img", 0) == 0


def _with_description(definition_json: str, description: str) -> str:
    import json

    terms = json.loads(definition_json)
    terms["description"] = description
    return json.dumps(terms, sort_keys=True)


def _unescaped(page: str) -> str:
    from html import unescape

    return unescape(page)
