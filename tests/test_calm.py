"""Calm mode: each output against the same diary outside it. What must go is gone; every
urgent and doctor flag stays, byte for byte; JSON keeps every number."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from diary.analysis.flags import NOT_A_DIAGNOSIS
from tests.conftest import Diary

NOW = "2026-11-22T21:00:00"  # a Sunday: this ISO week is 2026-W47
TWITCH = ("--site", "eyelid", "--duration", "3s", "--pain", "0", "--visible", "flicker")
SPASM = ("--site", "calf", "--duration", "2m", "--pain", "7", "--visible", "bulge", "--stiff")
# Eyelid twitching on four days of one week (a watch-level flag), and two calf spasms.
HISTORY = [
    (*TWITCH, "--at", "2026-11-16T08:00"),
    (*TWITCH, "--at", "2026-11-17T08:00"),
    (*TWITCH, "--at", "2026-11-17T12:00"),
    (*TWITCH, "--at", "2026-11-19T08:00"),
    (*TWITCH, "--at", "2026-11-20T08:00"),
    (*SPASM, "--at", "2026-11-18T02:30"),
    (*SPASM, "--at", "2026-11-21T18:00"),
]
WARNING_SIGNS = ["--breathing", "--speech", "--swallowing", "--weakness"]


class Pair:
    """The same diary twice: `plain` as ever, `calm` with calm mode on (copies of one
    diary built once per module: every command run through the CLI costs)."""

    def __init__(self, diary: Diary, folder: Path, template: Path) -> None:
        self.diary = diary
        self.plain_db = str(folder / "plain.sqlite3")
        self.calm_db = str(folder / "calm.sqlite3")
        shutil.copyfile(template, self.plain_db)
        shutil.copyfile(template, self.calm_db)
        self.calm("calm", "on")

    def plain(self, *args: str) -> Result:
        return self.diary.ok("--db", self.plain_db, *args)

    def calm(self, *args: str) -> Result:
        return self.diary.ok("--db", self.calm_db, *args)

    def both(self, *args: str) -> tuple[str, str]:
        return self.plain(*args).stdout, self.calm(*args).stdout


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """HISTORY logged through the CLI, as one self-contained file (a `diary backup`)."""
    folder = tmp_path_factory.mktemp("calm-template")
    with pytest.MonkeyPatch.context() as env:  # hermetic, as the autouse fixture is per test
        for name, value in (("HOME", ""), ("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "cfg")):
            env.setenv(name, str(folder / value))
        for name in ("DIARY_DB", "DIARY_CONFIG"):
            env.delenv(name, raising=False)
        env.setenv("DIARY_NOW", NOW)
        built, copy = str(folder / "built.sqlite3"), folder / "history.sqlite3"
        runner = Diary()
        for entry in HISTORY:
            runner.ok("--db", built, "log", *entry)
        runner.ok("--db", built, "backup", str(copy))
    return copy


@pytest.fixture
def pair(diary: Diary, tmp_path: Path, template: Path, monkeypatch: pytest.MonkeyPatch) -> Pair:
    monkeypatch.setenv("DIARY_NOW", NOW)
    monkeypatch.setenv("COLUMNS", "100")
    return Pair(diary, tmp_path, template)


def _after_first_lines(text: str, n: int) -> str:
    return text.split("\n", n)[n]


OTHERS = re.compile(r"\n\d+ other flags? active: `diary flags` lists them\.\n")


# --- the setting --------------------------------------------------------------------------


def test_status_json_is_off_then_on_since_the_day_then_off(
    diary: Diary, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DIARY_NOW", NOW)
    assert diary.json("calm", "status") == {"calm": False, "since": None}
    on = diary.ok("calm", "on").stdout
    assert "What never changes" in on and "Urgent and doctor flags" in on
    assert diary.json("calm", "status") == {"calm": True, "since": "2026-11-22"}
    monkeypatch.setenv("DIARY_NOW", "2026-11-25T10:00:00")
    assert "already on" in diary.ok("calm", "on").stdout
    assert diary.json("calm", "status") == {"calm": True, "since": "2026-11-22"}  # kept
    assert diary.json("calm", "off") == {"calm": False, "since": None}
    assert diary.json("calm", "status") == {"calm": False, "since": None}
    assert diary.json("calm", "on") == {"calm": True, "since": "2026-11-25"}


def test_calm_without_a_subcommand_or_with_a_bad_one(diary: Diary) -> None:
    assert diary("calm").exit_code == 0
    bad = diary("calm", "maybe")
    assert bad.exit_code == 2 and "maybe" in bad.stderr


# --- log ----------------------------------------------------------------------------------------


def test_log_answers_noted_and_nothing_else(pair: Pair) -> None:
    plain, calm = pair.both("log", *TWITCH)
    assert "Looks like: twitch" in plain and "confidence" in plain
    assert calm == "Noted.\n"


@pytest.mark.parametrize("sign", WARNING_SIGNS)
def test_a_warning_sign_prints_the_same_urgent_or_doctor_block_at_once(
    pair: Pair, sign: str
) -> None:
    plain, calm = pair.both("log", "--site", "calf", "--duration", "20s", "--pain", "3", sign)
    assert plain.startswith("Logged #") and calm.startswith("Noted.\n")
    block = _after_first_lines(plain, 2)  # after "Logged #..." and "Looks like: ..."
    assert "This episode is evidence for:" in block
    assert ("URGENT" in block) or ("Worth booking a visit with a doctor" in block)
    # The count of other active flags leaves out the watch-level one in calm mode.
    assert OTHERS.sub("", calm) == "Noted.\n" + OTHERS.sub("", block)


def test_log_json_is_the_same_in_calm_mode(pair: Pair) -> None:
    plain, calm = pair.both("log", *TWITCH, "--json")
    assert json.loads(plain) == json.loads(calm)


# --- flags --------------------------------------------------------------------------------------


def test_flags_keep_urgent_and_doctor_flags_byte_for_byte_and_move_watch_notes(
    pair: Pair,
) -> None:
    pair.both("log", "--site", "calf", "--duration", "20s", "--pain", "2", "--weakness")
    plain, calm = pair.both("flags")
    assert "[watch]" in plain and "persistent_twitching" in plain
    assert "[watch]" not in calm and "persistent_twitching" not in calm
    loud = plain.split("\nKeep an eye on\n", 1)[0]
    assert "[doctor] Muscle weakness" in loud
    assert calm.startswith(loud + "\n")
    assert "watch-level notes are in the weekly summary" in calm


def test_flags_json_is_the_same_in_calm_mode(pair: Pair) -> None:
    plain, calm = pair.both("flags", "--json")
    assert json.loads(plain) == json.loads(calm)
    assert any(f["severity"] == "watch" for f in json.loads(calm)["flags"])


# --- export, import, backup -----------------------------------------------------------------------


def test_export_and_import_carry_calm_mode_and_its_checks(pair: Pair, tmp_path: Path) -> None:
    pair.calm("flags")
    exported = tmp_path / "calm.json"
    pair.calm("export", "--format", "json", "--out", str(exported))
    document = json.loads(exported.read_text())
    assert document["calm"]["calm"] is True and document["calm"]["since"] == "2026-11-22"
    assert document["checks"] == [{"opened_at": NOW, "what": "flags"}]
    fresh = str(tmp_path / "fresh.sqlite3")
    pair.diary.ok("--db", fresh, "import", str(exported))
    pair.diary.ok("--db", fresh, "import", str(exported))  # twice: nothing doubles
    again = json.loads(pair.diary.ok("--db", fresh, "export", "--format", "json").stdout)
    assert again["calm"] == document["calm"]
    assert again["checks"] == document["checks"]
    assert pair.diary.json("--db", fresh, "calm", "status") == {
        "calm": True,
        "since": "2026-11-22",
    }


@pytest.mark.parametrize(
    "calm, checks, words",
    [
        ({"calm": "yes"}, None, "'calm' in a JSON import"),
        ({"calm": True}, None, "gives no changed_at"),
        (None, [{"opened_at": "2026-11-20T10:00:00", "what": "episodes"}], "'what' must be"),
        (None, [{"opened_at": "yesterday", "what": "weekly"}], "not an ISO 8601"),
        (None, {"what": "weekly"}, "must be an array"),
    ],
)
def test_a_bad_calm_or_checks_key_refuses_the_whole_import(
    diary: Diary, tmp_path: Path, calm: object, checks: object, words: str
) -> None:
    document: dict[str, object] = {"episodes": [], "days": []}
    if calm is not None:
        document["calm"] = calm
    if checks is not None:
        document["checks"] = checks
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document))
    result = diary("import", str(path))
    assert result.exit_code == 2 and words in result.stderr
    assert diary.json("calm", "status") == {"calm": False, "since": None}


@pytest.mark.parametrize("part", ["calm", "experiments"])
def test_a_refused_import_creates_no_diary(diary: Diary, tmp_path: Path, part: str) -> None:
    """A file refused for its calm mode or experiments part is refused before any diary is
    opened: no new diary file appears, even with --dry-run."""
    document = {"format": "contraction-diary", "version": 1, "episodes": [], "days": []}
    document[part] = {"calm": "yes"} if part == "calm" else [{"exposure": 3}]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document))
    target = tmp_path / "never.sqlite3"
    for dry in ([], ["--dry-run"]):
        result = diary("--db", str(target), "import", str(path), *dry)
        assert result.exit_code == 2, result.output
        assert not target.exists()


def _open_checks(db: str, moments: list[datetime]) -> None:
    from diary.services import calm
    from diary.storage import open_database

    database = open_database(db)
    try:
        for moment in moments:
            calm.record_check(database, "weekly", moment)
    finally:
        database.dispose()


def _counted(db: str, today: date) -> tuple[int, int]:
    from diary.services import calm
    from diary.storage import open_database

    database = open_database(db)
    try:
        return calm.checks_this_and_last_week(database, today)
    finally:
        database.dispose()


LAST_WEEK = [datetime(2026, 11, 9 + i % 7, 8 + i, 0) for i in range(9)]  # W46, nine times
THIS_WEEK = [datetime(2026, 11, 16, 9, 0), datetime(2026, 11, 22, 20, 59)]  # W47, twice


def test_checks_are_counted_by_iso_week(pair: Pair) -> None:
    _open_checks(pair.calm_db, [datetime(2026, 11, 8, 23, 59), *LAST_WEEK, *THIS_WEEK])
    assert _counted(pair.calm_db, date(2026, 11, 22)) == (2, 9)
    assert _counted(pair.calm_db, date(2026, 11, 23)) == (0, 2)  # Monday: a new week


def test_the_checks_survive_a_backup_and_restore(pair: Pair, tmp_path: Path) -> None:
    _open_checks(pair.calm_db, [*LAST_WEEK, *THIS_WEEK])
    copy = tmp_path / "calm.backup"
    pair.calm("backup", str(copy))
    pair.calm("calm", "off")
    _open_checks(pair.calm_db, [datetime(2026, 11, 22, 10, 0)])
    pair.calm("restore", str(copy), "--yes")
    assert _counted(pair.calm_db, date(2026, 11, 22)) == (2, 9)
    assert pair.diary.json("--db", pair.calm_db, "calm", "status")["calm"] is True


# --- the weekly summary -------------------------------------------------------------------------


def _section(text: str, start: str, ends: tuple[str, ...]) -> str:
    """From the line `start` up to the first of `ends` after it."""
    body = text[text.index(start) :]
    cut = min((body.index(end) for end in ends if end in body), default=len(body))
    return body[:cut]


COUNTS = (r"\d+ twitch", r"\d+ episode", r"→", r"Time in episodes", r"(?m)^Site\s")
FLAGS_ENDS = ("Self-care from", "Twitching: what is known", "summaries opened", NOT_A_DIAGNOSIS)


def test_weekly_text_shows_days_not_counts_and_the_same_flags(pair: Pair) -> None:
    pair.both("log", "--site", "calf", "--duration", "20s", "--pain", "2", "--weakness")
    plain, calm = pair.both("report", "weekly", "--week", "2026-W47")
    assert "Twitching on 4 of 7 days.\nOther entries on 1 of 7 days." in calm
    assert "Spasms or cramps: 2 entries (1 at night); pain mean 7.0/10, max 7/10." in calm
    flags = _section(plain, "Flags at the end of the week", FLAGS_ENDS)
    assert "DOCTOR Muscle weakness" in flags and "WATCH Twitching keeps coming back" in flags
    assert _section(calm, "Flags at the end of the week", FLAGS_ENDS) == flags
    for gone in COUNTS:  # counts of twitches, the comparison with last week, the tables
        assert re.search(gone, plain), gone
        assert not re.search(gone, calm.replace(flags, "")), gone
    assert "summaries opened this week: 1 (last week 0)" in calm
    assert "talk to a GP: CBT for health anxiety works" in calm
    assert "summaries opened" not in plain and "Reed & Kurland" not in plain


def test_the_base_rates_show_once_a_week_with_their_sources(
    pair: Pair, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = pair.calm("report", "weekly").stdout
    for source in ("Reed & Kurland 1963", "Blexrud", "Mattiuzzi & Lippi", "Logroscino", "Turner"):
        assert source in first, source
    second = pair.calm("report", "weekly", "--format", "markdown").stdout
    assert "Reed & Kurland" not in second and "summaries opened this week: 2" in second
    monkeypatch.setenv("DIARY_NOW", "2026-11-23T08:00:00")  # Monday: a new week
    third = pair.calm("report", "weekly").stdout
    assert "Reed & Kurland 1963" in third
    assert "summaries opened this week: 1 (last week 2)" in third
    for text in (first, second, third):
        assert "don't have ALS" not in text and "do not have ALS" not in text


def test_weekly_markdown_shows_days_not_counts_and_the_same_flags(pair: Pair) -> None:
    plain, calm = pair.both("report", "weekly", "--week", "2026-W47", "--format", "markdown")
    assert "| site | episodes |" in plain
    assert "- Twitching on 4 of 7 days." in calm
    for gone in (*COUNTS[:3], r"\| site \|"):
        assert re.search(gone, plain), gone
        assert not re.search(gone, calm), gone
    flags = _section(plain, "## Flags", ("## Self-care", "## Twitching", "## Checking"))
    assert "[watch]" in flags
    assert _section(calm, "## Flags", ("## Self-care", "## Twitching", "## Checking")) == flags


def test_weekly_json_is_the_same_and_not_counted(pair: Pair) -> None:
    plain, calm = pair.both("report", "weekly", "--week", "2026-W47", "--format", "json")
    assert json.loads(plain) == json.loads(calm)
    assert json.loads(calm)["by_label"]["twitch"] == 5
    assert _counted(pair.calm_db, date(2026, 11, 22)) == (0, 0)


def test_opened_twice_this_week_and_nine_times_last_week_and_after_a_restore(
    pair: Pair, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for moment in LAST_WEEK:
        monkeypatch.setenv("DIARY_NOW", moment.isoformat())
        pair.calm(
            "flags" if moment.hour % 2 else "report", *([] if moment.hour % 2 else ["weekly"])
        )
    monkeypatch.setenv("DIARY_NOW", "2026-11-17T09:00:00")
    pair.calm("report", "weekly")
    monkeypatch.setenv("DIARY_NOW", NOW)
    shown = pair.calm("report", "weekly").stdout
    assert "summaries opened this week: 2 (last week 9)" in shown
    copy = tmp_path / "calm.backup"
    pair.calm("backup", str(copy))
    pair.calm("calm", "off")
    pair.calm("restore", str(copy), "--yes")
    again = pair.calm("report", "weekly").stdout
    assert "summaries opened this week: 3 (last week 9)" in again


# --- charts and the doctor PDF --------------------------------------------------------------------


def test_charts_leave_out_per_day_twitch_counts_and_trends(pair: Pair, tmp_path: Path) -> None:
    plain = pair.plain("charts", "--out", str(tmp_path / "plain"), "--format", "svg")
    calm = pair.calm("charts", "--out", str(tmp_path / "calm"), "--format", "svg")
    assert "twitch trends" in calm.stderr and "twitch trends" not in plain.stderr
    per_day = {
        name: (tmp_path / name / "episodes_per_day.svg").read_text() for name in ("plain", "calm")
    }
    assert ">twitch<" in per_day["plain"] and ">twitch<" not in per_day["calm"]
    assert ">spasm<" in per_day["calm"]  # spasm and cramp bars stay
    assert (tmp_path / "calm" / "pain_over_time.svg").is_file()
    assert _counted(pair.calm_db, date(2026, 11, 22)) == (1, 0)
    scripted = pair.calm("charts", "--out", str(tmp_path / "json"), "--format", "svg", "--json")
    assert json.loads(scripted.stdout)  # JSON: the same list of paths, not counted
    assert _counted(pair.calm_db, date(2026, 11, 22)) == (1, 0)


def test_the_chart_view_drops_only_the_twitch_series() -> None:
    from diary.analysis.classify import classify_all
    from diary.analysis.series import chart_data
    from diary.services.calm import charts_view
    from tests.factories import spasm, twitch

    start = date(2026, 11, 1)
    episodes = [twitch(i, date(2026, 11, 1 + i)) for i in range(1, 15)]
    episodes += [spasm(20 + i, date(2026, 11, 2 + 2 * i), pain=3 + i) for i in range(6)]
    labels = classify_all(episodes)
    data = chart_data(episodes, lambda e: labels[e.id], start, date(2026, 11, 20))
    assert sum(data.daily["twitch"]) == 14 and any(v is not None for v in data.rolling_mean)
    calm = charts_view(data)
    assert sum(calm.daily["twitch"]) == 0 and all(v is None for v in calm.rolling_mean)
    assert calm.daily["spasm"] == data.daily["spasm"]
    assert calm.pain_points["spasm"] == data.pain_points["spasm"]
    assert not calm.pain_points["twitch"]
    assert (calm.sites, calm.total) == (data.sites, data.total)


def test_the_doctor_pdf_is_the_same_plus_the_count_of_checks(
    pair: Pair, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from matplotlib.text import Text

    import diary.reports.doctor as doctor

    made: list[Any] = []

    def capture(report: Any, out: Path, *, paper: str = "a4") -> int:
        made.append(report)
        return 1

    monkeypatch.setattr(doctor, "write_visit_pdf", capture)
    pair.calm("report", "weekly")
    pair.plain("report", "doctor", "--out", str(tmp_path / "plain.pdf"))
    pair.calm("report", "doctor", "--out", str(tmp_path / "calm.pdf"))
    plain, calm = made
    assert plain.checks_note is None
    assert "summaries, flags or charts 1 times this week" in calm.checks_note
    assert "since 22 Nov 2026" in calm.checks_note

    def text(report: Any) -> str:  # every text of every page, in order, wrapped lines joined
        return " ".join(
            t.get_text() for page in doctor.visit_pages(report) for t in page.findobj(Text)
        )

    with_note = text(calm)
    assert calm.checks_note in with_note
    assert with_note.replace(" " + calm.checks_note, "", 1) == text(plain)  # nothing else


# --- the page -------------------------------------------------------------------------------------

TOKEN = "c" * 40
BEARER = {"Authorization": f"Bearer {TOKEN}"}


def _page(db: str) -> Any:
    pytest.importorskip("flask", reason="the web extra is not installed")
    from diary.config import load_config
    from diary.storage import open_database
    from diary.web.app import Diary as WebDiary
    from diary.web.app import create_app
    from diary.web.security import LOCAL_HOSTS

    database = open_database(db)
    web = WebDiary(database, load_config(), lambda: datetime.fromisoformat(NOW))
    return create_app(web, TOKEN, hosts=LOCAL_HOSTS).test_client(), database


def _sections(page: str, kind: str) -> list[str]:
    return re.findall(rf'<section class="{kind}".*?</section>', page, flags=re.DOTALL)


@pytest.mark.parametrize("sign", WARNING_SIGNS)
def test_the_page_shows_the_same_urgent_or_doctor_flag_at_once_in_calm_mode(
    pair: Pair, sign: str
) -> None:
    pages = {}
    for name, db in (("plain", pair.plain_db), ("calm", pair.calm_db)):
        client, database = _page(db)
        try:
            form = {"site": "calf", "duration": "20s", "pain": "3", sign.removeprefix("--"): "1"}
            posted = client.post("/log", data=form, headers=BEARER)
            assert posted.status_code == 303, posted.get_data(as_text=True)
            pages[name] = client.get(posted.headers["Location"], headers=BEARER).get_data(
                as_text=True
            )
        finally:
            database.dispose()
    plain, calm = pages["plain"], pages["calm"]
    assert "Noted." in calm and "Looks like" in plain and "Looks like" not in calm
    loud = _sections(plain, "urgent") + _sections(plain, "doctor")
    assert loud, "a warning sign raises an urgent or a doctor flag"
    assert _sections(calm, "urgent") + _sections(calm, "doctor") == loud


def test_the_charts_page_leaves_out_twitch_series_and_counts_its_opening(pair: Pair) -> None:
    drawn = {}
    for name, db in (("plain", pair.plain_db), ("calm", pair.calm_db)):
        client, database = _page(db)
        try:
            assert client.get("/charts", headers=BEARER).status_code == 200
            svg = client.get("/charts/episodes_per_day.svg?size=phone", headers=BEARER)
            assert svg.status_code == 200
            drawn[name] = svg.data
        finally:
            database.dispose()
    assert b">twitch<" in drawn["plain"] and b">twitch<" not in drawn["calm"]
    assert _counted(pair.calm_db, date(2026, 11, 22)) == (1, 0)
    assert _counted(pair.plain_db, date(2026, 11, 22)) == (0, 0)


def test_the_home_page_in_calm_mode_leaves_watch_notes_and_todays_list_to_the_week(
    pair: Pair,
) -> None:
    shown = {}
    for name, db in (("plain", pair.plain_db), ("calm", pair.calm_db)):
        client, database = _page(db)
        try:
            shown[name] = client.get("/", headers=BEARER).get_data(as_text=True)
            week = client.get("/week?week=2026-W47", headers=BEARER).get_data(as_text=True)
        finally:
            database.dispose()
    assert "Keep an eye on" in shown["plain"] and "Keep an eye on" not in shown["calm"]
    assert 'href="/week"' in shown["calm"]
    assert "Twitching on 4 of 7 days." in week  # the calm week page
    assert "summaries opened this week: 1 (last week 0)" in week
    assert _counted(pair.calm_db, date(2026, 11, 22)) == (1, 0)


def test_a_diary_busy_with_another_writer_still_shows_the_flags_in_calm_mode(
    pair: Pair, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    pair.both("log", "--site", "calf", "--duration", "20s", "--pain", "2", "--weakness")
    monkeypatch.setenv("DIARY_LOCK_TIMEOUT", "0.2")
    writer = sqlite3.connect(pair.calm_db, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # another program holds the write lock
        shown = pair.calm("flags").stdout  # the opening cannot be counted: flags show anyway
        assert "[doctor] Muscle weakness" in shown
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert _counted(pair.calm_db, date(2026, 11, 22)) == (0, 0)
