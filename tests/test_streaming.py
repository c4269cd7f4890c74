"""`diary list` streams: a diary of years is listed a page at a time, the table still lines
up across pages, and the JSON is the same text as one `json.dumps` of the whole list."""

from __future__ import annotations

import json
import os
import tracemalloc
from contextlib import redirect_stdout
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from diary.cli import app, render
from diary.domain import NewEpisode, TriggerEntry
from diary.storage import add_episodes, open_database
from diary.storage import episodes as stored_episodes
from tests.conftest import Diary

START = datetime(2020, 1, 1, 8, 0)


def _fill(path: Path, count: int, *, last_site: str = "calf") -> None:
    """`count` episodes an hour apart; the last one at `last_site` (a long name widens the
    table's "where" column only on the last page)."""
    episodes = [
        NewEpisode(
            at=START + timedelta(hours=i),
            site=last_site if i == count - 1 else "calf",
            side="left" if i % 2 else None,
            duration_s=90.0,
            pain=i % 11,
            triggers=(TriggerEntry("caffeine"),) if i % 3 == 0 else (),
        )
        for i in range(count)
    ]
    database = open_database(str(path))
    with database.writing() as connection:
        add_episodes(episodes, connection=connection, logged_at=START)
    database.dispose()


def _peak_listing(path: Path, *args: str) -> float:
    """Peak memory (MB) Python allocated while `diary list` wrote to /dev/null."""
    with open(os.devnull, "w") as sink, redirect_stdout(sink):
        app(["--db", str(path), "list", *args], standalone_mode=False)  # imports, warm-up
        tracemalloc.start()
        try:
            app(["--db", str(path), "list", *args], standalone_mode=False)
            return tracemalloc.get_traced_memory()[1] / 1e6
        finally:
            tracemalloc.stop()


@pytest.mark.parametrize("args", [(), ("--json",)])
def test_list_memory_does_not_grow_with_the_diary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    monkeypatch.setattr(stored_episodes, "EPISODE_PAGE", 200)
    small, large = tmp_path / "small.sqlite3", tmp_path / "large.sqlite3"
    _fill(small, 2500)  # more than a batch of lines written at once
    _fill(large, 10000)
    grown = _peak_listing(large, *args) - _peak_listing(small, *args)
    # Holding 7,500 more episodes (objects, labels, rows of text) takes about 6 MB.
    assert grown < 1.0, f"{grown:.1f} MB more for 4 times the episodes"


def test_the_table_lines_up_across_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stored_episodes, "EPISODE_PAGE", 100)
    path = tmp_path / "diary.sqlite3"
    _fill(path, 450, last_site="sternocleidomastoid")
    lines = Diary().ok("--db", str(path), "list").stdout.splitlines()
    assert lines[-1] == "450 episodes."
    table = lines[:-1]
    assert len(table) == 451
    column = table[0].index("count")
    assert "sternocleidomastoid" in table[-1]
    # Every row's count cell ends where the header's does (right-aligned under "count").
    assert {line.index("×") + len(line[line.index("×") :].split()[0]) for line in table[1:]} == {
        column + len("count")
    }


def test_list_last_streams_only_the_latest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stored_episodes, "EPISODE_PAGE", 7)
    path = tmp_path / "diary.sqlite3"
    _fill(path, 40)
    listed = Diary().json("--db", str(path), "list", "--last", "15")
    assert [e["id"] for e in listed] == list(range(26, 41))


@pytest.mark.parametrize(
    "items",
    [[], [{"a": 1}], [{"note": "ça va\nnon", "n": [1, 2, {"x": None}]}, {"b": "é"}, 3]],
)
def test_json_array_is_written_as_one_dumps_would_write_it(
    items: list[object], capsys: pytest.CaptureFixture[str]
) -> None:
    render.print_json_array(iter(items))
    streamed = capsys.readouterr().out
    render.print_json(items)
    assert streamed == capsys.readouterr().out
    assert json.loads(streamed) == items
