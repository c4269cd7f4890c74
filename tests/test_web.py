"""`diary serve`: the security rules with Flask's test client, the same rows and messages as
the command line, and the server process itself (address, shutdown, concurrent writers)."""

from __future__ import annotations

import os
import re
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("flask", reason="the web extra is not installed: pip install -e '.[web]'")

from flask import Flask
from flask.testing import FlaskClient

from diary.analysis.flags import NOT_A_DIAGNOSIS, SEEK_CARE_NOW
from diary.config import load_config
from diary.domain import SIGN_FIELDS
from diary.storage import Database, open_database
from diary.web.app import create_app
from diary.web.charts import CHART_SIZES
from diary.web.security import HEADERS, LOCAL_HOSTS, load_token, token_path
from diary.web.views import UNDO_MINUTES
from diary.web.views import Diary as WebDiary
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
        "--note", "  woke me up ", "--relief", "stretch=yes", "--relief", "medication:baclofen",
        "--tingling",
    ]  # fmt: skip
    by_cli = diary.log(*options)
    csrf = signed_in(client)
    form = {
        "csrf": csrf, "site": "left calf", "duration": "1m30s", "pain": "7",
        "trigger": ["coffee"], "other-trigger": "medication:atorvastatin", "visible": "bulge",
        "stiff": "1", "weakness": "1", "limited-motion": "1", "soreness-hours": "30",
        "at": "last night 3am", "count": "2", "note": "  woke me up ", "side": "",
        "relief": "stretch=yes, medication:baclofen", "tingling": "1",
    }  # fmt: skip
    answer = client.post("/log", data=form, headers={"Origin": ORIGIN})
    assert answer.status_code == 303
    logged = int(answer.headers["Location"].rsplit("=", 1)[1])
    assert _row(diary, logged) == _row(diary, by_cli["id"])
    page = _unescape(client.get(answer.headers["Location"]).get_data(as_text=True))
    # The confirmation repeats what was stored: where, duration, pain, when, the label.
    assert "Stored: left calf · ×2 · 1 min 30 s · pain 7/10" in page
    assert "night of Fri 20 Nov 2026" in page or "Sat 21 Nov 2026 03:00" in page
    assert "Looks like: spasm" in page
    edit = client.get(f"/entries/{logged}/edit").get_data(as_text=True)  # comes back as typed
    assert 'value="stretch=yes, medication:baclofen"' in edit
    assert re.search(r'name="tingling" value="1" checked', edit)


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
    """The page's text as read: tags removed, entities unescaped."""
    import html

    return html.unescape(re.sub(r"<[^>]+>", "", page))


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
def test_urgent_flags_come_first_loud_and_once(client: FlaskClient) -> None:
    csrf = signed_in(client)
    form = {**CALF, "site": "chest", "breathing": "1", "csrf": csrf}
    answer = client.post("/log", data=form, headers={"Origin": ORIGIN})
    raw = client.get(answer.headers["Location"]).get_data(as_text=True)
    urgent = raw.index('<section class="urgent"')
    assert urgent < raw.index("Log an episode")  # above the form
    page = _unescape(raw)
    assert page.count(SEEK_CARE_NOW) == 1  # the urgent text once, not three times
    assert (
        page.count("Difficulty breathing during a contraction") == 2
    )  # the flag; "counts towards"
    assert page.count(NOT_A_DIAGNOSIS) == 1  # the disclaimer once
    assert "Rule " not in page and "breathing_difficulty" not in page.replace(
        "flag=breathing_difficulty", ""
    )


@pytest.mark.backend
def test_a_typing_mistake_is_not_dressed_as_an_urgent_warning(client: FlaskClient) -> None:
    csrf = signed_in(client)
    answer = client.post(
        "/log", data={**CALF, "pain": "11", "csrf": csrf}, headers={"Origin": ORIGIN}
    )
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert 'class="input-error"' in page
    assert 'class="urgent"' not in page and 'class="error"' not in page


@pytest.mark.backend
def test_the_short_form_comes_first_and_the_warning_signs_stand_apart(client: FlaskClient) -> None:
    signed_in(client)
    page = client.get("/").get_data(as_text=True)
    form = page[page.index('<form method="post" action="/log"') :]
    first_button = form.index("Log it")
    more = form.index("<details")
    for name in ("site", "duration", "pain"):
        assert form.index(f'name="{name}"') < first_button < more
    for name in ("side", "visible", "trigger", "at", "count", "note", "stiff"):
        assert form.index(f'name="{name}"') > more, name
    warning = form[form.index('class="choices signs warning"') :]
    warning = warning[: warning.index("</fieldset>")]
    assert "Warning signs" in warning
    for sign in ("breathing", "speech", "swallowing", "weakness"):
        assert f'name="{sign}"' in warning
    assert 'name="stiff"' not in warning
    for sign in SIGN_FIELDS:  # every sign of the domain is offered, each once
        assert form.count(f'name="{sign.replace("_", "-")}"') == 1, sign


def _edit_csrf(client: FlaskClient, episode_id: int) -> str:
    page = client.get(f"/entries/{episode_id}/edit").get_data(as_text=True)
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


@pytest.mark.backend
def test_an_entry_is_edited_from_the_page_as_diary_edit_does(
    diary: Diary, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DIARY_NOW", NOW.isoformat())
    options = ["--site", "calf", "--duration", "1m", "--pain", "4", "--trigger", "coffee",
               "--at", "2026-11-21T10:00", "--note", "first"]  # fmt: skip
    by_page = diary.log(*options)["id"]
    by_cli = diary.log(*options)["id"]
    diary.ok("edit", str(by_cli), "--pain", "8", "--side", "right", "--stiff",
             "--trigger", "medication:atorvastatin", "--note", "changed")  # fmt: skip
    csrf = signed_in(client)
    page = client.get(f"/entries/{by_page}/edit").get_data(as_text=True)
    assert 'value="calf"' in page and 'value="4"' in page and ">first</textarea>" in page
    form = {"csrf": csrf, "site": "calf", "side": "right", "duration": "60s", "pain": "8",
            "stiff": "1", "other-trigger": "medication:atorvastatin", "at": "2026-11-21 10:00",
            "note": "changed", "count": "1", "visible": "none"}  # fmt: skip
    answer = client.post(f"/entries/{by_page}/edit", data=form, headers={"Origin": ORIGIN})
    assert answer.status_code == 303
    assert _row(diary, by_page) == _row(diary, by_cli)
    # A refused change says what `diary edit` says, and changes nothing.
    said = diary("edit", str(by_cli), "--pain", "12").stderr.strip().removeprefix("diary: error: ")
    bad = client.post(f"/entries/{by_page}/edit", data={**form, "pain": "12"},
                      headers={"Origin": ORIGIN})  # fmt: skip
    assert bad.status_code == 400 and said in _unescape(bad.get_data(as_text=True))
    assert _row(diary, by_page) == _row(diary, by_cli)


@pytest.mark.backend
def test_an_edit_keeps_a_night_of_unknown_hour(diary: Diary, client: FlaskClient) -> None:
    night = diary.json("log", "--site", "calf", "--duration", "2m", "--pain", "7",
                       "--at", "last night")["id"]  # fmt: skip
    before = _row(diary, night)
    if before["time_known"]:
        pytest.skip("'last night' is stored with a time here")
    csrf = signed_in(client)
    raw = client.get(f"/entries/{night}/edit").get_data(as_text=True)
    assert "night of" in raw and "(hour not given)" in raw
    at = re.search(r'id="at" name="at" value="([^"]*)"', raw)
    assert at is not None
    form = {"csrf": csrf, "site": "calf", "duration": "2m", "pain": "5", "at": at.group(1),
            "visible": "none", "count": "1"}  # fmt: skip
    assert (
        client.post(f"/entries/{night}/edit", data=form, headers={"Origin": ORIGIN}).status_code
        == 303
    )
    after = _row(diary, night)
    assert after["pain"] == 5
    assert (after["at"], after["time_known"], after["part_of_day"]) == (
        before["at"], before["time_known"], before["part_of_day"])  # fmt: skip


@pytest.mark.backend
def test_a_delete_asks_first_then_deletes(diary: Diary, client: FlaskClient) -> None:
    kept = diary.log("--site", "eyelid", "--duration", "3s", "--pain", "0")["id"]
    gone = diary.log("--site", "calf", "--duration", "90s", "--pain", "6", "--note", "mistake")[
        "id"
    ]
    csrf = signed_in(client)
    asked = _unescape(client.get(f"/entries/{gone}/delete").get_data(as_text=True))
    assert "Delete this entry?" in asked and "calf · 1 min 30 s · pain 6/10" in asked
    assert count(diary) == 2  # asking deletes nothing
    answer = client.post(f"/entries/{gone}/delete", data={"csrf": csrf, "back": "/week"},
                         headers={"Origin": ORIGIN})  # fmt: skip
    assert answer.status_code == 303 and answer.headers["Location"] == "/week"
    assert [e["id"] for e in diary.json("list")] == [kept]
    assert "Deleted: calf" in _unescape(client.get("/week").get_data(as_text=True))


@pytest.mark.backend
def test_edit_and_delete_need_the_csrf_field_and_our_origin(
    diary: Diary, client: FlaskClient
) -> None:
    entry = diary.log("--site", "calf", "--duration", "90s", "--pain", "6")["id"]
    before = _row(diary, entry)
    csrf = signed_in(client)
    edit = {"site": "calf", "duration": "10s", "pain": "1"}
    for data, headers in [
        ({**edit}, {"Origin": ORIGIN}),
        ({**edit, "csrf": csrf}, {"Origin": "http://evil.example"}),
        ({**edit, "csrf": csrf}, {}),
    ]:
        for action in ("edit", "delete", "undo"):
            answer = client.post(f"/entries/{entry}/{action}", data=data, headers=headers)
            assert answer.status_code == 403, (action, headers)
    assert _row(diary, entry) == before


@pytest.mark.backend
def test_a_missing_entry_is_a_404_with_the_pages_message(client: FlaskClient) -> None:
    csrf = signed_in(client)
    for answer in (
        client.get("/entries/999/edit"),
        client.get("/entries/999/delete"),
        client.post("/entries/999/delete", data={"csrf": csrf}, headers={"Origin": ORIGIN}),
        client.post("/entries/999/edit", data={"csrf": csrf}, headers={"Origin": ORIGIN}),
    ):
        assert answer.status_code == 404
        page = answer.get_data(as_text=True)
        assert "No entry #999 in the diary" in page and "diary list" not in page


@pytest.mark.backend
def test_undo_is_offered_for_a_few_minutes_after_logging(diary: Diary, database: Database) -> None:
    clock = [NOW]
    app = create_app(WebDiary(database, load_config(), lambda: clock[0]), TOKEN, hosts=LOCAL_HOSTS)
    client = app.test_client()
    csrf = signed_in(client)
    first = client.post("/log", data={**CALF, "csrf": csrf}, headers={"Origin": ORIGIN})
    page = client.get(first.headers["Location"]).get_data(as_text=True)
    first_id = int(first.headers["Location"].rsplit("=", 1)[1])
    assert f'action="/entries/{first_id}/undo"' in page
    undone = client.post(
        f"/entries/{first_id}/undo", data={"csrf": csrf}, headers={"Origin": ORIGIN}
    )
    assert undone.status_code == 303 and count(diary) == 0
    assert "Undone: left calf" in _unescape(client.get("/").get_data(as_text=True))
    second = client.post("/log", data={**CALF, "csrf": csrf}, headers={"Origin": ORIGIN})
    second_id = int(second.headers["Location"].rsplit("=", 1)[1])
    clock[0] = NOW + timedelta(minutes=UNDO_MINUTES + 1)
    page = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "/undo" not in page  # no longer offered...
    late = client.post(
        f"/entries/{second_id}/undo", data={"csrf": csrf}, headers={"Origin": ORIGIN}
    )
    assert late.status_code == 400 and count(diary) == 1  # ...nor done


@pytest.mark.backend
def test_an_undecodable_note_is_refused_as_the_command_line_refuses_it(
    diary: Diary, client: FlaskClient
) -> None:
    csrf = signed_in(client)
    options = ["--site", "calf", "--duration", "90s", "--pain", "6", "--note", "\udcff\udcfe"]
    said = diary("log", *options).stderr.strip().removeprefix("diary: error: ")
    assert "not valid UTF-8" in said
    body = urllib.parse.urlencode({**CALF, "csrf": csrf}) + "&note=%FF%FE"
    answer = client.post("/log", data=body, headers={"Origin": ORIGIN},
                         content_type="application/x-www-form-urlencoded")  # fmt: skip
    assert answer.status_code == 400
    assert said in _unescape(answer.get_data(as_text=True))
    multipart = (
        b'--b\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n' + csrf.encode()
        + b'\r\n--b\r\nContent-Disposition: form-data; name="site"\r\n\r\ncalf'
        + b'\r\n--b\r\nContent-Disposition: form-data; name="duration"\r\n\r\n9s'
        + b'\r\n--b\r\nContent-Disposition: form-data; name="pain"\r\n\r\n1'
        + b'\r\n--b\r\nContent-Disposition: form-data; name="note"\r\n\r\n\xff\xfe\r\n--b--\r\n'
    )  # fmt: skip
    answer = client.post("/log", data=multipart, headers={"Origin": ORIGIN},
                         content_type="multipart/form-data; boundary=b")  # fmt: skip
    assert answer.status_code == 400 and said in _unescape(answer.get_data(as_text=True))
    assert count(diary) == 0
    fine = client.post("/log", data={**CALF, "csrf": csrf, "note": "crampe à 3 h ✓"},
                       headers={"Origin": ORIGIN})  # fmt: skip
    assert fine.status_code == 303 and diary.json("list")[0]["note"] == "crampe à 3 h ✓"


@pytest.mark.backend
def test_week_and_triggers_are_pages_not_terminal_text(
    diary: Diary, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DIARY_NOW", NOW.isoformat())
    diary.ok("demo", "--days", "60", "--db", os.environ["DIARY_DB"], "--yes")
    signed_in(client)
    for path in ("/week", "/week?week=2026-W45", "/triggers"):
        raw = client.get(path).get_data(as_text=True)
        assert "<pre" not in raw and "<h2" in raw and "<ul" in raw, path
        page = _unescape(raw)
        assert not re.search(r"`diary|\bdiary (log|day|experiment|triggers|report)\b", page)
        assert "Rule " not in page and "rule " not in page and "sources 0" not in page
        assert not re.search(r"#\d+\b", page), path  # no raw ids: links to the entries
    week = client.get("/week?week=2026-W46").get_data(as_text=True)
    assert "<table" in week and "<details" in week and "/entries/" in week and "/edit" in week


@pytest.mark.backend
def test_a_heavy_diary_home_lists_no_ids(diary: Diary, client: FlaskClient) -> None:
    rows = "\n".join(
        f"2026-11-{day:02d}T{hour:02d}:00:00,eyelid,,3,0"
        for day in range(8, 22)
        for hour in range(6, 22)
    )
    path = (
        Path(os.environ["DIARY_DB"]).with_name("many.csv")
        if "://" not in os.environ["DIARY_DB"]
        else None
    )
    if path is None:
        pytest.skip("a file next to the database is needed")
    path.write_text("at,site,side,duration_s,pain\n" + rows + "\n")
    diary.ok("import", str(path))
    signed_in(client)
    page = client.get("/").get_data(as_text=True)
    assert not re.search(r"#\d+\b", page)
    assert "entries behind it" in page or "/entries?flag=" in page
    assert len(page) < 40_000


@pytest.mark.backend
def test_the_page_can_be_added_to_the_home_screen(client: FlaskClient) -> None:
    manifest = FlaskClient(client.application).get("/manifest.webmanifest")  # no key needed
    assert manifest.status_code == 200
    assert manifest.headers["Content-Type"].startswith("application/manifest+json")
    data = manifest.get_json(force=True)
    assert data["display"] == "standalone" and data["start_url"] == "/"
    sizes = {icon["sizes"] for icon in data["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in data["icons"]:
        assert icon["src"].startswith("/static/")  # nothing from another site
        answer = client.get(icon["src"], buffered=True)
        assert answer.status_code == 200 and answer.data
        if icon["type"] == "image/png":
            assert answer.data[:8] == b"\x89PNG\r\n\x1a\n"
            width = int.from_bytes(answer.data[16:20], "big")
            assert f"{width}x{width}" == icon["sizes"]
    assert "manifest-src 'self'" in dict(HEADERS)["Content-Security-Policy"]
    signed_in(client)
    assert 'rel="manifest"' in client.get("/").get_data(as_text=True)


@pytest.mark.backend
def test_charts_are_drawn_for_the_width_they_are_shown_at(
    diary: Diary, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DIARY_NOW", NOW.isoformat())
    diary.ok("demo", "--days", "60", "--db", os.environ["DIARY_DB"], "--yes")
    signed_in(client)
    page = client.get("/charts").get_data(as_text=True)
    assert 'media="(min-width: 700px)"' in page and "size=wide" in page
    for size, inches in (
        ("phone", CHART_SIZES["phone"]["width"]),
        ("wide", CHART_SIZES["wide"]["width"]),
    ):
        svg = client.get(f"/charts/sites_by_label.svg?size={size}").get_data(as_text=True)
        width = re.search(r'<svg[^>]* width="([\d.]+)pt"', svg)
        assert width is not None and abs(float(width.group(1)) - 72 * inches) < 1
        sizes = [float(px) for px in re.findall(r"font-size: ([\d.]+)px", svg)]
        # An SVG user unit is a point here: 9 pt shown at its drawn width is 12 CSS px.
        assert sizes and min(sizes) >= 9.0
    assert client.get("/charts/sites_by_label.svg?size=huge").status_code == 404


@pytest.mark.backend
@pytest.mark.slow
def test_half_open_connections_do_not_stop_the_page(server: Server) -> None:
    """150 connections whose headers never finish (a slow or hostile client): the phone's
    request is answered at once, not after they time out."""
    address = urllib.parse.urlsplit(server.base)
    held: list[socket.socket] = []
    try:
        for _ in range(150):
            s = socket.create_connection((address.hostname, address.port), timeout=5)
            s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # no blank line: never ends
            held.append(s)
        time.sleep(0.5)
        request = urllib.request.Request(
            server.base + "/week", headers={"Authorization": f"Bearer {server.token}"}
        )
        started = time.monotonic()
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert answer.status == 200
        assert time.monotonic() - started < 5
    finally:
        for s in held:
            s.close()


@pytest.mark.backend
def test_calm_mode_shows_the_short_form_and_no_counts(
    diary: Diary, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DIARY_NOW", NOW.isoformat())
    diary.ok("log", "--site", "eyelid", "--duration", "3s", "--pain", "0", "--at", "10:00")
    diary.ok("calm", "on")
    csrf = signed_in(client)
    home = client.get("/").get_data(as_text=True)
    assert 'action="/log"' in home and "Today" not in home and "eyelid · 3 s" not in home
    answer = client.post("/log", data={**CALF, "breathing": "1", "csrf": csrf},
                         headers={"Origin": ORIGIN})  # fmt: skip
    page = _unescape(client.get(answer.headers["Location"]).get_data(as_text=True))
    assert "Noted." in page and "Stored:" not in page
    assert page.count(SEEK_CARE_NOW) == 1  # urgent flags are never hidden
    week = client.get("/week?week=2026-W47").get_data(as_text=True)
    assert "Twitching on" in week and "<table" not in week and "/edit" not in week


@pytest.mark.backend
def test_a_rule_raised_at_several_sites_is_one_line_with_all_its_entries(
    client: FlaskClient, database: Database
) -> None:
    """Twitching that keeps coming back at the eyelid and the thumb reads as one line on the
    home page, as in the doctor PDF, and its link lists the entries of both sites."""
    import html

    from diary import services
    from diary.domain import NewEpisode

    days = [NOW.date() - timedelta(days=d) for d in range(20)]
    twitches = [
        NewEpisode(
            at=datetime.combine(day, datetime.min.time()) + timedelta(hours=9),
            site=site,
            duration_s=3,
            pain=0,
            visible="flicker",
        )
        for day in days
        for site in ("eyelid", "thumb")
    ]
    services.add_many(database, twitches, now=NOW)
    signed_in(client)
    raw = client.get("/").get_data(as_text=True)
    page = _unescape(raw)
    assert "Twitching keeps coming back at 2 sites (eyelid, thumb)" in page
    assert "Twitching keeps coming back at the eyelid" not in page
    link = re.search(r'href="(/entries\?flag=persistent_twitching[^"]*)"', raw)
    assert link is not None
    listed = client.get(html.unescape(link.group(1))).get_data(as_text=True)
    assert "Twitching keeps coming back at 2 sites (eyelid, thumb)</h1>" in listed
    assert listed.count('class="entry"') == 40


@pytest.mark.backend
def test_a_rule_at_doctor_level_at_some_sites_and_watch_at_others_links_each_apart(
    client: FlaskClient, database: Database
) -> None:
    """Twitching for weeks at the thigh and thumb (doctor) and for a few days at the eyelid
    and cheek (watch): each line's link shows its own sites' entries."""
    import html

    from diary import services
    from diary.domain import NewEpisode

    def twitch(day_back: int, site: str) -> NewEpisode:
        day = NOW.date() - timedelta(days=day_back)
        return NewEpisode(
            at=datetime.combine(day, datetime.min.time()) + timedelta(hours=9),
            site=site,
            duration_s=3,
            pain=0,
            visible="flicker",
        )

    long = [twitch(d, site) for d in (0, 6, 12, 20) for site in ("thigh", "thumb")]
    # watch: 4 days in a week, and not at the same time as each other
    short = [twitch(d, "eyelid") for d in (1, 2, 3, 4)] + [
        twitch(d, "cheek") for d in (20, 21, 22, 23)
    ]
    services.add_many(database, long + short, now=NOW)
    signed_in(client)
    raw = client.get("/").get_data(as_text=True)
    links = re.findall(r'href="(/entries\?flag=persistent_twitching[^"]*)"', raw)
    pages = [client.get(html.unescape(link)).get_data(as_text=True) for link in links]
    doctor = [p for p in pages if "(thigh, thumb)</h1>" in p]
    watch = [p for p in pages if "(cheek, eyelid)</h1>" in p]
    assert doctor and watch
    assert doctor[0].count('class="entry"') == len(long)
    assert watch[0].count('class="entry"') == len(short)


@pytest.mark.backend
def test_the_week_page_says_coffee_every_day_cannot_be_compared_in_plain_words(
    client: FlaskClient, database: Database
) -> None:
    from diary import services
    from diary.domain import Exposure, KeptDay, NewEpisode

    days = [NOW.date() - timedelta(days=d) for d in range(1, 22)]
    kept = [
        KeptDay(day, (Exposure("caffeine", 2.0),), checked_in_at=datetime.combine(day, NOW.time()))
        for day in days
    ]
    twitches = [
        NewEpisode(
            at=datetime.combine(day, datetime.min.time()) + timedelta(hours=9),
            site="eyelid",
            duration_s=3,
            pain=0,
            visible="flicker",
        )
        for day in days
    ]
    services.add_many(database, twitches, now=NOW, days=kept)
    signed_in(client)
    page = _unescape(client.get("/week").get_data(as_text=True))
    assert "Had on every kept day, so nothing to compare with: caffeine" in page
    assert "only days planned without it can tell." in page
    assert "`" not in page and "diary experiment" not in page


@pytest.mark.backend
def test_a_past_weeks_flag_links_to_its_entries_as_they_stood_then(
    client: FlaskClient, database: Database
) -> None:
    """A cramp of 9/10 five weeks ago: the flag is on that week's page but no longer active
    today; its link still shows it, as of the week's end."""
    import html

    from diary import services
    from diary.domain import NewEpisode
    from diary.parsing import iso_week_name

    then = NOW - timedelta(days=35)
    cramp = NewEpisode(at=then, site="calf", duration_s=90, pain=9, visible="bulge", stiff=True)
    services.add_many(database, [cramp], now=NOW)
    signed_in(client)
    week = client.get(f"/week?week={iso_week_name(then.date())}").get_data(as_text=True)
    link = re.search(r'href="(/entries\?flag=severe_pain[^"]*)"', week)
    assert link is not None and "as_of=" in link.group(1)
    shown = _unescape(client.get(html.unescape(link.group(1))).get_data(as_text=True))
    assert "Severe pain during a contraction" in shown and "As the flags stood" in shown
    assert shown.count("9/10") >= 1
    today = _unescape(client.get("/entries?flag=severe_pain&key=").get_data(as_text=True))
    assert "no longer active" in today
    refused = client.get("/entries?flag=severe_pain&as_of=someday")
    assert refused.status_code == 400


@pytest.mark.backend
def test_entries_of_several_days_name_their_day(client: FlaskClient, database: Database) -> None:
    """A flag's entries and a week's entries span days: each says which (today's list on the
    home page says the time alone)."""
    from diary import services
    from diary.domain import NewEpisode

    days = [NOW.date() - timedelta(days=d) for d in range(20)]
    twitches = [
        NewEpisode(
            at=datetime.combine(day, datetime.min.time()) + timedelta(hours=9),
            site="eyelid",
            duration_s=3,
            pain=0,
            visible="flicker",
        )
        for day in days
    ]
    services.add_many(database, twitches, now=NOW)
    signed_in(client)
    first = days[-1]

    def shown(path: str) -> list[str]:  # what each entry's line says (not its hidden link text)
        page = client.get(path).get_data(as_text=True)
        return re.findall(r'<span class="what">([^<]*)', page)

    assert any(
        line.startswith(f"{first:%a %d %b %Y} 09:00")
        for line in shown("/entries?flag=persistent_twitching&key=eyelid")
    )
    monday = NOW.date() - timedelta(days=NOW.weekday() + 7)
    assert any(line.startswith(f"{monday:%a %d %b %Y} 09:00") for line in shown("/week"))
