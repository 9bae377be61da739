"""The dashboard's web app (Starlette + Jinja2, autoescaped): read-only pages over the node's
database, the chain and a trace folder, and one Server-Sent Events stream that tells open pages
when the records changed, so they refresh their content without a reload.

Handlers are ``async`` and do their (short, synchronous) reads on the event loop: one thread
touches the database session factory and the chain adapter, which the memory chain needs.
"""

from __future__ import annotations

import asyncio
import hmac
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from node.dashboard import pages, replay, sims
from node.dashboard.pages import Source
from node.db import views
from node.sim.report.svg import bar_chart

PACKAGE = files("node.dashboard")
TOKEN_COOKIE = "nets_dashboard_token"
PAGE_ROWS = 100


@dataclass
class Settings:
    """What one dashboard serves."""

    source: Source
    traces: Path | None = None
    token: str | None = None
    poll_seconds: float = 1.0
    allowed_hosts: tuple[str, ...] | None = None
    """Host header values served (others get 400): on loopback, the loopback names, so that a
    web page elsewhere cannot read the dashboard through DNS rebinding. None: any."""


def _templates() -> Jinja2Templates:
    env = Environment(
        loader=FileSystemLoader(str(PACKAGE / "templates")),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    env.filters["hexs"] = pages.hexs
    env.filters["wei"] = lambda v: "-" if v is None else f"{int(v):,}"
    env.globals["bar_chart"] = _chart
    return Jinja2Templates(env=env)


def _chart(bars: list[tuple[str, int]], title: str, x_label: str) -> Any:
    from markupsafe import Markup

    return Markup(
        bar_chart([(label, [max(0, value)]) for label, value in bars], [title], title, x_label)
    )


class TokenGate(BaseHTTPMiddleware):
    """With a token: every request carries it (``?token=``, once; then a cookie) or gets 401."""

    def __init__(self, app: Any, token: str) -> None:
        super().__init__(app)
        self.token = token

    async def dispatch(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        given = request.query_params.get("token") or request.cookies.get(TOKEN_COOKIE) or ""
        if not hmac.compare_digest(given.encode(), self.token.encode()):
            return PlainTextResponse("this dashboard needs its token (?token=...)", 401)
        response = await call_next(request)
        if request.query_params.get("token"):
            response.set_cookie(TOKEN_COOKIE, self.token, httponly=True, samesite="strict")
        return response


def create_app(settings: Settings) -> Starlette:
    """The dashboard app for ``settings`` (tests drive it with Starlette's TestClient)."""
    templates = _templates()
    src = settings.source

    def page(request: Request, name: str, status: int = 200, **context: Any) -> Response:
        context.setdefault("live", True)
        context["marker"] = _marker(settings)
        context["has_traces"] = settings.traces is not None
        return templates.TemplateResponse(request, name, context, status_code=status)

    def missing(request: Request, what: str) -> Response:
        return page(request, "missing.html", 404, what=what, live=False)

    async def index(request: Request) -> Response:
        return page(request, "index.html", **pages.overview(src))

    async def league(request: Request) -> Response:
        league_id = int(request.path_params["league_id"])
        data = pages.league_page(src, league_id, _limit(request))
        if data is None:
            return missing(request, f"league {league_id}")
        return page(request, "league.html", league=data)

    async def round_(request: Request) -> Response:
        round_id = int(request.path_params["round_id"])
        data = pages.round_page(src, round_id, _limit(request))
        if data is None:
            return missing(request, f"round {round_id}")
        return page(request, "round.html", round=data)

    async def dispute(request: Request) -> Response:
        dispute_id = int(request.path_params["dispute_id"])
        data = pages.dispute_page(src, dispute_id)
        if data is None:
            return missing(request, f"dispute {dispute_id}")
        return page(request, "dispute.html", d=data)

    async def match(request: Request) -> Response:
        p = request.path_params
        try:
            data = replay.replay(
                src, int(p["round_id"]), int(p["agent_id"]), int(p["match"]), settings.traces
            )
        except replay.ReplayUnavailable as exc:
            return missing(request, str(exc))
        return page(request, "replay.html", r=data, live=False)

    async def sim_list(request: Request) -> Response:
        if settings.traces is None:
            return missing(request, "a trace folder (start the dashboard with --traces DIR)")
        found = sims.list_traces(settings.traces)
        return page(request, "sims.html", traces=found, folder=str(settings.traces))

    def load(name: str) -> sims.SimRun | str:
        assert settings.traces is not None
        path = sims.resolve(settings.traces, name)
        if path is None:
            return f"trace {name}"
        try:
            return sims.load_run(path, name)
        except sims.TraceError as exc:
            return str(exc)

    async def sim_view(request: Request) -> Response:
        if settings.traces is None:
            return missing(request, "a trace folder (start the dashboard with --traces DIR)")
        run = load(request.query_params.get("name", ""))
        if isinstance(run, str):
            return missing(request, run)
        return page(request, "sim.html", run=run, live=False)

    async def sim_compare(request: Request) -> Response:
        if settings.traces is None:
            return missing(request, "a trace folder (start the dashboard with --traces DIR)")
        runs = [load(request.query_params.get(key, "")) for key in ("a", "b")]
        for run in runs:
            if isinstance(run, str):
                return missing(request, run)
        pair = [r for r in runs if isinstance(r, sims.SimRun)]
        rows = [sims.summary(r) for r in pair]
        return page(request, "compare.html", runs=pair, rows=rows, live=False)

    async def marker(request: Request) -> Response:
        return JSONResponse({"marker": _marker(settings)})

    async def live(request: Request) -> Response:
        return StreamingResponse(
            _changes(request, settings),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store"},
        )

    routes = [
        Route("/", index),
        Route("/leagues/{league_id:int}", league),
        Route("/rounds/{round_id:int}", round_),
        Route("/disputes/{dispute_id:int}", dispute),
        Route("/replay/{round_id:int}/{agent_id:int}/{match:int}", match),
        Route("/sims", sim_list),
        Route("/sims/run", sim_view),
        Route("/sims/compare", sim_compare),
        Route("/api/marker", marker),
        Route("/live", live),
        Mount("/static", StaticFiles(directory=str(PACKAGE / "static")), name="static"),
    ]
    middleware = []
    if settings.allowed_hosts is not None:
        middleware.append(Middleware(TrustedHostMiddleware, allowed_hosts=settings.allowed_hosts))
    if settings.token:
        middleware.append(Middleware(TokenGate, token=settings.token))
    return Starlette(routes=routes, middleware=middleware)


def _limit(request: Request) -> int | None:
    """Rows of a long table shown: PAGE_ROWS unless ``?all=1`` (a league of 1,000 agents)."""
    return None if request.query_params.get("all") == "1" else PAGE_ROWS


def _marker(settings: Settings) -> str:
    """The database's change marker, and the chain's head when the dashboard has a chain."""
    src = settings.source
    head = "" if src.adapter is None else f"#{src.adapter.block_number()}"
    return views.change_marker(src.db) + head


async def _changes(request: Request, settings: Settings) -> AsyncIterator[str]:
    """One SSE message with the marker now, then one each time it changes."""
    last = None
    while not await request.is_disconnected():
        current = _marker(settings)
        if current != last:
            last = current
            yield f"data: {current}\n\n"
        await asyncio.sleep(settings.poll_seconds)
