"""Databases for the persistence tests, SQLite or PostgreSQL alike: $NETS_DB emptied when set
(`make test-pg`), else a new SQLite file; and real database errors on a write (triggers)."""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlmodel import SQLModel

from node.config import DB_ENV
from node.db import Database
from node.db.engine import make_engine
from tests.forked import run_script

REFUSAL = "the record cannot be written"


def run_inside(helper: str, *args: str) -> subprocess.CompletedProcess[str]:
    """A kill-point helper script (crash_inside.py, move_inside.py) as a process of its own,
    forked from this one (tests/forked.py): it kills itself with -9 at a point of an action
    on a database (ARGS: the point, the database URL, ...)."""
    return run_script(Path(__file__).with_name(helper), *args, timeout=120)


def drop_everything(url: str) -> None:
    engine = make_engine(url)
    try:
        SQLModel.metadata.drop_all(engine)
    finally:
        engine.dispose()


@contextmanager
def fresh_database() -> Iterator[str]:
    """The URL of an empty database of its own (for each example of a hypothesis test, which
    shares one test's fixtures)."""
    url = os.environ.get(DB_ENV)
    if url:
        drop_everything(url)
        try:
            yield url
        finally:
            drop_everything(url)
        return
    with tempfile.TemporaryDirectory() as scratch:
        yield f"sqlite:///{Path(scratch) / 'nets.db'}"


def refuse(db: Database, name: str, table: str, event: str, when: str | None = None) -> None:
    """Trigger ``name``: every ``event`` (INSERT, UPDATE) on ``table`` (where ``when`` holds)
    fails in the database itself with REFUSAL, an IntegrityError on SQLite and PostgreSQL."""
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(
                text(
                    "CREATE OR REPLACE FUNCTION nets_refuse() RETURNS trigger LANGUAGE plpgsql AS "
                    f"$$ BEGIN RAISE EXCEPTION '{REFUSAL}' "
                    "USING ERRCODE = 'integrity_constraint_violation'; END $$"
                )
            )
            condition = f"WHEN ({when}) " if when else ""
            connection.execute(
                text(
                    f"CREATE TRIGGER {name} BEFORE {event} ON {table} FOR EACH ROW "
                    f"{condition}EXECUTE FUNCTION nets_refuse()"
                )
            )
        else:
            condition = f"WHEN {when} " if when else ""
            connection.execute(
                text(
                    f"CREATE TRIGGER {name} BEFORE {event} ON {table} {condition}"
                    f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
                )
            )


def allow(db: Database, name: str, table: str) -> None:
    """Drop trigger ``name`` of ``refuse``."""
    with db.engine.begin() as connection:
        on = f" ON {table}" if connection.dialect.name == "postgresql" else ""
        connection.execute(text(f"DROP TRIGGER {name}{on}"))
