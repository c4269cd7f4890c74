"""The page keeps no text the command line would refuse: bytes that are not UTF-8 in a form
(%FF%FE) were stored as two U+FFFD, and a check-in's `had=coffee=3=4` as 4 cups."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

pytest.importorskip("flask", reason="the web extra is not installed: pip install -e '.[web]'")

from flask.testing import FlaskClient

from diary.config import load_config
from diary.storage import open_database
from diary.web.app import Diary as WebDiary
from diary.web.app import create_app
from diary.web.security import LOCAL_HOSTS
from tests.conftest import Diary
from tests.test_web import NOW, TOKEN

BEARER = {"Authorization": f"Bearer {TOKEN}", "Host": "localhost"}
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def client(db_target: str) -> Iterator[FlaskClient]:
    database = open_database(db_target)
    app = create_app(WebDiary(database, load_config(), lambda: NOW), TOKEN, hosts=LOCAL_HOSTS)
    yield app.test_client()
    database.dispose()


@pytest.mark.parametrize("field", ["note", "trigger"])
def test_undecodable_form_text_is_refused_as_on_the_command_line(
    field: str, client: FlaskClient, diary: Diary
) -> None:
    body = f"site=calf&duration=90s&pain=6&{field}=%FF%FE"
    answer = client.post("/log", data=body, content_type=FORM, headers=BEARER)
    assert answer.status_code == 400
    assert "not valid UTF-8 text" in answer.get_data(as_text=True)
    assert diary.json("list") == []


@pytest.mark.parametrize("had", ["coffee=3=4", "=3", "caf%FF%FE=2"])
def test_a_check_in_from_the_page_parses_exposures_as_the_command_line(
    had: str, client: FlaskClient, diary: Diary
) -> None:
    body = f"date=2026-11-21&had={had}"
    answer = client.post("/day", data=body, content_type=FORM, headers=BEARER)
    assert answer.status_code == 400
    assert not any(day["kept"] for day in diary.json("days", "--since", "2026-11-20"))
