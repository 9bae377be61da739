"""Node settings resolved from options, then environment, then defaults."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DB_URL = "sqlite:///./nets.db"
DB_ENV = "NETS_DB"


def database_url(option: str | None = None) -> str:
    """The SQLAlchemy URL: --db, else $NETS_DB, else a SQLite file in the working directory.
    A plain path (no ``scheme://``) means a SQLite file there."""
    return as_url(option or os.environ.get(DB_ENV) or DEFAULT_DB_URL)


def as_url(value: str) -> str:
    """``nets.db`` or ``~/x/nets.db`` -> ``sqlite:////abs/path``; a URL is left as it is."""
    if "://" in value:
        return value
    return "sqlite:///" + str(Path(value).expanduser().absolute())


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names (None: another database, or SQLite in memory)."""
    for prefix in ("sqlite:///", "sqlite+pysqlite:///"):
        if url.startswith(prefix):
            path = url.removeprefix(prefix).split("?", 1)[0]
            return None if path in ("", ":memory:") or "mode=memory" in url else Path(path)
    return None
