"""Security smoke test of the launched chat on loopback: files, uploads, origins, hosts, auth."""

from __future__ import annotations

import ipaddress
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pytest
from conftest import ui_process
from test_ui import QUESTION, free_port, serving

from assistant import Assistant, AssistantConfig
from index import IndexConfig, build_index
from ui.access import check_exposure, parse_auth, route_dependencies
from ui.app import build_app
from ui.guard import MAX_BODY_BYTES, MAX_UPLOAD_BYTES, is_allowed_path
from ui.server import CONCURRENCY, QUEUE_SIZE, launch

REPO = Path(__file__).resolve().parent.parent
PASSWD_MARK = "root:x:0:0"
EVIL = "http://evil.example"


class SlowAssistant(Assistant):
    """The real assistant, 20 s slower per answer: long enough to fill the queue around it."""

    def __init__(self, real: Assistant):
        super().__init__(real.index, real.config)

    def stream_with_documents(self, *args, **kwargs):
        time.sleep(20)
        yield from super().stream_with_documents(*args, **kwargs)


def ask_index(client: httpx.Client, url: str) -> int:
    """The chat's event number in the page config (what the browser sends as fn_index)."""
    dependencies = client.get(f"{url}config").json()["dependencies"]
    return next(i for i, d in enumerate(dependencies) if d.get("api_name") == "ask")


def probe_paths(storage_dir: Path, port: int) -> list[str]:
    """Requests that must not read a file: traversal, absolute, encoded, proxy and stream routes."""
    cache = Path(tempfile.gettempdir()) / "gradio"
    document = next((REPO / "documents").iterdir())
    return [
        "/file=../../../../../../etc/passwd",
        "/file=/etc/passwd",
        "/gradio_api/file=/etc/passwd",
        "/gradio_api/file=../../../../../../etc/passwd",
        "/gradio_api/file=..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd",
        "/gradio_api/file=%2Fetc%2Fpasswd",
        "/gradio_api/file=%252Fetc%252Fpasswd",
        "/gradio_api/file=..%5C..%5C..%5C..%5Cetc%5Cpasswd",
        f"/gradio_api/file={cache}/../../../etc/passwd",
        f"/gradio_api/file={tempfile.gettempdir()}/../etc/passwd",
        "/gradio_api/file/etc/passwd",
        "/gradio_api/file//etc/passwd",
        "/gradio_api//file=/etc/passwd",
        "/static/../../../../../../../../etc/passwd",
        "/static/..%2F..%2F..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd",
        "/assets/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/svelte/..%2F..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd",
        "/assets/%00/../../etc/passwd",
        f"/gradio_api/file={REPO / 'pyproject.toml'}",
        "/gradio_api/file=pyproject.toml",
        f"/gradio_api/file={document}",
        f"/gradio_api/file={storage_dir / 'CURRENT'}",
        f"/gradio_api/proxy=http://127.0.0.1:{port}/config",
        "/gradio_api/file=http://169.254.169.254/latest/meta-data/",
        "/gradio_api/vibe-code",
        "/monitoring",
        "/gradio_api/mcp/schema",
        "/openapi.json",
    ]


def test_no_file_is_served_through_any_route(assistant: Assistant, storage_dir: Path) -> None:
    secrets = [
        PASSWD_MARK,
        "[project]",  # pyproject.toml
        (storage_dir / "CURRENT").read_text().strip(),
        next((REPO / "documents").iterdir()).read_text(encoding="utf-8")[:80],
    ]
    with serving(assistant) as url, httpx.Client(timeout=10) as client:
        port = int(url.rstrip("/").rsplit(":", 1)[1])
        replies = {
            path: client.send(
                client.build_request("GET", url, extensions={"target": path.encode()})
            )
            for path in probe_paths(storage_dir, port)
        }
        page = client.get(url)

    assert page.status_code == 200 and "<html" in page.text  # the probes reached a live app
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["x-content-type-options"] == "nosniff"
    for path, reply in replies.items():
        assert reply.status_code >= 400, (path, reply.status_code)
        assert not any(secret in reply.text for secret in secrets), path


def test_gradio_refuses_an_upload_over_its_size_limit(assistant: Assistant) -> None:
    # Checked while the body streams in, before Gradio keeps the file; a body over the
    # guard's upload limit is refused before Gradio reads it.
    with serving(assistant) as url, httpx.Client(timeout=60) as client:
        big = client.post(
            f"{url}gradio_api/upload", files={"files": ("big.txt", b"x" * 21 * 2**20)}
        )
        huge = client.post(
            f"{url}gradio_api/upload", files={"files": ("huge.txt", b"x" * (MAX_UPLOAD_BYTES + 1))}
        )
        small = client.post(f"{url}gradio_api/upload", files={"files": ("ok.txt", b"hello")})
    assert big.status_code == 413, big.text
    assert huge.status_code == 413
    assert small.status_code == 200 and len(small.json()) == 1


def test_the_chat_cannot_be_called_around_the_queue(assistant: Assistant) -> None:
    # Gradio's REST route would run the chat outside the queue's concurrency limit and size.
    question = "Which senior leader did the BSP expel?"
    with serving(assistant) as url, httpx.Client(timeout=60) as client:
        direct = client.post(
            f"{url}gradio_api/run/ask", json={"data": [question, 5, "hybrid", None]}
        )
        queued = client.post(
            f"{url}gradio_api/queue/join",
            json={
                "data": [question, 5, "hybrid", None],
                "fn_index": ask_index(client, url),
                "session_hash": "q",
            },
        )
    assert direct.status_code == 404 and "Imran" not in direct.text
    assert queued.status_code == 200 and "event_id" in queued.json()


def test_the_queue_runs_16_chats_at_once_and_holds_64_more(assistant: Assistant) -> None:
    # Each answer takes 20 s here, so none ends while the test joins more.
    with serving(SlowAssistant(assistant)) as url, httpx.Client(timeout=30) as client:
        ask = ask_index(client, url)

        def join(number: int) -> httpx.Response:
            body = {
                "data": [QUESTION, 5, "hybrid", None],
                "fn_index": ask,
                "session_hash": f"s{number}",
            }
            return client.post(f"{url}gradio_api/queue/join", json=body)

        running = [join(n) for n in range(CONCURRENCY)]
        time.sleep(3)  # they leave the queue for the 16 workers
        queued = [join(n) for n in range(CONCURRENCY, CONCURRENCY + QUEUE_SIZE + 6)]

    assert [r.status_code for r in running] == [200] * CONCURRENCY
    codes = [r.status_code for r in queued]
    assert codes == [200] * QUEUE_SIZE + [503] * 6, codes
    assert "Queue is full" in queued[-1].text


def test_a_big_or_unsized_request_body_is_refused(assistant: Assistant) -> None:
    join = f'{{"data": ["{"x" * MAX_BODY_BYTES}"], "fn_index": 1}}'.encode()
    with serving(assistant) as url, httpx.Client(timeout=30) as client:
        big = client.post(f"{url}gradio_api/queue/join", content=join)
        chunked = client.post(f"{url}gradio_api/queue/join", content=iter([join[:100]]))
        login = client.post(f"{url}login", data={"username": "x" * MAX_BODY_BYTES, "password": "p"})
        small = client.post(
            f"{url}gradio_api/queue/join",
            json={
                "data": [QUESTION, 5, "hybrid", None],
                "fn_index": ask_index(client, url),
                "session_hash": "ok",
            },
        )
    assert chunked.request.headers.get("transfer-encoding") == "chunked"
    assert (big.status_code, chunked.status_code, login.status_code) == (413, 413, 413)
    assert small.status_code == 200 and "event_id" in small.json()


def test_the_ui_listens_on_loopback_only_by_default(storage_dir: Path, tmp_path: Path) -> None:
    port = free_port()
    with ui_process(storage_dir, port, tmp_path / "server.log") as url:
        listening = listening_addresses(port)
        page = httpx.get(url, timeout=30)
    assert page.status_code == 200
    assert listening == {"127.0.0.1"}


def listening_addresses(port: int) -> set[str]:
    """The local addresses of every TCP socket listening on `port` (from /proc/net)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                raw = bytes.fromhex(address)
                # /proc prints each 32-bit word in host (little-endian) order.
                words = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
                found.add(str(ipaddress.ip_address(words)))
    return found


def test_cross_origin_requests_get_no_cors_grant(assistant: Assistant) -> None:
    join = {"data": ["Who?", [], 5, "hybrid"], "fn_index": 0, "session_hash": "probe"}
    with serving(assistant) as url, httpx.Client(timeout=10) as client:
        own = url.rstrip("/")
        posts = {
            origin: client.post(
                f"{url}gradio_api/queue/join", json=join, headers={"Origin": origin}
            )
            for origin in (EVIL, "null", own)
        }
        preflight = client.options(
            f"{url}gradio_api/queue/join",
            headers={
                "Origin": EVIL,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            },
        )
        # A form can post text/plain across origins without a preflight; it must not run.
        form_post = client.post(
            f"{url}gradio_api/queue/join",
            content=json.dumps(join),
            headers={"Origin": EVIL, "Content-Type": "text/plain"},
        )
        stream = client.get(
            f"{url}gradio_api/queue/data?session_hash=probe", headers={"Origin": EVIL}
        )

    granted = {origin: r.headers.get("access-control-allow-origin") for origin, r in posts.items()}
    # The page's own origin is granted (so the check can fail), a foreign or sandboxed one never:
    # a browser then hides every reply, and the JSON body forces a preflight that is refused too.
    assert granted == {EVIL: None, "null": None, own: own}
    assert preflight.headers.get("access-control-allow-origin") is None
    assert form_post.status_code >= 400 and "event_id" not in form_post.text
    assert stream.headers.get("access-control-allow-origin") is None


def test_a_rebound_host_name_is_refused(assistant: Assistant) -> None:
    # DNS rebinding: evil.example resolves to 127.0.0.1, so the browser sends its name as Host.
    with serving(assistant) as url, httpx.Client(timeout=10) as client:
        port = url.rstrip("/").rsplit(":", 1)[1]
        rebound = client.get(f"{url}config", headers={"Host": f"evil.example:{port}"})
        local = client.get(f"{url}config", headers={"Host": f"localhost:{port}"})
    assert rebound.status_code == 421 and "components" not in rebound.text
    assert local.status_code == 200 and "components" in local.json()


def test_a_password_guards_the_page_api_and_queue(assistant: Assistant) -> None:
    auth = ("reader", "correct:horse")
    with serving(assistant, auth=auth) as url, httpx.Client(timeout=10) as client:
        anonymous = {path: client.get(f"{url}{path}") for path in ("config", "gradio_api/info")}
        join = client.post(f"{url}gradio_api/queue/join", json={"data": [], "fn_index": 0})
        page = client.get(url)
        wrong = client.post(f"{url}login", data={"username": "reader", "password": "guess"})
        right = client.post(f"{url}login", data={"username": auth[0], "password": auth[1]})
        config = client.get(f"{url}config")

    assert {path: r.status_code for path, r in anonymous.items()} == {
        "config": 401,
        "gradio_api/info": 401,
    }
    assert join.status_code == 401
    assert "Ask about your documents" not in page.text  # the login page, not the chat
    assert wrong.status_code == 400
    assert right.status_code == 200 and config.status_code == 200


@pytest.mark.parametrize("auth", [None, ("reader", "pw")])
def test_the_login_check_is_passed_over_only_without_a_password(
    assistant: Assistant, auth: tuple[str, str] | None
) -> None:
    # Without a password the check runs inline instead of in a worker thread (ui.server); with
    # one, Gradio's own check stays (test_a_password_guards_the_page_api_and_queue).
    app = build_app(assistant)
    launch(app, "127.0.0.1", free_port(), auth, block=False)
    try:
        checks = {dependency.call.__name__ for dependency in route_dependencies(app.app)}
    finally:
        app.close()
    assert ("login_check" in checks) == bool(auth)


def test_network_bind_needs_a_password_or_an_explicit_flag(caplog) -> None:
    with pytest.raises(
        ValueError, match="Refusing to serve on 0.0.0.0 without a password"
    ) as error:
        check_exposure("0.0.0.0", None, allow_unauthenticated=False)
    assert "\n" not in str(error.value) and "--allow-unauthenticated" in str(error.value)
    for host in ("127.0.0.1", "localhost", "::1", "127.0.0.2"):
        check_exposure(host, None, allow_unauthenticated=False)
    check_exposure("192.168.1.5", ("reader", "pw"), allow_unauthenticated=False)
    with caplog.at_level(logging.WARNING):
        check_exposure("0.0.0.0", None, allow_unauthenticated=True)
    assert "without a password" in caplog.text


def test_cli_refuses_a_network_bind_before_loading_anything(tmp_path: Path) -> None:
    missing = str(tmp_path / "no-index")
    refused = run_ui("--host", "0.0.0.0", "--storage", missing)
    with_env_password = run_ui(
        "--host", "0.0.0.0", "--storage", missing, env={"ASSISTANT_UI_AUTH": "reader:pw"}
    )
    bad_password = run_ui("--auth", "reader:", "--storage", missing)

    assert refused.returncode == 1 and refused.stderr.count("\n") == 1
    assert refused.stderr.startswith("error: Refusing to serve on 0.0.0.0 without a password")
    # With the password from the environment the host passes, and the missing index is next.
    assert with_env_password.returncode == 1 and "No index in" in with_env_password.stderr
    assert bad_password.returncode == 1 and "USER:PASSWORD" in bad_password.stderr
    assert "Traceback" not in refused.stderr + with_env_password.stderr + bad_password.stderr


def test_auth_text_and_route_rules() -> None:
    assert parse_auth(None) is None and parse_auth("") is None
    assert parse_auth("reader:pa:ss") == ("reader", "pa:ss")
    for bad in ("reader", ":pw", "reader:"):
        with pytest.raises(ValueError, match="USER:PASSWORD"):
            parse_auth(bad)
    assert is_allowed_path("/") and is_allowed_path("/gradio_api/queue/join")
    assert is_allowed_path("/assets/index-abc.js") and is_allowed_path("/config/")
    for path in ("/gradio_api/file=/etc/passwd", "/assets/../x", "/static/a\\..\\b", "/upload"):
        assert not is_allowed_path(path), path


def run_ui(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "ASSISTANT_UI_AUTH"}
    environment.update({"HF_HUB_OFFLINE": "1", **(env or {})})
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", "ui", "--port", str(free_port()), *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=environment,
        timeout=120,
        check=False,
    )


def event_index(client: httpx.Client, url: str, elem_id: str, trigger: str) -> int:
    """The number of the event that `trigger` on the component `elem_id` runs."""
    config = client.get(f"{url}config").json()
    ids = {c["id"]: c.get("props", {}).get("elem_id") for c in config["components"]}
    return next(
        i
        for i, d in enumerate(config["dependencies"])
        if any(ids.get(target) == elem_id and kind == trigger for target, kind in d["targets"])
    )


def run_event(client: httpx.Client, url: str, fn_index: int, data: list, session: str) -> list:
    """Join the queue as the page does and read the event's output from its stream."""
    message = event_message(client, url, fn_index, data, session)
    assert message.get("success"), message
    return message["output"]["data"]


def event_message(client: httpx.Client, url: str, fn_index: int, data: list, session: str) -> dict:
    """The event's last message: its output, or the error it ended with."""
    body = {"data": data, "fn_index": fn_index, "session_hash": session}
    joined = client.post(f"{url}gradio_api/queue/join", json=body)
    assert joined.status_code == 200, joined.text
    stream_url = f"{url}gradio_api/queue/data?session_hash={session}"
    with client.stream("GET", stream_url, timeout=120) as stream:
        for line in stream.iter_lines():
            if not line.startswith("data:"):
                continue
            message = json.loads(line[5:])
            if message.get("msg") == "process_completed":
                return message
    raise AssertionError("the event never completed")


def uploaded(client: httpx.Client, url: str, name: str, content: bytes) -> dict:
    """Upload through Gradio's route, as a drop on the Documents tab does; the file's data."""
    reply = client.post(f"{url}gradio_api/upload", files={"files": (name, content)})
    assert reply.status_code == 200, reply.text
    path = reply.json()[0]
    return {"path": path, "orig_name": name, "meta": {"_type": "gradio.FileData"}}


@pytest.fixture()
def own_folder(tmp_path: Path) -> Assistant:
    """A documents folder and index of its own, which the served app may change."""
    documents = tmp_path / "documents"
    documents.mkdir()
    for name in sorted(os.listdir(REPO / "documents"))[:2]:
        (documents / name).write_bytes((REPO / "documents" / name).read_bytes())
    config = IndexConfig(documents_dir=documents, storage_dir=tmp_path / "storage")
    build_index(config)
    return Assistant.open(AssistantConfig(index=config))


def test_uploads_stay_in_the_folder_and_bad_ones_write_nothing(
    own_folder: Assistant, tmp_path: Path
) -> None:
    documents = own_folder.config.index.documents_dir
    secret = tmp_path / "secret.txt"
    secret.write_text("do not touch")
    (documents / "planted.txt").symlink_to(secret)
    files = {
        "../../escaped.txt": b"The Zorblax pier was painted teal.\n",
        "<img src=x onerror=alert(1)>.txt": b"The Zorblax bell rang twice.\n",
        "planted.txt": b"overwrite through the link\n",
        "tool.exe": b"MZ binary",
        "big.txt": b"x" * (own_folder.config.index.max_file_bytes + 1),
    }
    with serving(own_folder) as url, httpx.Client(timeout=60) as client:
        add = event_index(client, url, "upload", "upload")
        data = [[uploaded(client, url, name, content) for name, content in files.items()]]
        table, _, status, _ = run_event(client, url, add, data, "uploader")

    assert sorted(os.listdir(documents))[-3:] == [
        "escaped.txt",
        "img src_x onerror_alert(1).txt",
        "planted.txt",
    ]
    assert not (tmp_path / "escaped.txt").exists() and secret.read_text() == "do not touch"
    assert not (documents / "tool.exe").exists() and not (documents / "big.txt").exists()
    assert "planted.txt already exists" in status and "type .exe is not allowed" in status
    assert "big.txt" in status and "over the" in status
    assert "<img" not in table and "&lt;img" not in table  # the saved name has no markup left
    assert "Added and indexed: escaped.txt" in status


def test_delete_takes_only_listed_files_and_a_link_not_its_target(
    own_folder: Assistant, tmp_path: Path
) -> None:
    documents = own_folder.config.index.documents_dir
    secret = tmp_path / "secret.txt"
    secret.write_text("do not touch")
    (documents / "planted.txt").symlink_to(secret)
    with serving(own_folder) as url, httpx.Client(timeout=60) as client:
        remove = event_index(client, url, "confirm-delete", "click")
        replies = {
            name: event_message(client, url, remove, [name], f"deleter{number}")
            for number, name in enumerate(["../secret.txt", str(secret), "planted.txt"])
        }

    assert secret.read_text() == "do not touch" and not (documents / "planted.txt").exists()
    for name in ("../secret.txt", str(secret)):  # not among the choices Gradio let through
        assert not replies[name]["success"] and "not in the list of choices" in str(replies[name])
    assert replies["planted.txt"]["output"]["data"][3].startswith("Deleted planted.txt.")
    assert len(os.listdir(documents)) == 2


def test_with_a_password_nothing_is_uploaded_or_deleted_before_login(
    own_folder: Assistant,
) -> None:
    documents = own_folder.config.index.documents_dir
    before = sorted(os.listdir(documents))
    with serving(own_folder, auth=("reader", "pass:word")) as url, httpx.Client(timeout=30) as c:
        upload = c.post(f"{url}gradio_api/upload", files={"files": ("new.txt", b"text\n")})
        join = c.post(
            f"{url}gradio_api/queue/join",
            json={"data": [before[0]], "fn_index": 9, "session_hash": "anonymous"},
        )
        view = c.get(f"{url}config")
    assert (upload.status_code, join.status_code, view.status_code) == (401, 401, 401)
    assert sorted(os.listdir(documents)) == before


def test_another_site_cannot_upload_or_run_events(assistant: Assistant) -> None:
    # A multipart form needs no preflight: without the Origin check another site's page could
    # drop files into Gradio's upload cache through the visitor's browser.
    files = {"files": ("a.txt", b"from another site\n")}
    with serving(assistant) as url, httpx.Client(timeout=30) as client:
        own = url.rstrip("/")
        uploads = {
            origin: client.post(f"{url}gradio_api/upload", files=files, headers={"Origin": origin})
            for origin in (EVIL, "null", own)
        }
        join = client.post(
            f"{url}gradio_api/queue/join",
            json={"data": [QUESTION, 5, "hybrid", None], "fn_index": 1, "session_hash": "x"},
            headers={"Origin": EVIL},
        )
    assert {o: r.status_code for o, r in uploads.items()} == {EVIL: 403, "null": 403, own: 200}
    assert join.status_code == 403 and "event_id" not in join.text
