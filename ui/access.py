"""Who may use the chat: the password setting, a network bind needing one, the login check.

Kept free of gradio so `assistant ui` can refuse an unsafe bind before loading anything.
"""

from __future__ import annotations

import ipaddress
import logging
from typing import Any

logger = logging.getLogger(__name__)

AUTH_ENV = "ASSISTANT_UI_AUTH"


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


def pass_login_checks(server: Any) -> None:
    """Let every request past Gradio's login check; only for a server that has no password.

    Without a password the check passes every request anyway, but as a plain function FastAPI
    ran it in a worker thread for each, two thread hops per answer (README, "Concurrent users").
    FastAPI's dependency_overrides would have cost a signature inspection of every dependency on
    every request, so the check's own entry in each route of `server` (the FastAPI app) is swapped.
    """
    for dependency in route_dependencies(server):
        if getattr(dependency.call, "__name__", "") == "login_check":
            dependency.call = _passed


async def _passed(**_: object) -> None:
    return None


def route_dependencies(server: Any) -> list[Any]:
    """The dependencies (FastAPI Dependant objects) of every route of a FastAPI app."""
    found: list[Any] = []
    routes = list(server.routes)
    while routes:
        route = routes.pop()
        routes += getattr(getattr(route, "router", route), "routes", None) or []
        found += getattr(getattr(route, "dependant", None), "dependencies", [])
    return found
