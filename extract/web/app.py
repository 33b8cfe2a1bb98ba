"""The review app (Starlette, served by uvicorn): a queue of a ledger's forms, flagged first; per form its
pages with every field's box, its failed checks, its fields and narratives; per field confirm, or correct
with a reason, the form's checks run again at once.

Safe by default: bound to 127.0.0.1 (``serve``); requests naming another host are refused (a page on
another site cannot reach the app through a DNS name of its own), a decision must come as JSON from the
app's own origin, every value is checked (a form id by its pattern, a page by the form's pages, a
correction by the field's type), and the only files served are the app's own assets and page images of
the ledger's cache, named from the ledger's data, never from the request.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

import regex
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from extract.errors import ExtractError
from extract.ingest.ledger import Ledger
from extract.ingest.review import decide
from extract.records.codec import from_dict, to_json
from extract.records.corrections import CorrectionError, StaleDecision, apply, open_flags, reviewed
from extract.settings import DEFAULT_SETTINGS, Settings
from extract.web.pages import PageCache, PageImage
from extract.web.queue import STATUSES, Filters, FormSummary, Queue, choices, neighbours
from extract.web.views import check_fields, form_view

FORM_ID = regex.compile(r"[0-9a-f]{16}p(?:0|[1-9][0-9]{0,5})")  # one id a form: p1, never p01
NUMBER = regex.compile(r"[0-9]{1,6}")  # ASCII digits only: "²".isdigit() is true, int("²") fails
READ_AT = regex.compile(r"[0-9]{1,12}(?:\.[0-9]{1,20})?(?:e[+-]?[0-9]{1,3})?")
PER_PAGE = 200
MAX_BODY = 64 * 1024
LIMITS = {"field": 200, "action": 10, "value": 2000, "reason": 2000, "read_at": 40}
ASSETS = {"app.css": "text/css; charset=utf-8", "app.js": "text/javascript; charset=utf-8"}
HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'none'; img-src 'self'; style-src 'self'; script-src 'self'; "
        b"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-store"),
]
T = TypeVar("T")


class SecurityHeaders:
    """Every response says: nothing from elsewhere, no framing, no sniffing, no caching of ledger data."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                known = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in HEADERS if k not in known]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, with_headers)


@dataclass
class Review:
    """The app's state: the ledger (one connection, used under a lock), the queue, the page cache."""

    ledger: Ledger
    reviewer: str
    settings: Settings
    queue: Queue
    pages: PageCache
    lock: threading.RLock

    @contextmanager
    def db(self) -> Iterator[Ledger]:
        with self.lock:
            yield self.ledger

    def forms(self, filters: Filters | None = None) -> list[FormSummary]:
        with self.db() as ledger:
            forms = self.queue.refresh(ledger)
        return [s for s in forms if s.matches(filters)] if filters else forms

    def record(self, fid: str) -> tuple[Any, Any, float | None] | None:
        """The form as read, with the decisions applied, and when its file was read; or None."""
        with self.db() as ledger, ledger.snapshot():  # the reading and its time from one state of the ledger
            read_at = ledger.read_at(fid)
            data = ledger.record(fid)
            if data is None:
                return None
            decisions = ledger.corrections(form_id=fid).get(fid, [])
        read = from_dict(data)
        return read, apply(read, decisions, self.queue.rules.get(read.template)), read_at

    def page(self, sha256: str, page: int) -> PageImage | str:
        def sources() -> list[Path]:
            with self.db() as ledger:
                return PageCache.sources(ledger, sha256)

        return self.pages.get(sha256, page, sources)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("extract.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    env.globals["urlencode"] = urlencode
    env.filters["fmt"] = _text
    return env


ENV = _env()


def _html(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(ENV.get_template(name).render(**context), status_code=status)


def _not_found(what: str) -> HTMLResponse:
    return _html("error.html", 404, message=what)


def _filters(request: Request) -> Filters | str:
    q = request.query_params
    year = q.get("year", "").strip()
    if year and not NUMBER.fullmatch(year):
        return f"year {year!r} is not a year"
    status = q.get("status", "").strip()
    if status and status not in STATUSES:
        return f"status {status!r}: one of {', '.join(STATUSES)}"
    return Filters(
        template=q.get("template", "").strip()[:100],
        region=q.get("region", "").strip()[:100],
        year=int(year) if year else None,
        check=q.get("check", "").strip()[:100],
        status=status,
        q=q.get("q", "").strip()[:200],
    )


def _start(request: Request) -> int:
    text = request.query_params.get("start", "0")
    return int(text) if NUMBER.fullmatch(text) else 0


async def _threaded(fn: Callable[..., T], *args: Any) -> T:
    return await run_in_threadpool(fn, *args)


class Handlers:
    """The app's pages and its one action, over the review state."""

    def __init__(self, state: Review, name: str) -> None:
        self.state = state
        self.name = name

    async def queue(self, request: Request) -> Response:
        filters = _filters(request)
        if isinstance(filters, str):
            return _html("error.html", 400, message=filters)
        every = await _threaded(self.state.forms)
        shown = [s for s in every if s.matches(filters)]
        start = min(_start(request), max(len(shown) - 1, 0))
        counts = {k: sum(1 for s in every if s.status == k) for k in STATUSES}
        return _html(
            "queue.html",
            ledger=self.name,
            reviewer=self.state.reviewer,
            forms=shown[start : start + PER_PAGE],
            total=len(shown),
            start=start,
            per_page=PER_PAGE,
            counts=counts,
            filters=filters,
            query=filters.query(),
            choices=choices(every),
            statuses=STATUSES,
        )

    async def form(self, request: Request) -> Response:
        fid = request.path_params["fid"]
        if not FORM_ID.fullmatch(fid):
            return _not_found("no such form")
        found = await _threaded(self.state.record, fid)
        if found is None:
            return _not_found("no such form")
        read, record, read_at = found
        pages = {}
        for n in record.source.form_pages:
            pages[n] = await _threaded(self.state.page, record.source.sha256, n)
        filters = _filters(request)
        filters = filters if isinstance(filters, Filters) else Filters()
        before, after = neighbours(await _threaded(self.state.forms, filters), fid)
        view = form_view(record, read)
        return _html(
            "form.html",
            ledger=self.name,
            reviewer=self.state.reviewer,
            fid=fid,
            view=view,
            record=record,
            pages=pages,
            clean=record.clean,
            reviewed=reviewed(record),
            check_fields=json.dumps(check_fields(record.checks), ensure_ascii=False),
            query=filters.query(),
            before=before,
            after=after,
            read_at="" if read_at is None else repr(read_at),
        )

    async def page_image(self, request: Request) -> Response:
        fid, page = request.path_params["fid"], request.path_params["page"]
        if not FORM_ID.fullmatch(fid):
            return _not_found("no such form")
        found = await _threaded(self.state.record, fid)
        if found is None or page not in found[0].source.form_pages:
            return _not_found("no such page")
        image = await _threaded(self.state.page, found[0].source.sha256, page)
        if isinstance(image, str):
            return _not_found(image)
        return FileResponse(image.path, media_type="image/png", headers={"cache-control": "private, max-age=3600"})

    async def record_json(self, request: Request) -> Response:
        fid = request.path_params["fid"]
        found = await _threaded(self.state.record, fid) if FORM_ID.fullmatch(fid) else None
        if found is None:
            return JSONResponse({"error": "no such form"}, status_code=404)
        return Response(to_json(found[1]), media_type="application/json; charset=utf-8")

    async def decision(self, request: Request) -> Response:
        fid = request.path_params["fid"]
        problem = _refuse(request)
        if problem:
            return JSONResponse({"error": problem[1]}, status_code=problem[0])
        body = await _body(request)
        if body is None:
            return JSONResponse({"error": f"larger than {MAX_BODY} bytes"}, status_code=413)
        asked = _decision_body(body)
        if isinstance(asked, str):
            return JSONResponse({"error": asked}, status_code=400)
        if not FORM_ID.fullmatch(fid):
            return JSONResponse({"error": "no such form"}, status_code=404)
        try:
            d = await _threaded(_decide, self.state, fid, asked)
        except StaleDecision as exc:
            return JSONResponse({"error": exc.message}, status_code=409)
        except CorrectionError as exc:
            status = 404 if "no such form" in exc.message else 400
            return JSONResponse({"error": exc.message}, status_code=status)
        except ExtractError as exc:
            return JSONResponse({"error": exc.message}, status_code=503)
        left = open_flags(d.after)
        c = d.correction
        return JSONResponse(
            {
                "form_id": fid,
                "field": c.field,
                "action": c.action,
                "old": _text(c.old),
                "new": _text(c.new),
                "reviewer": c.reviewer,
                "at": c.at,
                "changed": [{"check": k, "was": w, "now": n} for k, w, n in d.changed_checks()],
                "checks": {x.id: x.status for x in d.after.checks},
                "clean": d.after.clean,
                "reviewed": reviewed(d.after),
                "flags_left": left,
            }
        )

    async def asset(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name not in ASSETS:  # a fixed set, read from the package: no path from the request
            return _not_found("no such file")
        text = resources.files("extract.web").joinpath("assets", name).read_text(encoding="utf-8")
        return Response(text, media_type=ASSETS[name], headers={"cache-control": "no-cache"})


def make_app(
    db: Path,
    reviewer: str,
    settings: Settings = DEFAULT_SETTINGS,
    resolution: int = 150,
    hosts: list[str] | None = None,
) -> Starlette:
    """The app over the ledger ``db`` (which must exist: a mistyped path makes no new ledger)."""
    from extract.errors import LedgerError

    if not db.is_file():
        raise LedgerError("no such ledger", path=str(db))
    state = Review(
        ledger=Ledger(db, shared=True),
        reviewer=reviewer,
        settings=settings,
        queue=Queue(settings),
        pages=PageCache(db, resolution),
        lock=threading.RLock(),
    )
    h = Handlers(state, db.name)
    routes = [
        Route("/", h.queue),
        Route("/forms/{fid}", h.form),
        Route("/forms/{fid}/pages/{page:int}.png", h.page_image),
        Route("/forms/{fid}/record.json", h.record_json),
        Route("/forms/{fid}/decisions", h.decision, methods=["POST"]),
        Route("/assets/{name}", h.asset),
    ]
    allowed = sorted({"127.0.0.1", "localhost", "[::1]", "::1", *(hosts or [])})
    app = Starlette(
        routes=routes,
        middleware=[Middleware(SecurityHeaders), Middleware(TrustedHostMiddleware, allowed_hosts=allowed)],
        exception_handlers={404: _handler_404, 405: _handler_405},
    )
    app.state.review = state
    return app


async def _handler_404(request: Request, exc: Exception) -> Response:
    return _not_found("no such page")


async def _handler_405(request: Request, exc: Exception) -> Response:
    return _html("error.html", 405, message="method not allowed")


def _refuse(request: Request) -> tuple[int, str] | None:
    """A decision comes as JSON from the app's own pages: a form another site posts is refused."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json":
        return 415, "a decision is sent as application/json"
    origin = request.headers.get("origin")
    host = request.headers.get("host", "")
    if origin is not None and origin not in (f"http://{host}", f"https://{host}"):
        return 403, "a decision from another origin"
    return None


async def _body(request: Request) -> bytes | None:
    """The request's body, or None past ``MAX_BODY`` (never read whole into memory first)."""
    declared = request.headers.get("content-length", "")
    if declared and not (declared.isascii() and declared.isdigit() and int(declared[:12]) <= MAX_BODY):
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _text_value(data: dict[str, Any], key: str, limit: int) -> str | ValueError:
    value = data.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        return ValueError(f"{key} must be text")
    if len(value) > limit:
        return ValueError(f"{key} longer than {limit} characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return ValueError(f"{key} is not text (a lone surrogate)")
    return value


def _decision_body(body: bytes) -> dict[str, str] | str:
    """The decision a request asks for, every key checked; or why it is refused."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return "not JSON"
    if not isinstance(data, dict):
        return "a JSON object: field, action, value, reason"
    unknown = sorted(set(data) - set(LIMITS))
    if unknown:
        return f"unknown keys: {', '.join(unknown)}"
    out: dict[str, str] = {}
    for key, limit in LIMITS.items():
        value = _text_value(data, key, limit)
        if isinstance(value, ValueError):
            return str(value)
        out[key] = value
    if out["action"] not in ("confirm", "correct"):
        return "action: confirm or correct"
    if not out["field"]:
        return "which field?"
    if out["read_at"] and not READ_AT.fullmatch(out["read_at"]):
        return "read_at: when the form was shown, as the page gives it"
    return out


def _decide(state: Review, fid: str, asked: dict[str, str]) -> Any:
    with state.db() as ledger:
        return decide(
            ledger,
            fid,
            asked["field"],
            asked["action"],
            asked["value"] if asked["action"] == "correct" else None,
            asked["reason"],
            state.reviewer,
            state.settings,
            float(asked["read_at"]) if asked["read_at"] else None,
        )


def serve(app: Starlette, host: str, port: int, announce: Callable[[str], None]) -> None:
    """Serve ``app`` on ``host:port`` (port 0: a free one) until interrupted; ``announce`` gets the address."""
    import socket

    import uvicorn

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ExtractError(f"cannot listen on {host}:{port} ({exc.strerror or exc})", path="review") from None
    sock.listen(128)
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    announce(f"http://{shown}:{bound}/")
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
        app.state.review.ledger.close()
