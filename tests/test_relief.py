"""What helped: `--relief` on log and edit, its vocabulary, its round trips and its counts."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from diary.analysis.classify import classify_all
from diary.analysis.relief import what_helped
from diary.domain import ReliefEntry
from diary.storage import open_database
from diary.storage.database import migration_connection
from diary.storage.migrate import downgrade, upgrade_to_head
from tests.conftest import Diary
from tests.factories import spasm, twitch

pytestmark = pytest.mark.backend

CRAMP = ("--site", "left calf", "--duration", "2m", "--pain", "7", "--stiff", "--visible", "bulge")


def _relief(diary: Diary, episode_id: int) -> list[dict[str, object]]:
    relief: list[dict[str, object]] = diary.json("show", str(episode_id))["relief"]
    return relief


@pytest.mark.parametrize(
    ("typed", "measure", "detail"),
    [
        ("stretching", "stretch", None),
        ("sports drink", "water", "sports drink"),
        ("fluids", "water", None),
        ("electrolytes", "water", "electrolytes"),
        ("heating pad", "heat", None),
        ("ice pack", "ice", None),
        ("walk it off", "walk", None),
        ("massaged", "massage", None),
        ("resting", "rest", None),
        ("medication:baclofen", "medication", "baclofen"),
        ("Baclofen", "medication", "baclofen"),
        ("warm shower", "warm shower", None),  # not in the vocabulary: kept as typed
    ],
)
def test_each_alias_maps_to_its_measure(
    diary: Diary, typed: str, measure: str, detail: str | None
) -> None:
    episode = diary.log(*CRAMP, "--relief", f"{typed}=yes")
    assert episode["relief"] == [{"measure": measure, "detail": detail, "helped": "yes"}]


def test_one_line_stretched_it_helped_ice_it_did_not(diary: Diary) -> None:
    result = diary.ok("log", *CRAMP, "--relief", "stretch=yes", "--relief", "ice=no")
    assert "tried stretch: helped; ice: did not help" in result.stdout
    assert _relief(diary, 1) == [
        {"measure": "stretch", "detail": None, "helped": "yes"},
        {"measure": "ice", "detail": None, "helped": "no"},
    ]


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("stretch=maybe", "relief outcome 'maybe'"),
        ("strech", "did you mean 'stretch'"),
        ("=yes", "names no measure"),
        ("=", "empty relief measure"),
        ("stretch;ice", "contains ';'"),
    ],
)
def test_bad_relief_is_refused_and_nothing_is_written(diary: Diary, value: str, words: str) -> None:
    result = diary("log", *CRAMP, "--relief", value)
    assert result.exit_code == 2
    assert words in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert diary.json("list") == []


def test_edit_adds_the_outcome_the_morning_after(diary: Diary) -> None:
    diary.log(*CRAMP, "--relief", "stretch", "--relief", "medication:baclofen")
    assert _relief(diary, 1)[0]["helped"] is None
    diary.ok("edit", "1", "--relief", "stretch=yes", "--relief", "medication=some")
    assert _relief(diary, 1) == [
        {"measure": "stretch", "detail": None, "helped": "yes"},
        {"measure": "medication", "detail": "baclofen", "helped": "some"},
    ]
    diary.ok("edit", "1", "--relief", "heat")  # added, the others kept
    assert [r["measure"] for r in _relief(diary, 1)] == ["stretch", "medication", "heat"]
    refused = diary("edit", "1", "--relief", "stretch=perhaps")
    assert refused.exit_code == 2
    assert _relief(diary, 1)[0]["helped"] == "yes"


def test_no_relief_clears_them(diary: Diary) -> None:
    diary.log(*CRAMP, "--relief", "stretch=yes")
    diary.ok("edit", "1", "--no-relief")
    assert _relief(diary, 1) == []
    diary.ok("edit", "1", "--no-relief", "--relief", "ice=no")  # clear, then note anew
    assert _relief(diary, 1) == [{"measure": "ice", "detail": None, "helped": "no"}]


def test_tingling_is_a_sign_of_its_own(diary: Diary) -> None:
    episode = diary.log("--site", "eyelid", "--duration", "3s", "--pain", "0", "--tingling")
    assert episode["tingling"] is True
    assert "tingling" in diary.ok("log", "--help").stdout


@pytest.mark.parametrize("kind", ["csv", "json"])
def test_relief_survives_export_and_import_byte_for_byte(
    diary: Diary, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    diary.log(*CRAMP, "--relief", "stretch=yes", "--relief", "medication:baclofen=some")
    diary.log(*CRAMP, "--relief", "=ice", "--relief", "warm shower=no", "--relief", "water")
    first = tmp_path / f"first.{kind}"
    diary.ok("export", "--format", kind, "--out", str(first))
    monkeypatch.setenv("DIARY_DB", str(tmp_path / "other.sqlite3"))
    diary.ok("import", str(first))
    second = tmp_path / f"second.{kind}"
    diary.ok("export", "--format", kind, "--out", str(second))
    strip = (lambda t: t) if kind == "csv" else json.loads
    assert strip(second.read_text()) == strip(first.read_text())
    assert "stretch=yes;medication:baclofen=some" in first.read_text() or kind == "json"


def test_json_import_is_strictly_typed_for_relief(diary: Diary, tmp_path: Path) -> None:
    record = {"at": "2026-11-20T03:10:00", "site": "calf", "duration_s": 60, "pain": 5}
    for relief in ("stretch", [{"measure": "stretch", "helped": "maybe"}], [{"measure": 3}]):
        path = tmp_path / "bad.json"
        document = {"format": "contraction-diary", "version": 1}
        path.write_text(json.dumps({**document, "episodes": [{**record, "relief": relief}]}))
        result = diary("import", str(path))
        assert result.exit_code == 2, relief
        assert "relief" in result.stderr
    assert diary.json("list") == []


def test_a_diary_at_the_previous_revision_upgrades_with_nothing_lost(diary: Diary) -> None:
    diary.log(*CRAMP, "--trigger", "dehydration")
    diary.log("--site", "eyelid", "--duration", "3s", "--pain", "0", "--count", "5")
    database = open_database(None)
    with migration_connection(database) as connection:
        downgrade(connection, "0005")
    with database.engine.connect() as connection:
        columns = connection.execute(text("SELECT * FROM episodes")).keys()
    assert "tingling" not in columns
    with migration_connection(database) as connection:
        upgrade_to_head(connection, current="0005")
    database.dispose()
    episodes = diary.json("list")
    assert [e["site"] for e in episodes] == ["calf", "eyelid"]
    assert episodes[0]["triggers"] == ["dehydration"] and episodes[1]["count"] == 5
    assert all(e["relief"] == [] and e["tingling"] is False for e in episodes)


def test_what_helped_counts_as_reported_and_leaves_twitches_out() -> None:
    day = date(2026, 11, 20)
    episodes = [
        spasm(
            1, day, relief=(ReliefEntry("stretch", helped="yes"), ReliefEntry("ice", None, "no"))
        ),
        spasm(2, day, relief=(ReliefEntry("stretch", helped="some"),)),
        spasm(3, day, relief=(ReliefEntry("stretch"), ReliefEntry("medication", "baclofen"))),
        twitch(4, day),
    ]
    labels = classify_all(episodes)
    helped = what_helped(episodes, labels)
    assert helped.as_dict() == {
        "stretch": {"tried": 3, "yes": 1, "some": 1, "no": 0, "unknown": 1},
        "ice": {"tried": 1, "yes": 0, "some": 0, "no": 1, "unknown": 0},
        "medication": {"tried": 1, "yes": 0, "some": 0, "no": 0, "unknown": 1},
    }
    assert helped.by_measure["medication"].details == ("baclofen",)
    assert helped.by_measure["stretch"].words == (
        "stretch: tried 3 times, helped 1, some 1, no 0, not known 1"
    )


def test_durations_are_compared_only_with_enough_episodes_on_both_sides() -> None:
    day = date(2026, 11, 20)
    stretched = (ReliefEntry("stretch", helped="yes"),)
    episodes = [spasm(i, day, duration_s=60.0, relief=stretched) for i in range(1, 4)]
    episodes += [spasm(i, day, duration_s=240.0) for i in range(4, 6)]
    labels = classify_all(episodes)
    assert what_helped(episodes, labels).durations == ()  # only 2 without
    episodes.append(spasm(6, day, duration_s=300.0))
    (durations,) = what_helped(episodes, classify_all(episodes)).durations
    assert (durations.median_with_s, durations.median_without_s) == (60.0, 240.0)
    assert (durations.n_with, durations.n_without) == (3, 3)


def test_the_page_form_and_the_command_line_meet_the_same_check() -> None:
    from diary.checks import relief_from

    assert relief_from("stretch=yes;ice") == (
        ReliefEntry("stretch", None, "yes"),
        ReliefEntry("ice", None, None),
    )


def test_the_weekly_report_counts_relief_of_its_week(
    diary: Diary, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DIARY_NOW", "2026-11-27T20:00")
    diary.log(*CRAMP, "--at", "2026-11-16T03:00", "--relief", "ice=yes")  # the week before
    for day, outcome in (("23", "yes"), ("24", "no"), ("25", "")):
        stretch = f"stretch={outcome}" if outcome else "stretch"
        diary.log(*CRAMP, "--at", f"2026-11-{day}T03:00", "--relief", stretch)
    diary.log(*CRAMP, "--at", "2026-11-26T03:00", "--relief", "sports drink=some")
    diary.log("--site", "eyelid", "--duration", "3s", "--pain", "0", "--relief", "rest=yes")
    week = diary.json_format("report", "weekly", "--week", "2026-W48")
    assert week["relief"] == {
        "stretch": {"tried": 3, "yes": 1, "some": 0, "no": 1, "unknown": 1},
        "water": {"tried": 1, "yes": 0, "some": 1, "no": 0, "unknown": 0},
    }
    text = diary.ok("report", "weekly", "--week", "2026-W48").stdout
    assert "stretch: tried 3 times, helped 1, some 0, no 1, not known 1" in text
    assert "not a test of what works" in text


def test_the_doctor_pdf_names_every_measure_tried_and_the_tingling() -> None:
    from diary.analysis.series import chart_data
    from diary.analysis.visit import VisitReport
    from diary.reports.doctor import visit_pages
    from tests.factories import episode

    day = date(2026, 11, 10)
    tried = (
        ReliefEntry("stretch", None, "yes"),
        ReliefEntry("water", "sports drink", "no"),
        ReliefEntry("warm shower", None, None),
    )
    episodes = [
        spasm(1, day, relief=tried),
        spasm(2, day, relief=(ReliefEntry("medication", "baclofen", "some"),)),
        spasm(3, day, relief=(ReliefEntry("heat", None, "yes"), ReliefEntry("ice"))),
        episode(id=4, day=day, site="eyelid", duration_s=3, pain=0, tingling=True),
    ]
    labels = classify_all(episodes)
    start, end = date(2026, 11, 1), date(2026, 11, 20)
    charts = chart_data(episodes, lambda e: labels[e.id], start, end)
    report = VisitReport(start, end, date(2026, 11, 21), episodes, labels, [], charts)
    text = " ".join(t.get_text() for page in visit_pages(report) for t in page.texts)
    text = " ".join(text.split())
    for measure in ("stretch", "water (sports drink)", "warm shower", "heat", "ice"):
        assert f"{measure}: tried once" in text, measure
    assert "medication (baclofen): tried once, helped 0, some 1" in text
    assert "Tingling or numbness noted with 1 entry: 10 Nov" in text


def test_the_fhir_bundle_carries_relief_and_stays_valid(diary: Diary) -> None:
    from fhir.resources.R4B.bundle import Bundle

    diary.log(*CRAMP, "--relief", "stretch=yes", "--relief", "medication:baclofen")
    fhir = json.loads(diary.ok("export", "--format", "fhir").stdout)
    Bundle.model_validate(fhir)
    notes = [
        n["text"]
        for entry in fhir["entry"]
        for n in entry["resource"].get("note", [])
        if entry["resource"]["resourceType"] == "Observation"
    ]
    said = (
        "Tried for relief (patient-reported): stretch (helped), medication (baclofen) (not known)."
    )
    assert said in notes


def test_one_episode_counts_once_per_measure() -> None:
    day = date(2026, 11, 20)
    both = (ReliefEntry("water", None, None), ReliefEntry("water", "sports drink", "yes"))
    episodes = [spasm(1, day, relief=both)]
    helped = what_helped(episodes, classify_all(episodes))
    assert helped.as_dict() == {"water": {"tried": 1, "yes": 1, "some": 0, "no": 0, "unknown": 0}}
    assert helped.by_measure["water"].details == ("sports drink",)
