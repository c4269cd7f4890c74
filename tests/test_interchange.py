"""Export, import, backup and restore: nothing lost, nothing doubled, nothing half-written."""

from __future__ import annotations

import csv
import io
import json
import stat
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diary.analysis.classify import classify_all
from diary.domain import Episode, TriggerEntry
from diary.interchange import parse_file, to_csv, to_json
from diary.vocabulary import SITES, TRIGGERS
from tests.conftest import Diary

pytestmark = pytest.mark.backend

NOTES = [
    "plain",
    'with "quotes", commas\nand a newline',
    "emoji 🦵⚡",
    "=SUM(A1:A9)",
    "+1 call doctor",
    "-5 better",
    "@mention",
    "'quoted",
    "''twice",
]


@pytest.fixture
def filled(diary: Diary) -> Diary:
    for i, note in enumerate(NOTES):
        diary.ok(
            "log",
            "--site",
            "calf" if i % 2 else "eyelid",
            "--duration",
            f"{3 + i * 20}s",
            "--pain",
            str(i % 11),
            "--trigger",
            "statin" if i == 3 else "coffee",
            "--trigger",
            "-weird trigger",
            "--note",
            note,
            "--at",
            f"2026-11-{i + 1:02d}T08:00",
        )
    return diary


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_import_export_is_identical(
    filled: Diary, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    first = tmp_path / f"first.{fmt}"
    filled.ok("export", "--format", fmt, "--out", str(first))
    assert stat.S_IMODE(first.stat().st_mode) == 0o600
    monkeypatch.setenv("DIARY_DB", str(tmp_path / "other.sqlite3"))
    assert "Imported 9 episodes" in filled.ok("import", str(first)).stdout
    second = tmp_path / f"second.{fmt}"
    filled.ok("export", "--format", fmt, "--out", str(second))
    assert first.read_bytes() == second.read_bytes()


def test_csv_neutralises_formulas_and_import_restores_them(filled: Diary) -> None:
    exported = filled.ok("export", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert rows[0].keys() >= {
        "id",
        "at",
        "site",
        "duration_s",
        "pain",
        "triggers",
        "label",
        "subtype",
        "confidence",
    }
    notes = [r["note"] for r in rows]
    assert "'=SUM(A1:A9)" in notes and "'+1 call doctor" in notes and "'-5 better" in notes
    assert "'@mention" in notes and "'''twice" in notes
    assert all(not cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r.values())
    assert rows[0]["triggers"] == "caffeine;weird trigger"  # a typed leading '-' is a bullet
    assert rows[3]["trigger_details"] == "medication=statin"


def test_importing_twice_adds_nothing(filled: Diary, tmp_path: Path) -> None:
    path = tmp_path / "all.json"
    filled.ok("export", "--format", "json", "--out", str(path))
    result = filled.json("import", str(path))
    assert result == {
        "rows": 9,
        "added": 0,
        "duplicates": 9,
        "dry_run": False,
        "days_added": 0,
        "days_already_kept": 0,
    }
    assert len(filled.json("list")) == 9


def test_importing_into_another_diary_twice_adds_nothing_the_second_time(
    filled: Diary, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "all.csv"
    filled.ok("export", "--format", "csv", "--out", str(path))
    monkeypatch.setenv("DIARY_DB", str(tmp_path / "other.sqlite3"))
    filled.ok("log", "--site", "thumb", "--duration", "2s", "--pain", "0")  # takes id 1
    assert filled.json("import", str(path))["added"] == 9
    assert filled.json("import", str(path)) == {
        "rows": 9,
        "added": 0,
        "duplicates": 9,
        "dry_run": False,
        "days_added": 0,
        "days_already_kept": 0,
    }
    since_first = filled.json("list", "--since", "2026-11-01", "--until", "2026-11-01")
    assert [e["note"] for e in since_first] == ["plain"]


def test_an_invalid_row_rejects_the_whole_file(filled: Diary, tmp_path: Path) -> None:
    exported = filled.ok("export", "--format", "csv").stdout.splitlines()
    header, good = exported[0], exported[1]
    bad_pain = good.replace(",eyelid,", ",eyelid,").split(",")
    bad_pain[5] = "11"
    bad_site = good.split(",")
    bad_site[2] = "elbowz"
    path = tmp_path / "mixed.csv"
    path.write_text(
        "\n".join(
            [
                header,
                good.replace("2026-11-01", "2025-01-01"),
                ",".join(bad_pain),
                ",".join(bad_site),
            ]
        )
        + "\n"
    )
    result = filled("import", str(path))
    assert result.exit_code == 2
    assert "row 2: pain 11 is out of range" in result.stderr
    assert "row 3: unknown site 'elbowz'" in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert len(filled.json("list")) == 9


def test_import_of_a_broken_or_missing_file(diary: Diary, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    result = diary("import", str(broken))
    assert result.exit_code == 2 and "not valid JSON" in result.stderr
    result = diary("import", str(tmp_path / "missing.csv"))
    assert result.exit_code == 2 and "does not exist" in result.stderr


def test_dry_run_writes_nothing(
    filled: Diary, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "all.csv"
    filled.ok("export", "--format", "csv", "--out", str(path))
    monkeypatch.setenv("DIARY_DB", str(tmp_path / "empty.sqlite3"))
    assert filled.json("import", str(path), "--dry-run")["added"] == 9
    assert filled.json("list") == []


def test_export_period(filled: Diary) -> None:
    data = json.loads(
        filled.ok(
            "export", "--format", "json", "--since", "2026-11-03", "--until", "2026-11-04"
        ).stdout
    )
    assert [e["at"][:10] for e in data["episodes"]] == ["2026-11-03", "2026-11-04"]


# Any text a person can store: everything but NUL, lone surrogates and U+FFFD (the marks of
# undecodable input, refused on the way in). Carriage returns and line feeds included.
text_without_nul = st.text(
    st.characters(exclude_categories=["Cs"], exclude_characters="\x00\ufffd"), max_size=40
)
episodes = st.builds(
    Episode,
    id=st.integers(1, 10_000),
    at=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2030, 1, 1)).map(
        lambda d: d.replace(microsecond=0)
    ),
    site=st.sampled_from(SITES),
    duration_s=st.integers(1, 86_400).map(float),
    pain=st.integers(0, 10),
    side=st.sampled_from([None, "left", "right", "both"]),
    triggers=st.lists(st.sampled_from(TRIGGERS), unique=True, max_size=3).map(
        lambda names: tuple(TriggerEntry(n, "statin" if n == "medication" else None) for n in names)
    ),
    visible=st.sampled_from(["none", "flicker", "bulge"]),
    stiff=st.booleans(),
    weakness=st.booleans(),
    breathing=st.booleans(),
    soreness_hours=st.one_of(st.none(), st.floats(0, 500).map(lambda h: round(h, 2))),
    note=st.one_of(st.none(), text_without_nul.filter(lambda s: s != "")),
    logged_at=st.just(datetime(2030, 1, 1)),
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(episodes, max_size=5, unique_by=lambda e: e.id))
def test_any_valid_episode_survives_both_formats(batch: list[Episode]) -> None:
    labels = classify_all(batch)
    for kind, writer in (("csv", to_csv), ("json", to_json)):
        parsed = parse_file(writer(batch, labels), kind=kind)
        assert [asdict(e) for e in parsed.episodes] == [asdict(e) for e in batch], kind
