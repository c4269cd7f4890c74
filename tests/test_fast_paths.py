"""The faster ways of computing the same thing give exactly what the plain ways give."""

from __future__ import annotations

import json
import math
import random
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from diary import fhir
from diary.analysis.classify import classify
from diary.analysis.series import untested_exposures
from diary.analysis.triggers import (
    LINKED,
    PROTECTIVE,
    TriggerDay,
    TriggerReport,
    analyse_triggers,
    effects_of,
    headline_of,
)
from diary.domain import ReliefEntry
from tests.conftest import Diary
from tests.factories import episode


@pytest.mark.parametrize("kind", ["episode", "pain", "absent", "bundle", "patient"])
def test_fhir_ids_are_the_uuid5_of_kind_and_key(kind: str) -> None:
    for key in [*range(0, 5000, 7), 2**31 - 1, "self", "2026-11-20", "é ✓ naïve"]:
        assert fhir._id(kind, key) == str(uuid.uuid5(fhir._NAMESPACE, f"{kind}/{key}"))


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "America/St_Johns", "Asia/Kolkata"])
def test_fhir_times_carry_the_local_offset_of_their_hour(
    zone: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    fhir._local_offset_text.cache_clear()
    try:
        for moment in (
            datetime(2026, 1, 15, 9, 30),
            datetime(2026, 7, 15, 23, 59, 59),
            datetime(2026, 3, 29, 3, 0),  # the first hour of summer time in Europe
            datetime(2026, 10, 25, 1, 15),
        ):
            aware = moment.replace(tzinfo=moment.astimezone().tzinfo)
            assert fhir._moment(moment) == aware.isoformat(timespec="seconds")
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
        fhir._local_offset_text.cache_clear()


def _trigger_days(seed: int, days: int = 150) -> list[TriggerDay]:
    """Kept days with a strong link (caffeine), a protective exposure (water), one in runs
    of weeks (stress, linked weakly), a null (cold) and one too rare to judge (alcohol)."""
    rng = random.Random(seed)
    stress_week = [rng.random() < 0.4 for _ in range(days // 7 + 1)]
    out = []
    for i in range(days):
        had: dict[str, float | None] = {}
        mean = 2.0
        if rng.random() < 0.5:
            had["caffeine"] = float(rng.randint(1, 4))
            mean *= 1.0 + 0.4 * (seed % 4)
        if rng.random() < 0.4:
            had["water"] = None
            mean *= 0.5 if seed % 2 else 1.0
        if stress_week[i // 7]:
            had["stress"] = None
            mean *= 1.3
        if rng.random() < 0.3:
            had["cold"] = None
        if rng.random() < 0.03:
            had["alcohol"] = 2.0
        twitches = sum(rng.random() < mean / 8 for _ in range(8))
        spasms = int(rng.random() < 0.2)
        counts = {"all": twitches + spasms, "twitch": twitches, "spasm": spasms}
        out.append(TriggerDay(date(2026, 6, 1) + timedelta(days=i), had, counts))
    return out


@pytest.mark.parametrize("seed", range(6))
def test_headline_and_forest_plot_are_those_of_the_full_trigger_report(seed: int) -> None:
    days = _trigger_days(seed)
    names = {n for d in days for n in d.had}

    def report(full_lags: tuple[int, ...]) -> TriggerReport:
        return analyse_triggers(
            days, since=days[0].day, until=days[-1].day, tested=names, full_lags=full_lags
        )

    full, headline, forest = report((0, 1)), report(()), report((0,))
    for quick in (headline, forest):
        assert [(r.trigger, r.kind, r.lag_days, r.q, r.verdict) for r in quick.results] == [
            (r.trigger, r.kind, r.lag_days, r.q, r.verdict) for r in full.results
        ]
        # Every possible link is computed in full: the headline is the same objects.
        assert headline_of(quick) == headline_of(full)
    assert effects_of(forest) == effects_of(full)
    assert untested_exposures(forest) == untested_exposures(full)
    assert full.dose and not headline.dose and not forest.dose  # the part left out
    if seed % 4:
        assert any(r.verdict in (LINKED, PROTECTIVE) for r in full.results)


def test_weekly_report_names_the_links_diary_triggers_finds(
    diary: Diary, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DIARY_NOW", "2026-11-21T20:00:00")
    diary.ok("demo")
    demo = str(tmp_path / "home" / ".local" / "share" / "diary" / "demo.sqlite3")
    weekly = diary.json_format("--db", demo, "report", "weekly")
    as_of = min(weekly["end"], "2026-11-21")  # the week's end, or today for this week
    found = diary.json("--db", demo, "triggers", "--until", as_of)["results"]
    links = sorted(
        (r for r in found if r["verdict"] in (LINKED, PROTECTIVE)),
        key=lambda r: (r["q"], -abs(math.log(r["rate_ratio"]))),
    )
    strongest: dict[str, dict[str, Any]] = {}
    for r in links:
        strongest.setdefault(r["trigger"], r)
    assert weekly["trigger_links"], "the demo has a link"

    def shown(r: dict[str, Any]) -> tuple[object, ...]:  # `diary triggers` rounds to 3 places
        ci = [None if x is None else round(x, 3) for x in r["ci95"]]
        return (r["trigger"], r["kind"], r["lag_days"], r["verdict"], round(r["rate_ratio"], 3), ci)

    assert [shown(r) for r in weekly["trigger_links"]] == [
        shown(r) for r in list(strongest.values())[:2]
    ]


FHIR_EPISODES = [
    episode(id=1),
    episode(id=22, pain=0, triggers=("caffeine",), visible="flicker", duration_s=3),
    episode(
        id=333,
        at=datetime(2026, 3, 29, 2, 30),
        pain=10,
        count=7,
        note='said "ouch" — naïve \\ back\nslash',
        stiff=True,
        limited_motion=True,
        relief=(ReliefEntry("stretch", helped="yes"), ReliefEntry("medication", "bä", None)),
        triggers=("stress", 'medication:ibu "x"'),
        side="left",
        site="lower back",
    ),
    episode(id=4444, day=date(2026, 1, 2), time_known=False, pain=3, site="nowhere known"),
    episode(id=5, pain=5, site="thumb", side="both", relief=(ReliefEntry("ice", helped="no"),)),
]


@pytest.mark.parametrize("given", [False, True])
def test_fhir_episode_text_is_the_json_of_its_resources(given: bool) -> None:
    subject = {"reference": "urn:uuid:x"} if given else {"display": "anonymous"}
    fhir._share(subject)
    for e in FHIR_EPISODES:
        label = classify(e)
        pain_id = fhir._id("pain", e.id)
        expected = [
            '{"fullUrl": "urn:uuid:' + r["id"] + '", "resource": ' + json.dumps(r) + "}"
            for r in (
                fhir.symptom_observation(e, label, subject, pain_id),
                fhir.pain_observation(e, subject, pain_id),
            )
        ]
        expected = [json.dumps(json.loads(text), ensure_ascii=False) for text in expected]
        assert list(fhir._episode_texts(e, label, subject)) == expected
