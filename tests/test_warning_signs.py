"""The warning signs around twitching: speech, swallowing, tongue twitching, weakness that
comes back, clonus, and clonus after a serotonergic medicine. Each rule is checked on both
sides of its boundary."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from diary.analysis.classify import classify
from diary.analysis.flags import evaluate_flags
from diary.domain import Episode
from diary.vocabulary import serotonergic_class
from tests.conftest import Diary
from tests.factories import AS_OF, episode, twitch


def _codes(episodes: list[Episode]) -> list[str]:
    return [f.code for f in evaluate_flags(episodes, AS_OF)]


def _clonus(id: int, days_before: int) -> Episode:
    return episode(
        id=id,
        day=AS_OF - timedelta(days=days_before),
        duration_s=10,
        pain=2,
        visible="flicker",
        rhythmic=True,
        triggers=("stretch",),
    )


def test_tongue_twitching_is_a_bulbar_sign_and_eyelid_twitching_is_not() -> None:
    assert "bulbar_signs" in _codes([twitch(1, AS_OF, site="tongue")])
    assert "bulbar_signs" not in _codes([twitch(1, AS_OF, site="eyelid")])


@pytest.mark.parametrize("sign", ["speech", "swallowing"])
def test_speech_or_swallowing_raises_bulbar_signs(sign: str) -> None:
    signs: dict[str, Any] = {sign: True}
    flags = evaluate_flags([episode(id=1, day=AS_OF, **signs)], AS_OF)
    (bulbar,) = [f for f in flags if f.code == "bulbar_signs"]
    assert bulbar.severity == "doctor" and bulbar.episode_ids == (1,)
    assert "harmless" in bulbar.detail  # calm: most twitches are harmless (001)
    assert "MND" in bulbar.source


@pytest.mark.parametrize(("gap", "raised"), [(6, False), (7, True)])
def test_weakness_at_one_site_days_apart(gap: int, raised: bool) -> None:
    first = episode(id=1, day=AS_OF - timedelta(days=gap), weakness=True)
    second = episode(id=2, day=AS_OF, weakness=True)
    assert ("progressive_weakness" in _codes([first, second])) is raised


def test_weakness_at_two_sites_is_not_progression_at_one() -> None:
    first = episode(id=1, day=AS_OF - timedelta(days=10), site="thigh", weakness=True)
    second = episode(id=2, day=AS_OF, site="calf", weakness=True)
    assert "progressive_weakness" not in _codes([first, second])


def test_clonus_is_flagged_for_a_clinician() -> None:
    clonus = _clonus(1, 0)
    assert classify(clonus).subtype == "clonus"
    assert "clonus" in _codes([clonus])
    assert "clonus" not in _codes([twitch(2, AS_OF)])


@pytest.mark.parametrize(("days_after", "urgent"), [(34, True), (35, True), (36, False)])
def test_clonus_within_five_weeks_of_a_serotonergic_medicine(days_after: int, urgent: bool) -> None:
    medicine = episode(
        id=1,
        day=AS_OF - timedelta(days=days_after),
        duration_s=5,
        pain=1,
        triggers=("medication:Sertraline 50 mg",),
    )
    flags = evaluate_flags([medicine, _clonus(2, 0)], AS_OF)
    found = [f for f in flags if f.code == "clonus_with_serotonergic"]
    assert bool(found) is urgent
    if urgent:
        assert flags[0].code == "clonus_with_serotonergic"  # urgent comes first
        assert found[0].severity == "urgent" and found[0].episode_ids == (1, 2)
        assert "sertraline" in found[0].detail.lower() and "SSRI" in found[0].detail
        assert "pharmacist" in found[0].detail


def test_a_medicine_that_is_not_serotonergic_does_not_make_clonus_urgent() -> None:
    statin = episode(id=1, day=AS_OF, triggers=("medication:atorvastatin",))
    assert "clonus_with_serotonergic" not in _codes([statin, _clonus(2, 0)])


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Sertraline 50mg", "SSRI"),
        ("zoloft", "SSRI"),
        ("TRAMADOL", "opioid or cough suppressant acting on serotonin"),
        ("sumatriptan nasal", "triptan"),
        ("linezolid", "MAO inhibitor"),
        ("atorvastatin", None),
        ("tramadolx", None),  # a word, not a substring
    ],
)
def test_serotonergic_names_match_case_insensitively_as_words(name: str, kind: str | None) -> None:
    assert serotonergic_class(name) == kind


@pytest.mark.backend
def test_new_signs_are_logged_shown_and_exported(diary: Diary, tmp_path: object) -> None:
    logged = diary.log(
        "--site", "my tongue", "--duration", "2s", "--pain", "0", "--speech", "--swallowing"
    )
    assert logged["site"] == "tongue" and logged["speech"] and logged["swallowing"]
    assert "bulbar_signs" in {f["code"] for f in logged["flags"]}
    shown = diary.ok("show", str(logged["id"])).stdout
    assert "What the signs you ticked mean:" in shown and "MND" in shown
    edited = diary.json("edit", str(logged["id"]), "--no-speech")
    assert edited["speech"] is False and edited["swallowing"] is True
    exported = diary.json_format("export")
    assert exported["episodes"][0]["swallowing"] is True


@pytest.mark.parametrize(
    ("clonus_days_ago", "severity"), [(1, "urgent"), (2, "doctor"), (20, "doctor")]
)
def test_clonus_after_a_serotonergic_medicine_is_urgent_while_recent(
    clonus_days_ago: int, severity: str
) -> None:
    medicine = episode(
        id=1,
        day=AS_OF - timedelta(days=30),
        duration_s=5,
        pain=1,
        triggers=("medication:tramadol",),
    )
    flags = evaluate_flags([medicine, _clonus(2, clonus_days_ago)], AS_OF)
    (found,) = [f for f in flags if f.code == "clonus_with_serotonergic"]
    assert found.severity == severity and found.episode_ids == (1, 2)
    if severity == "doctor":
        assert "tell your doctor or pharmacist" in found.detail
        assert "Call your doctor or pharmacist today" not in found.detail
