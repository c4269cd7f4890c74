"""`diary serve`: the security rules with Flask's test client, the same rows and messages as
the command line, and the server process itself (address, shutdown, concurrent writers)."""

from __future__ import annotations

import os
import re
import signal
import stat
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("flask", reason="the web extra is not installed: pip install -e '.[web]'")

from flask import Flask
from flask.testing import FlaskClient

from diary.storage import Database, open_database
from diary.config import load_config
from diary.web.app import Diary as WebDiary
from diary.web.app import create_app
from diary.web.security import HEADERS, LOCAL_HOSTS, load_token, token_path
from tests.conftest import Diary

NOW = datetime(2026, 11, 21, 20, 0)
TOKEN = "t" * 40
ORIGIN = "http://localhost"


@pytest.fixture
def database(db_target: str) -> Iterator[Database]:
    db = open_database(db_target)
    yield db
    db.dispose()


@pytest.fixture
def app(database: Database) -> Flask:
    web = WebDiary(database, load_config(), lambda: NOW)
    return create_app(web, TOKEN, hosts=LOCAL_HOSTS)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def signed_in(client: FlaskClient) -> str:
    """Trade the token for the session cookie; returns the page's CSRF field."""
    answer = client.get(f"/?token={TOKEN}")
    assert answer.status_code == 303 and answer.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def count(diary: Diary) -> int:
    return len(diary.json("list"))


CALF = {"site": "calf", "side": "left", "duration": "90s", "pain": "6", "visible": "bulge"}


@pytest.mark.backend
def test_without_the_token_nothing_is_shown(diary: Diary, client: FlaskClient) -> None:
    diary.ok("log", "--site", "calf", "--duration", "1m", "--pain", "4", "--note", "private words")
    for path in ("/", "/day", "/week", "/charts", "/triggers", "/charts/sites_by_label.svg"):
        for headers in ({}, {"Authorization": "Bearer wrong"}):
            answer = client.get(path, headers=headers)
            assert answer.status_code == 401, path
            body = answer.get_data(as_text=True)
            assert "private words" not in body and "calf" not in body
    assert client.get("/?token=wrong").status_code == 401
    assert "diary_session" not in str(client.get("/?token=wrong").headers)


@pytest.mark.backend
def test_the_token_becomes_a_strict_cookie_and_leaves_the_address(client: FlaskClient) -> None:
    answer = client.get(f"/week?token={TOKEN}&week=2026-W46")
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/week?week=2026-W46"  # the token is gone
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Expires=" in cookie
    assert client.get("/week?week=2026-W46").status_code == 200
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    assert FlaskClient(client.application).get("/week", headers=bearer).status_code == 200


@pytest.mark.backend
def test_a_foreign_host_is_refused_before_anything_runs(diary: Diary, client: FlaskClient) -> None:
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    for host in ("evil.example", "attacker.test:8765", "127.0.0.2"):
        answer = client.get("/", headers={**bearer, "Host": host})
        assert answer.status_code == 400, host
        posted = client.post("/log", data=CALF, headers={**bearer, "Host": host})
        assert posted.status_code == 400
    assert count(diary) == 0
    assert client.get("/", headers={**bearer, "Host": "127.0.0.1:8765"}).status_code == 200


@pytest.mark.backend
def test_cookie_posts_need_the_csrf_field_and_our_origin(diary: Diary, client: FlaskClient) -> None:
    csrf = signed_in(client)
    refused = [
        ({**CALF}, {"Origin": ORIGIN}),  # no CSRF field
        ({**CALF, "csrf": "forged"}, {"Origin": ORIGIN}),
        ({**CALF, "csrf": csrf}, {"Origin": "http://evil.example"}),
        ({**CALF, "csrf": csrf}, {"Origin": "null"}),
        ({**CALF, "csrf": csrf}, {}),  # no Origin
    ]
    for data, headers in refused:
        assert client.post("/log", data=data, headers=headers).status_code == 403, headers
        day = {"csrf": data.get("csrf", ""), "none": "1"}
        assert client.post("/day", data=day, headers=headers).status_code == 403
    assert count(diary) == 0 and not any(d["kept"] for d in diary.json("days"))
    answer = client.post("/log", data={**CALF, "csrf": csrf}, headers={"Origin": ORIGIN})
    assert answer.status_code == 303 and count(diary) == 1


@pytest.mark.backend
def test_notes_come_back_as_text(diary: Diary, client: FlaskClient) -> None:
    signed_in(client)
    diary.ok("log", "--site", "calf", "--duration", "1m", "--pain", "4", "--at", "2026-11-21T10:00",
             "--note", "<script>alert(1)</script><img src=x onerror=alert(2)>")  # fmt: skip
    page = client.get("/").get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.backend
def test_every_answer_carries_the_security_headers(client: FlaskClient) -> None:
    csrf = signed_in(client)
    answers = [
        client.get("/"),
        client.get("/week"),
        client.get("/day"),
        client.get("/charts"),
        client.get("/triggers"),
        client.get("/static/style.css", buffered=True),
        client.get("/nowhere"),  # 404
        client.get("/", headers={"Host": "evil.example"}),  # 400 from the Host guard
        FlaskClient(client.application).get("/"),  # 401
        client.post("/log", data=CALF, headers={"Origin": ORIGIN}),  # 403
        client.post("/log", data={"csrf": csrf, "site": "x"}, headers={"Origin": ORIGIN}),  # 400
        client.post("/log", data={**CALF, "csrf": csrf}, headers={"Origin": ORIGIN}),  # 303
    ]
    assert {a.status_code for a in answers} == {200, 303, 400, 401, 403, 404}
    for answer in answers:
        for name, value in HEADERS:
            assert answer.headers.get(name) == value, (answer.status_code, name)
    csp = dict(HEADERS)["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert dict(HEADERS)["Referrer-Policy"] == "same-origin"  # not no-referrer: Origin: null


@pytest.mark.backend
def test_a_large_body_is_refused(diary: Diary, client: FlaskClient) -> None:
    csrf = signed_in(client)
    data = {**CALF, "csrf": csrf, "note": "x" * 200_000}
    assert client.post("/log", data=data, headers={"Origin": ORIGIN}).status_code == 413
    assert count(diary) == 0


def test_the_token_file_is_private_and_reused(tmp_path: Path) -> None:
    from diary.storage import resolve_target

    os.umask(0o000)
    try:
        path = token_path(resolve_target(str(tmp_path / "d.sqlite3")))
        first = load_token(path)
    finally:
        os.umask(0o022)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.name == "d.sqlite3.web-token" and len(first) >= 32
    assert load_token(path) == first
    renewed = load_token(path, renew=True)
    assert renewed != first and load_token(path) == renewed


def _row(diary: Diary, episode_id: int) -> dict[str, Any]:
    shown: dict[str, Any] = diary.json("show", str(episode_id))
    for key in ("id", "logged_at"):
        shown.pop(key, None)
    return shown


@pytest.mark.backend
def test_the_page_stores_what_diary_log_stores(
    diary: Diary, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DIARY_NOW", NOW.isoformat())
    options = [
        "--site", "left calf", "--duration", "1m30s", "--pain", "7", "--trigger", "coffee",
        "--trigger", "medication:atorvastatin", "--visible", "bulge", "--stiff", "--weakness",
        "--limited-motion", "--soreness-hours", "30", "--at", "last night 3am", "--count", "2",
        "--note", "  woke me up ",
    ]  # fmt: skip
    by_cli = diary.log(*options)
    csrf = signed_in(client)
    form = {
        "csrf": csrf, "site": "left calf", "duration": "1m30s", "pain": "7",
        "trigger": ["coffee"], "other-trigger": "medication:atorvastatin", "visible": "bulge",
        "stiff": "1", "weakness": "1", "limited-motion": "1", "soreness-hours": "30",
        "at": "last night 3am", "count": "2", "note": "  woke me up ", "side": "",
    }  # fmt: skip
    answer = client.post("/log", data=form, headers={"Origin": ORIGIN})
    assert answer.status_code == 303
    logged = int(answer.headers["Location"].rsplit("=", 1)[1])
    assert _row(diary, logged) == _row(diary, by_cli["id"])
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert f"Logged #{logged}: spasm" in page


@pytest.mark.backend
def test_bad_input_keeps_the_form_and_says_what_the_command_line_says(
    diary: Diary, client: FlaskClient
) -> None:
    csrf = signed_in(client)
    for field, value in [("site", "calff"), ("pain", "11"), ("duration", "0s"), ("at", "soon")]:
        form = {**CALF, "csrf": csrf, "note": "kept note", field: value}
        answer = client.post("/log", data=form, headers={"Origin": ORIGIN})
        assert answer.status_code == 400, field
        page = answer.get_data(as_text=True)
        options = ["--site", "calf", "--duration", "90s", "--pain", "6", f"--{field}", value]
        said = diary("log", *options).stderr.strip().removeprefix("diary: error: ")
        assert said and _unescape(page).count(said) == 1, (field, said)
        assert f'value="{value}"' in page and "kept note" in page
    assert count(diary) == 0


def _unescape(page: str) -> str:
    import html

    return html.unescape(page)


@pytest.mark.backend
def test_the_check_in_from_the_page(diary: Diary, client: FlaskClient) -> None:
    csrf = signed_in(client)
    form = {"csrf": csrf, "date": "2026-11-20", "had": ["stress", "alcohol=2"],
            "amount-caffeine": "3"}  # fmt: skip
    answer = client.post("/day", data=form, headers={"Origin": ORIGIN})
    assert answer.status_code == 303
    days = diary.json("days", "--since", "2026-11-20", "--until", "2026-11-20")
    assert days[0]["kept"] is True
    assert days[0]["exposures"] == {"alcohol": 2.0, "caffeine": 3.0, "stress": None}
    bad = client.post("/day", data={"csrf": csrf, "date": "2026-11-30"}, headers={"Origin": ORIGIN})
    assert bad.status_code == 400 and "in the future" in bad.get_data(as_text=True)


def test_serve_without_the_web_extra_says_how_to_install_it(
    diary: Diary, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "waitress", None)
    result = diary("serve")
    assert result.exit_code == 1
    assert "pip install 'contraction-diary[web]'" in result.stderr


def test_serve_refuses_every_network_without_allowed_names(diary: Diary) -> None:
    result = diary("serve", "--host", "0.0.0.0")
    assert result.exit_code == 2 and "--allow-host" in result.stderr
    result = diary("serve", "--host", "bad host!")
    assert result.exit_code == 2 and "'bad host!' is not a host name" in result.stderr


class Server:
    """`diary serve --port 0` as a process; `address` is its first line."""

    def __init__(self, env: dict[str, str], *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "diary", "serve", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert self.process.stdout is not None
        self.address = self.process.stdout.readline().strip()
        assert self.address.startswith("http://"), self.process.stderr.read()  # type: ignore[union-attr]
        self.base = self.address.split("/?", 1)[0]
        self.token = self.address.rsplit("token=", 1)[1]

    def stop(self) -> tuple[int, str]:
        self.process.send_signal(signal.SIGTERM)
        _, err = self.process.communicate(timeout=20)
        return self.process.returncode, err


@pytest.fixture
def server(db_target: str) -> Iterator[Server]:
    running = Server(dict(os.environ))
    yield running
    if running.process.poll() is None:
        running.stop()


@pytest.mark.backend
@pytest.mark.slow
def test_the_server_prints_its_address_and_stops_cleanly(server: Server) -> None:
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/\?token=[\w-]{32,}", server.address)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(server.base + "/")
    assert refused.value.code == 401
    refused.value.close()
    request = urllib.request.Request(
        server.base + "/week", headers={"Authorization": f"Bearer {server.token}"}
    )
    with urllib.request.urlopen(request) as answer:
        assert answer.status == 200
    code, err = server.stop()
    assert code == 0 and "Traceback" not in err and server.token not in err


@pytest.mark.backend
@pytest.mark.slow
def test_page_and_command_line_write_at_the_same_time(diary: Diary, server: Server) -> None:
    """20 posts from the page and 10 `diary log` processes at once: all 30 kept."""
    failures: list[str] = []

    def post(i: int) -> None:
        data = urllib.parse.urlencode({**CALF, "note": f"web {i}"}).encode()
        request = urllib.request.Request(
            server.base + "/log", data=data, headers={"Authorization": f"Bearer {server.token}"}
        )
        try:
            with urllib.request.urlopen(request) as answer:
                if answer.status != 200:  # the 303 is followed to /
                    failures.append(f"web {i}: {answer.status}")
        except urllib.error.HTTPError as exc:
            failures.append(f"web {i}: {exc.code} {exc.read()[:300]!r}")
            exc.close()

    log = [sys.executable, "-m", "diary", "log", "--site", "eyelid", "--duration", "3s"]
    processes = [
        subprocess.Popen(
            [*log, "--pain", "0", "--note", f"cli {i}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(10)
    ]
    threads = [threading.Thread(target=post, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for process in processes:
        _, err = process.communicate(timeout=60)
        if process.returncode:
            failures.append(f"cli: {err}")
    assert failures == []
    notes = sorted(e["note"] for e in diary.json("list"))
    assert notes == sorted([f"web {i}" for i in range(20)] + [f"cli {i}" for i in range(10)])


@pytest.mark.backend
def test_urgent_flags_come_first_and_loud(client: FlaskClient) -> None:
    csrf = signed_in(client)
    form = {**CALF, "site": "chest", "breathing": "1", "csrf": csrf}
    answer = client.post("/log", data=form, headers={"Origin": ORIGIN})
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    urgent = page.index('<section class="urgent"')
    assert urgent < page.index("Log an episode")  # above the form
    assert "URGENT: " in page[urgent:] and 'class="logged alarm"' in page
