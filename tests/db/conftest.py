"""The database under test: $NETS_DB when set (`make test-pg` points it at PostgreSQL), else a
SQLite file in a temp dir. Every test starts from an empty schema."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from node.config import DB_ENV
from node.db import Database, open_database
from tests.db.scratch import drop_everything


@pytest.fixture
def db_url(tmp_path: Path) -> Iterator[str]:
    url = os.environ.get(DB_ENV)
    if url:
        drop_everything(url)
        yield url
        drop_everything(url)
    else:
        yield f"sqlite:///{tmp_path / 'nets.db'}"


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = open_database(db_url)
    try:
        yield database
    finally:
        database.close()
