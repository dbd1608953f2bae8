"""Serve the chat: loopback by default, a password before any network bind, a bounded queue."""

from __future__ import annotations

import logging
import os
import threading

import gradio as gr
from starlette.middleware import Middleware

from assistant import Assistant, AssistantConfig
from ui.access import check_exposure, is_loopback, pass_login_checks
from ui.app import build_app
from ui.guard import LOOPBACK_NAMES, RouteGuard
from ui.page import PAGE_CSS, PAGE_HEAD, FontRoute

log = logging.getLogger(__name__)

# Chats streaming at once; ui.chat_turns.ANSWERING_AT_ONCE lets only one answer per core be
# computed at a time. Beyond that, events wait in the queue, up to QUEUE_SIZE, then get
# "queue full".
CONCURRENCY = 16
QUEUE_SIZE = 64
# One uploaded file (a document or a test set); assistant.library checks documents again.
MAX_FILE_SIZE = "20mb"


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
    assistant = Assistant.open(config)
    # In the background: the page is up at once and the first question finds the models loaded.
    threading.Thread(target=_warm_up, args=(assistant,), daemon=True).start()
    launch(build_app(assistant), host, port, auth, allow_unauthenticated)


def _warm_up(assistant: Assistant) -> None:
    try:
        assistant.warm_up()
    except Exception as problem:  # the first question will meet (and report) the same problem
        log.warning("Warming up the models failed: %s", problem)


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
    # Gradio rebuilds a pandas table of its last 10,000 events after every event, for a
    # monitoring page we do not serve: about 8% of the server's CPU in the load test. Read when
    # the queue is made; once per 1,000 events costs nothing.
    os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", "1000")
    # It also copies its list of the last 10,000 events after each event: keep the list short.
    os.environ.setdefault("GRADIO_ANALYTICS_MAX_EVENTS", "100")
    # api_open=False: Gradio's REST route would otherwise run the chat past the queue's limits.
    app.queue(default_concurrency_limit=CONCURRENCY, max_size=QUEUE_SIZE, api_open=False)
    app.launch(
        server_name=host,
        server_port=port,
        auth=auth,
        share=False,
        prevent_thread_lock=True,  # blocks below, once the login check is settled
        show_error=False,
        max_file_size=MAX_FILE_SIZE,
        allowed_paths=[],  # the font has its own route (ui.page.FontRoute)
        strict_cors=True,
        ssr_mode=False,
        pwa=False,
        mcp_server=False,
        enable_monitoring=False,
        footer_links=["gradio", "settings"],  # no "Runs": that page is closed (RouteGuard)
        css=PAGE_CSS,
        head=PAGE_HEAD,
        app_kwargs={
            "middleware": [Middleware(RouteGuard, host_names=names), Middleware(FontRoute)]
        },
        quiet=not block,  # serving shows its URL; tests stay quiet
    )
    if auth is None:
        pass_login_checks(app.app)
    if block:
        app.block_thread()
