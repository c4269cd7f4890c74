"""A second outside attack on a fresh clone, and a newcomer's month: data that must survive a
round trip, files and devices that must not be touched, and exit codes that must be right.
Each case: one line on stderr naming the value and what is accepted, the exit code, nothing
written."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from diary.interchange import parse_file
from tests.conftest import Diary
from tests.test_hostile import LOG, NOW, refused


def run(*args: str, timeout: float = 30, **env: str) -> subprocess.CompletedProcess[str]:
    """`python -m diary ARGS` in a process of its own (a hang or a closed stream cannot
    take the test run with it)."""
    return subprocess.run(
        [sys.executable, "-m", "diary", *args],
        capture_output=True, text=True, timeout=timeout, env={**os.environ, **env},
    )  # fmt: skip


def one_line(done: subprocess.CompletedProcess[str], code: int, *words: str) -> None:
    err = done.stderr.strip()
    assert done.returncode == code, (done.returncode, done.stdout, err)
    assert len(err.splitlines()) == 1 and "internal error" not in err, err
    for word in words:
        assert word in err, (word, err)


@pytest.fixture
def sqlite_db(db_target: str) -> Path:
    if "://" in db_target:
        pytest.skip("a file's bytes: SQLite only")
    return Path(db_target)


# --- data that must survive the round trip -----------------------------------------------------


def test_a_carriage_return_in_a_note_stays_in_its_cell(diary: Diary, tmp_path: Path) -> None:
    """Unquoted, a spreadsheet started a new row at the CR, with a live formula as its first
    cell, and `diary import` of the file failed with an internal error."""
    note = "ok\r=HYPERLINK(1)"
    diary.ok(*LOG, "--note", note)
    out = tmp_path / "notes.csv"
    diary.ok("export", "--format", "csv", "--out", str(out))
    text = out.read_bytes().decode("utf-8")  # as written: no newline translation
    assert '"ok\r=HYPERLINK(1)"' in text  # quoted: one cell, not a row with a formula
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 2 and rows[1][rows[0].index("note")] == note
    other = tmp_path / "other.sqlite3"
    Diary().ok("--db", str(other), "import", str(out))
    assert Diary().json("--db", str(other), "list")[0]["note"] == note


def _export_row(diary: Diary, tmp_path: Path) -> tuple[str, str]:
    diary.ok(*LOG, "--trigger", "coffee", "--note", 'a, "quoted" note', "--at", "2026-11-20 08:00")
    out = tmp_path / "one.csv"
    diary.ok("export", "--format", "csv", "--out", str(out))
    header, row = out.read_text(encoding="utf-8").splitlines()
    return header, row


def test_a_row_cut_off_anywhere_is_refused(diary: Diary, tmp_path: Path) -> None:
    """27 of 57 cut points of a real export were accepted, later fields silently defaulted.
    Every cut before the last cell (the confidence, which an import recomputes) is refused."""
    header, row = _export_row(diary, tmp_path)
    last_cell = row.rindex(",")
    accepted = []
    for cut in range(1, last_cell + 1):
        try:
            parse_file(f"{header}\n{row[:cut]}\n", kind="csv")
        except Exception as exc:
            assert "row 1" in str(exc), (cut, exc)
        else:
            accepted.append(row[:cut])
    assert accepted == []


def test_an_unbalanced_quote_does_not_swallow_the_rest(diary: Diary, tmp_path: Path) -> None:
    header, row = _export_row(diary, tmp_path)
    path = tmp_path / "broken.csv"
    cells = row.split(",")
    cells[cells.index("6") + 1] = '"coffee'  # the triggers cell opens a quote it never closes
    path.write_text(f"{header}\n{','.join(cells)}\n{row}\n", encoding="utf-8")
    before = diary.json("list")
    refused(diary("import", str(path)), 2, "row 1", "quote")
    assert diary.json("list") == before


def _document(**changes: Any) -> dict[str, Any]:
    episode = {"at": "2026-11-20T08:00:00", "site": "calf", "duration_s": 90.0, "pain": 6}
    document: dict[str, Any] = {"format": "contraction-diary", "version": 1}
    document.update({k: v for k, v in changes.items() if k in ("format", "version")})
    episode.update({k: v for k, v in changes.items() if k not in ("format", "version")})
    document["episodes"] = [episode]
    return document


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"format": "other"}, "'other'"),
        ({"version": 99}, "version 99"),
        ({"version": "1"}, "version '1'"),
        ({"pain": "7"}, "pain '7'"),
        ({"triggers": "caffeine"}, "triggers 'caffeine'"),
        ({"duration_s": "90"}, "duration_s '90'"),
        ({"stiff": "true"}, "stiff 'true'"),
        ({"count": 2.0}, "count 2.0"),
    ],
)
def test_a_json_import_must_be_ours_and_strictly_typed(
    changes: dict[str, Any], words: str, diary: Diary, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("DIARY_NOW", NOW)
    path = tmp_path / "in.json"
    path.write_text(json.dumps(_document(**changes)), encoding="utf-8")
    refused(diary("import", str(path)), 2, words)
    assert diary.json("list") == []


def test_the_typed_document_itself_is_accepted(
    diary: Diary, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The refusals above are about the one changed value, not the document."""
    monkeypatch.setenv("DIARY_NOW", NOW)
    path = tmp_path / "in.json"
    path.write_text(json.dumps(_document(triggers=["coffee"], count=2)), encoding="utf-8")
    diary.ok("import", str(path))
    assert [(e["pain"], e["triggers"], e["count"]) for e in diary.json("list")] == [
        (6, ["caffeine"], 2)
    ]


def test_an_id_is_never_given_twice(diary: Diary) -> None:
    """Delete the newest entry, log again: the new one gets a new number (a printed "#2"
    keeps naming the entry it named)."""
    first = diary.log(*LOG[1:])["id"]
    second = diary.log(*LOG[1:])["id"]
    diary.ok("delete", str(second), "--yes")
    third = diary.log(*LOG[1:])["id"]
    assert first < second < third


def test_an_id_is_never_given_twice_after_a_backup_and_restore(
    sqlite_db: Path, tmp_path: Path
) -> None:
    diary = Diary()
    diary.log(*LOG[1:])
    newest = diary.log(*LOG[1:])["id"]
    diary.ok("delete", str(newest), "--yes")
    backup = tmp_path / "copy.backup"
    diary.ok("backup", str(backup))
    diary.ok("restore", str(backup), "--yes")
    assert diary.log(*LOG[1:])["id"] > newest


# --- text that breaks or is misread -------------------------------------------------------------


def test_the_mark_of_undecodable_text_is_refused_like_undecodable_text(diary: Diary) -> None:
    """A page's form decodes bytes %FF%FE into U+FFFD; the command line refuses undecodable
    arguments: one rule for both, in the shared check."""
    for option in ("--note", "--trigger"):
        refused(diary(*LOG, option, "caf\ufffd"), 2, "U+FFFD")
    refused(diary("day", "--had", "caf\ufffd=2"), 2, "U+FFFD")
    assert diary.json("list") == []
    assert diary.json("days") == [] or not any(d["kept"] for d in diary.json("days"))


def test_an_imported_check_in_keeps_no_undecodable_name(
    diary: Diary, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DIARY_NOW", NOW)
    document = _document()
    document["days"] = [{"date": "2026-11-20", "exposures": {"caf\ufffd": 2}}]
    path = tmp_path / "in.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    refused(diary("import", str(path)), 2, "U+FFFD")
    assert diary.json("list") == []


@pytest.mark.parametrize(("had", "words"), [("=3", "has no name"), ("coffee=3=4", "one '='")])
def test_an_exposure_needs_one_name_and_one_amount(had: str, words: str, diary: Diary) -> None:
    """`--had =3` stored an exposure named "3"; `--had coffee=3=4` stored 4 cups."""
    refused(diary("day", "--had", had), 2, repr(had), words)
    assert not any(d["kept"] for d in diary.json("days"))


def test_the_check_in_never_prints_an_escape_sequence_from_the_config(
    diary: Diary, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    # A name that clears the screen and turns what follows red.
    config.write_text('[check-in]\nexposures = ["\\u001b[2J\\u001b[31mcoffee"]\n')
    monkeypatch.setenv("DIARY_CONFIG", str(config))
    monkeypatch.setattr("diary.cli.days.stdin_is_interactive", lambda: True)
    result = diary("day", input="\n\n\n")
    assert "\x1b" not in result.stdout + result.stderr
    refused(result, 2, "[check-in]", "printable")


@pytest.mark.parametrize(
    "table",
    ['units = { caffeine = ["x", 1] }', 'units = { caffeine = "" }', "exposures = [3]"],
)
def test_check_in_settings_are_validated(
    table: str, diary: Diary, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f"[check-in]\n{table}\n")
    monkeypatch.setenv("DIARY_CONFIG", str(config))
    refused(diary("config", "show"), 2, "[check-in]", "is not accepted")
    refused(diary("day", "--had", "coffee"), 2, "[check-in]")


# --- files and devices ---------------------------------------------------------------------


def _device(path: Path) -> Path:
    """A character device like /dev/null, at `path` (needs the right to make one)."""
    try:
        os.mknod(path, 0o644 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device node needs root")
    return path


@pytest.mark.parametrize("kind", ["device", "fifo", "socket"])
def test_a_diary_that_is_not_a_regular_file_is_never_touched(kind: str, tmp_path: Path) -> None:
    """A device had its mode changed to 0600 (as root, /dev/null would be) before "disk I/O
    error"; a FIFO hung forever."""
    path = tmp_path / kind
    if kind == "device":
        _device(path)
    elif kind == "fifo":
        os.mkfifo(path)
    else:
        import socket

        with socket.socket(socket.AF_UNIX) as server:
            server.bind(str(path))
    before = path.lstat()
    done = run(*LOG, DIARY_DB=str(path))
    one_line(done, 2, str(path), "not a regular file")
    after = path.lstat()
    assert (after.st_mode, after.st_uid) == (before.st_mode, before.st_uid)
    assert not Path(f"{path}-wal").exists() and not Path(f"{path}-journal").exists()


@pytest.mark.parametrize("special", ["fifo", "/dev/zero", "folder"])
def test_a_config_that_is_not_a_regular_file_is_refused(
    special: str, db_target: str, tmp_path: Path
) -> None:
    """A FIFO as DIARY_CONFIG hung forever; /dev/zero was read without limit."""
    path = special
    if special == "fifo":
        path = str(tmp_path / "fifo")
        os.mkfifo(path)
    elif special == "folder":
        path = str(tmp_path)
    one_line(run("config", "show", DIARY_CONFIG=path), 2, "config file", "not a regular file")


def test_a_check_ins_file_beside_the_export_is_not_replaced_unasked(
    diary: Diary, tmp_path: Path
) -> None:
    diary.ok(*LOG)
    diary.ok("day", "--had", "coffee=2")
    beside = tmp_path / "notes.days.csv"
    beside.write_text("my own notes\n")
    out = tmp_path / "notes.csv"
    refused(diary("export", "--format", "csv", "--out", str(out)), 2, str(beside), "--yes")
    assert beside.read_text() == "my own notes\n" and not out.exists()
    diary.ok("export", "--format", "csv", "--out", str(out), "--yes")
    assert beside.read_text().startswith("date,")


def test_the_default_visit_pdf_is_not_replaced_unasked(
    diary: Diary, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    diary.ok(*LOG)
    Path("visit.pdf").write_bytes(b"last month's visit")
    refused(diary("report", "doctor"), 2, "visit.pdf", "--yes")
    assert Path("visit.pdf").read_bytes() == b"last month's visit"


def test_asking_for_the_schema_of_no_diary_creates_nothing(tmp_path: Path) -> None:
    target = tmp_path / "out" / "never.sqlite3"
    result = Diary().ok("--db", str(target), "db", "current")
    assert "no diary yet" in result.stdout
    assert not target.exists() and not target.parent.exists()


@pytest.mark.parametrize("kind", ["fifo", "device", "folder"])
def test_a_restore_names_what_the_backup_really_is(
    kind: str, sqlite_db: Path, tmp_path: Path
) -> None:
    """A FIFO, a device or a folder was reported as "does not exist"."""
    Diary().ok(*LOG)
    path = tmp_path / kind
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "device":
        _device(path)
    else:
        path.mkdir()
    done = run("restore", str(path), "--yes", timeout=30)
    one_line(done, 2, "a folder" if kind == "folder" else "not a regular file")
    assert "does not exist" not in done.stderr
    assert len(Diary().json("list")) == 1


def test_a_killed_write_leaves_nothing_behind_after_the_next_one(
    diary: Diary, tmp_path: Path
) -> None:
    diary.ok(*LOG)
    out = tmp_path / "diary.json"
    stale = tmp_path / ".diary.json.k3x_9a2q.part"  # what a write killed an hour ago left
    fresh = tmp_path / ".diary.json.abcdefgh.part"  # a write still running
    other = tmp_path / ".diary.json.mine.part"  # not a name of ours
    for path in (stale, fresh, other):
        path.write_text("half an export")
    hours_ago = time.time() - 2 * 3600
    for path in (stale, other):
        os.utime(path, (hours_ago, hours_ago))
    diary.ok("export", "--format", "json", "--out", str(out))
    assert not stale.exists()
    assert fresh.exists() and other.exists()
    assert json.loads(out.read_text())["episodes"]


# --- exit codes and messages --------------------------------------------------------------------


def test_an_empty_out_is_bad_input(diary: Diary, tmp_path: Path) -> None:
    diary.ok(*LOG)
    diary.ok("day", "--had", "coffee")
    for fmt in ("csv", "json"):
        refused(diary("export", "--format", fmt, "--out", ""), 2, "--out", "is not a file name")


@pytest.mark.parametrize("size", ["nan", "1e300", "inf", "0"])
def test_a_size_limit_must_be_a_size(size: str, diary: Diary, tmp_path: Path) -> None:
    path = tmp_path / "in.json"
    path.write_text(json.dumps(_document()))
    refused(diary("import", str(path), "--max-size", size), 2, "--max-size")
    assert diary.json("list") == []


def test_a_closed_standard_output_is_bad_input(db_target: str) -> None:
    command = " ".join([sys.executable, "-m", "diary", *LOG])
    done = subprocess.run(
        ["sh", "-c", f"{command} >&-"], stderr=subprocess.PIPE, text=True, timeout=60,
        env={**os.environ},
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "standard output is closed" in done.stderr and "Traceback" not in done.stderr
    assert Diary().json("list") == []


@pytest.mark.parametrize(
    ("now", "words"),
    [("9999-12-31T23:59", "9999-12-31T23:59"), ("1800-01-01", "1800-01-01")],
)
def test_a_pinned_clock_outside_the_diarys_years_is_refused(
    now: str, words: str, diary: Diary, monkeypatch: pytest.MonkeyPatch
) -> None:
    """9999-12-31 ended in an internal error; 1800 stored an episode before the 1900 floor."""
    monkeypatch.setenv("DIARY_NOW", now)
    refused(diary(*LOG), 2, "DIARY_NOW", words, "1900")
    monkeypatch.delenv("DIARY_NOW")
    assert diary.json("list") == []


def test_a_closed_pipe_is_quiet_success(db_target: str, tmp_path: Path) -> None:
    """`diary list | head -1`: "Broken pipe" and exit 1 before."""
    episodes = [
        {"at": f"2026-11-{1 + i % 20:02d}T08:{i % 60:02d}:00", "site": "calf",
         "duration_s": 90.0, "pain": 6, "note": "x" * 200}
        for i in range(600)
    ]  # fmt: skip
    path = tmp_path / "many.json"
    path.write_text(json.dumps({"episodes": episodes}))
    Diary().ok("import", str(path))
    for args in (("list",), ("list", "--json"), ("export", "--format", "csv")):
        with subprocess.Popen(
            [sys.executable, "-m", "diary", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ},
        ) as process:  # fmt: skip
            assert process.stdout is not None and process.stderr is not None
            process.stdout.readline()
            process.stdout.close()  # `| head -1`: the reader leaves after one line
            err = process.stderr.read().decode()
            assert process.wait(timeout=60) == 0, (args, err)
        assert err == "", (args, err)


def test_the_version_is_printed(diary: Diary) -> None:
    from diary import __version__

    result = diary("--version")
    assert result.exit_code == 0 and result.stdout.strip() == f"diary {__version__}"


@pytest.fixture
def cannot_write_folder(sqlite_db: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    Diary().ok(*LOG, "--note", "kept")
    folder = sqlite_db.parent
    folder.chmod(0o555)
    # Root may write anywhere; the diary asks os.access, which then says what a user hears.
    real_access = os.access
    monkeypatch.setattr(
        "os.access",
        lambda p, mode, **kw: (
            False if mode & os.W_OK and Path(p) == folder else real_access(p, mode, **kw)
        ),
    )
    yield folder
    folder.chmod(0o755)


def test_a_diary_in_a_read_only_folder_can_be_read(cannot_write_folder: Path) -> None:
    diary = Diary()
    assert [e["note"] for e in diary.json("list")] == ["kept"]
    refused(diary(*LOG), 1, "read-only")


# --- a newcomer's month -----------------------------------------------------------------------


def test_a_night_of_unknown_hour_follows_its_day(
    diary: Diary, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The night of 25 Nov was listed before that day's 10:00 entry."""
    monkeypatch.setenv("DIARY_NOW", "2026-11-26T08:00")
    morning = diary.log(*LOG[1:], "--at", "2026-11-25 10:00")["id"]
    night = diary.log(*LOG[1:], "--at", "last night", "--note", "night")["id"]
    before = diary.log(*LOG[1:], "--at", "2026-11-25 00:30")["id"]
    next_morning = diary.log(*LOG[1:], "--at", "2026-11-26 07:00")["id"]
    expected = [before, morning, night, next_morning]
    assert [e["id"] for e in diary.json("list")] == expected
    assert [e["id"] for e in diary.json("list", "--since", "2026-11-25")] == expected
    table = diary.ok("list").stdout
    rows = [line for line in table.splitlines() if "calf" in line and line.split()[0].isdigit()]
    assert [int(line.split()[0]) for line in rows] == expected
    exported = json.loads(diary.ok("export", "--format", "json").stdout)["episodes"]
    assert [e["id"] for e in exported] == expected


def test_a_part_of_the_day_is_kept_and_shown(diary: Diary, monkeypatch: pytest.MonkeyPatch) -> None:
    """'this afternoon' was stored as "time not given"; '3 am', '23.40', '3am last night' and
    'sunday night' were refused."""
    monkeypatch.setenv("DIARY_NOW", "2026-11-23T16:00")  # a Monday
    afternoon = diary.log(*LOG[1:], "--at", "this afternoon")
    assert afternoon["time_known"] is False
    shown = diary.ok("show", str(afternoon["id"])).stdout
    assert "afternoon (hour not given)" in shown and "15:00" not in shown
    assert "afternoon" in diary.ok("list").stdout
    for typed, at in [
        ("3 am", "2026-11-23T03:00:00"),
        ("23.40", "2026-11-22T23:40:00"),
        ("3am last night", "2026-11-23T03:00:00"),
        ("11 pm yesterday", "2026-11-22T23:00:00"),
    ]:
        episode = diary.log(*LOG[1:], "--at", typed)
        assert (episode["at"], episode["time_known"]) == (at, True), typed
    night = diary.log(*LOG[1:], "--at", "sunday night")
    assert (night["at"][:10], night["time_known"], night["part_of_day"]) == (
        "2026-11-22",
        False,
        "night",
    )
    assert night["classification"]["subtype"] == "nocturnal"
    refused(diary(*LOG, "--at", "this evening"), 2, "'this evening'", "not begun")
