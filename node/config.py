"""Node settings resolved from options, then environment, then defaults."""

from __future__ import annotations

import os

DEFAULT_DB_URL = "sqlite:///./nets.db"
DB_ENV = "NETS_DB"


def database_url(option: str | None = None) -> str:
    """The SQLAlchemy URL: --db, else $NETS_DB, else a SQLite file in the working directory."""
    return option or os.environ.get(DB_ENV) or DEFAULT_DB_URL
