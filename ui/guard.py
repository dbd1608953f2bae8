"""An ASGI guard in front of Gradio that lets through only the chat's own routes and host names.

Gradio's advisories nearly all go through routes this app never uses (file=, proxy=, stream,
MCP, run history), so those answer 404 whatever Gradio's own checks would decide. Uploads (the
Documents and Evaluation tabs) go through Gradio's upload route, bounded by size.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

from ui.page import FONT_ROUTE

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Any, Any], Awaitable[None]]

# Page, assets and login, then what the browser and gradio_client use to ask and stream answers.
ALLOWED_PATHS = frozenset(
    {
        "/",
        "/config",
        "/favicon.ico",
        "/theme.css",
        "/robots.txt",
        "/manifest.json",
        "/login",
        "/logout",
        "/gradio_api/info",
        "/gradio_api/theme.css",
        "/gradio_api/login_check",
        "/gradio_api/token",
        "/gradio_api/user",
        "/gradio_api/app_id",
        "/gradio_api/startup-events",
        "/gradio_api/cancel",
        "/gradio_api/reset",
        "/gradio_api/upload",
        "/gradio_api/upload_progress",
        FONT_ROUTE,
    }
)
ALLOWED_PREFIXES = (
    "/assets/",
    "/static/",
    "/svelte/",
    "/gradio_api/queue/",
    "/gradio_api/heartbeat/",
    "/gradio_api/run/",  # the app's own events without the queue (examples fill the box this way)
)
# The largest request body. Nothing is uploaded and a question is at most 2,000 characters, but
# a pasted 100 KB one (JSON-escaped: up to 6 bytes a character) must still reach the chat and get
# its "too long" message; beyond this a client could only make the server buffer its bytes.
MAX_BODY_BYTES = 2**20
# An upload of several documents at once; Gradio's max_file_size bounds each file below this.
UPLOAD_PATH = "/gradio_api/upload"
MAX_UPLOAD_BYTES = 64 * 2**20
# Names a browser on this machine uses for a loopback server. Checking the Host header stops
# DNS rebinding: a page on attacker.example re-resolved to 127.0.0.1 sends its own name here.
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
# No other site may frame the chat (clickjacking) or learn its address from a followed link.
SECURITY_HEADERS = [
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]


class RouteGuard:
    """Refuse unknown routes (404), unknown hosts (421), big bodies (413), other origins (403)."""

    def __init__(self, app: ASGIApp, host_names: frozenset[str] | None = None):
        self.app = app
        self.host_names = host_names  # None: any name (a network bind, behind a password)

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        """Pass allowed requests to Gradio; refuse the rest before Gradio sees them."""
        if scope["type"] in ("http", "websocket"):
            if not self._host_allowed(scope):
                return await _refuse(scope, send, 421, "Unknown host name")
            if not is_allowed_path(scope.get("path", "")):
                return await _refuse(scope, send, 404, "Not found")
            if scope["type"] == "http" and not _body_allowed(scope):
                return await _refuse(scope, send, 413, "Request body too large or unsized")
            if scope["type"] == "http" and not _same_origin(scope):
                return await _refuse(scope, send, 403, "Cross-origin request refused")

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _host_allowed(self, scope: Scope) -> bool:
        if self.host_names is None:
            return True
        headers = dict(scope.get("headers") or [])
        return host_name(headers.get(b"host", b"").decode("latin-1")) in self.host_names


def is_allowed_path(path: str) -> bool:
    """An allowed route, with no dot segment, backslash or NUL that could climb out of it."""
    segments = path.split("/")
    if any(s in (".", "..") or "\\" in s or "\x00" in s for s in segments):
        return False
    trimmed = path.rstrip("/") or "/"
    return trimmed in ALLOWED_PATHS or path.startswith(ALLOWED_PREFIXES)


def _body_allowed(scope: Scope) -> bool:
    # A body must state its length (browsers and gradio_client do), so a chunked stream cannot
    # slip past the limit; requests without a body (GET) send neither header.
    headers = dict(scope.get("headers") or [])
    if b"transfer-encoding" in headers:
        return False
    length = headers.get(b"content-length", b"0")
    limit = MAX_UPLOAD_BYTES if scope.get("path") == UPLOAD_PATH else MAX_BODY_BYTES
    return length.isdigit() and int(length) <= limit


def _same_origin(scope: Scope) -> bool:
    # A page on another site can send a form or an upload here without a preflight; CORS only
    # hides the reply. Browsers name the sending page in Origin, so a state-changing request
    # from another origin (or a sandboxed "null" one) stops here; clients without a browser
    # send no Origin.
    if scope.get("method") in ("GET", "HEAD", "OPTIONS"):
        return True
    headers = dict(scope.get("headers") or [])
    origin = headers.get(b"origin")
    if origin is None:
        return True
    host = headers.get(b"host", b"").decode("latin-1").strip().lower()
    return urlsplit(origin.decode("latin-1")).netloc.lower() == host


def host_name(host_header: str) -> str:
    """The name in a Host header, without port or IPv6 brackets, lower-cased."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else ""
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


async def _refuse(scope: Scope, send: Any, status: int, text: str) -> None:
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1008})
        return
    body = text.encode()
    headers = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", b"%d" % len(body)),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
