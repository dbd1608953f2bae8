"""Who may use the chat: the password setting, and the rule that a network bind needs one.

Kept free of gradio so `assistant ui` can refuse an unsafe bind before loading anything.
"""

from __future__ import annotations

import ipaddress
import logging

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
