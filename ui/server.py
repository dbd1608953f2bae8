"""Serve the chat: loopback by default, a password before any network bind, a bounded queue."""

from __future__ import annotations

import ipaddress
import logging

import gradio as gr
from starlette.middleware import Middleware

from assistant import Assistant, AssistantConfig
from ui.app import build_app
from ui.guard import LOOPBACK_NAMES, RouteGuard

logger = logging.getLogger(__name__)

AUTH_ENV = "ASSISTANT_UI_AUTH"
# Chats streaming at once; ui.app.ANSWERING lets only one answer per core be computed at a
# time. Beyond that, events wait in the queue, up to QUEUE_SIZE, then get "queue full".
CONCURRENCY = 16
QUEUE_SIZE = 64
# The chat takes no uploads and RouteGuard closes the upload route; keep Gradio's limit tiny too.
MAX_FILE_SIZE = "1kb"


def serve(
    config: AssistantConfig,
    host: str = "127.0.0.1",
    port: int = 7860,
    auth: tuple[str, str] | None = None,
    allow_unauthenticated: bool = False,
) -> None:
    """Check the bind is safe, open the index, and serve the chat until interrupted.

    Index errors (missing, corrupt, built with another model) propagate with their one-line
    message, which the `assistant ui` command prints.
    """
    check_exposure(host, auth, allow_unauthenticated)
    launch(build_app(Assistant.open(config)), host, port, auth, allow_unauthenticated)


def launch(
    app: gr.Blocks,
    host: str,
    port: int,
    auth: tuple[str, str] | None,
    allow_unauthenticated: bool = False,
    *,
    block: bool = True,
) -> None:
    """Queue and launch `app` on host:port only, with nothing served beyond the chat itself."""
    check_exposure(host, auth, allow_unauthenticated)
    # On loopback only loopback names may reach us (DNS rebinding); on a network, the password.
    names = LOOPBACK_NAMES | {host.lower()} if is_loopback(host) else None
    # api_open=False: Gradio's REST route would otherwise run the chat past the queue's limits.
    app.queue(default_concurrency_limit=CONCURRENCY, max_size=QUEUE_SIZE, api_open=False)
    app.launch(
        server_name=host,
        server_port=port,
        auth=auth,
        share=False,
        prevent_thread_lock=not block,
        show_error=False,
        max_file_size=MAX_FILE_SIZE,
        allowed_paths=[],
        strict_cors=True,
        ssr_mode=False,
        pwa=False,
        mcp_server=False,
        enable_monitoring=False,
        app_kwargs={"middleware": [Middleware(RouteGuard, host_names=names)]},
        quiet=not block,  # serving shows its URL; tests stay quiet
    )


def check_exposure(host: str, auth: tuple[str, str] | None, allow_unauthenticated: bool) -> None:
    """Refuse, in one line, to serve a network address without a password unless told to."""
    if auth is not None or is_loopback(host):
        return
    if not allow_unauthenticated:
        raise ValueError(
            f"Refusing to serve on {host} without a password: give --auth USER:PASSWORD "
            f"(or set {AUTH_ENV}), or pass --allow-unauthenticated to accept the risk"
        )
    logger.warning("Serving on %s without a password: anyone on the network can ask", host)


def parse_auth(text: str | None) -> tuple[str, str] | None:
    """USER:PASSWORD (the password may hold colons) as Gradio's auth pair; None when not given."""
    if not text:
        return None
    user, _, password = text.partition(":")
    if not user or not password:
        raise ValueError("--auth takes USER:PASSWORD with neither part empty")
    return user, password


def is_loopback(host: str) -> bool:
    """Whether `host` is a loopback address or localhost (not reachable from other machines)."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host.lower() == "localhost"
