"""`nets dashboard`: serve the read-only web dashboard (node.dashboard) on a local port."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from node.cli.common import BadInput, console, json_option, print_json

if TYPE_CHECKING:
    from node.dashboard import Source

DEFAULT_PORT = 8750
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[")
"""Host headers a loopback dashboard answers (node.dashboard.app.Settings.allowed_hosts).
Starlette compares the part before the first ":", which for ``[::1]:8750`` is ``[``: an IPv6
literal, never a DNS name, so no rebinding can produce it."""


def is_loopback(host: str) -> bool:
    """localhost, 127.0.0.0/8 or ::1: what may serve without a token."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, token: str | None) -> None:
    """A non-loopback host is refused unless a token guards the pages (exit 2)."""
    if not is_loopback(host) and not token:
        raise BadInput(
            f"--host {host}: not a loopback address; the dashboard shows balances and agent "
            "code hashes to anyone who reaches it, so give --token SECRET to serve beyond this "
            "machine"
        )
    if token is not None and len(token) < 16:
        raise BadInput("--token: use at least 16 characters")


@click.command("dashboard")
@click.option(
    "--db",
    "db_url",
    default=None,
    help="Database URL (default $NETS_DB or sqlite:///./nets.db); it must exist.",
)
@click.option(
    "--chain",
    default=None,
    help="memory:FILE, memory:db, anvil URL or adapter name for balances, stakes and dispute "
    "deadlines (default $NETS_CHAIN; none: the database alone).",
)
@click.option(
    "--traces",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of simulator traces (nets-sim/1 or Nanda Town) and match traces.",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; a non-loopback one needs --token.",
)
@click.option(
    "--port",
    default=DEFAULT_PORT,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on.",
)
@click.option(
    "--token",
    default=None,
    envvar="NETS_DASHBOARD_TOKEN",
    help="Secret every request must carry (?token= once, then a cookie); required for a "
    "non-loopback --host. Default $NETS_DASHBOARD_TOKEN.",
)
@json_option
def dashboard_cmd(
    db_url: str | None,
    chain: str | None,
    traces: Path | None,
    host: str,
    port: int,
    token: str | None,
    as_json: bool,
) -> None:
    """Serve leagues, disputes, match replays and simulator runs as live web pages (read-only)."""
    check_bind(host, token)
    if traces is not None and not traces.is_dir():
        raise BadInput(f"--traces: no folder {traces}")
    with open_source(db_url, chain) as source:
        serve(source, traces=traces, host=host, port=port, token=token, as_json=as_json)


@contextmanager
def open_source(db_url: str | None, chain: str | None) -> Iterator[Source]:
    """The database (which must already exist: the dashboard never creates one) and, when
    --chain or $NETS_CHAIN names one, the chain."""
    from node.cli.chain_context import open_node
    from node.config import database_url
    from node.dashboard import Source
    from node.db import DatabaseError, open_database

    spec = chain or os.environ.get("NETS_CHAIN")
    if spec is not None and spec.strip() == "memory":
        raise BadInput(
            "--chain memory: that chain lives only inside the command that made it; "
            "use memory:FILE or memory:db (or run `nets demo --dashboard`)"
        )
    url = database_url(db_url)
    _refuse_missing_sqlite(url)
    if spec:
        with open_node(spec, url) as (adapter, db, _name):
            yield Source(db, adapter.chain_id, adapter)
        return
    try:
        db = open_database(url)
    except DatabaseError as exc:
        raise BadInput(f"--db: {exc}") from None
    try:
        yield Source(db, _chain_id(db))
    finally:
        db.close()


def _chain_id(db: object) -> int:
    from node.db import views
    from node.db.engine import Database

    assert isinstance(db, Database)
    found = views.chain_ids(db)
    return found[0] if found else 31337


def _refuse_missing_sqlite(url: str) -> None:
    from sqlalchemy.engine import make_url

    try:
        parsed = make_url(url)
    except Exception:
        return  # open_database names the problem
    name = parsed.database
    in_file = parsed.get_backend_name() == "sqlite" and name not in (None, "", ":memory:")
    if in_file and not Path(str(name)).is_file():
        raise BadInput(f"--db: no database at {name} (the dashboard only reads)")


def serve(
    source: Source,
    *,
    traces: Path | None,
    host: str,
    port: int,
    token: str | None,
    as_json: bool = False,
) -> None:
    """Run the app under uvicorn until interrupted; first the address (one JSON line with
    --json, for a program that starts the dashboard and opens it)."""
    import uvicorn

    from node.dashboard import Settings, create_app
    from node.dashboard.server import config

    allowed = (*LOOPBACK_NAMES, host) if is_loopback(host) else None
    app = create_app(Settings(source, traces=traces, token=token, allowed_hosts=allowed))
    shown = f"[{host}]" if ":" in host else host
    suffix = f"/?token={token}" if token else "/"
    url = f"http://{shown}:{port}{suffix}"
    if as_json:
        print_json({"url": url, "host": host, "port": port})
    else:
        console.print(f"dashboard on {url} (Ctrl-C stops it)", markup=False)
    try:
        uvicorn.Server(config(app, host, port)).run()
    except OSError as exc:
        raise BadInput(f"--port {port}: {exc.strerror or exc}") from None
