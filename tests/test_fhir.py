"""`diary export --format fhir`: a FHIR R4 Bundle that a trusted implementation
(`fhir.resources`, a test dependency) parses, with the elements the HL7 Symptoms IG's
profiles require on every Observation."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from diary import codes
from tests.conftest import Diary

pytestmark = pytest.mark.backend


@pytest.fixture
def autumn(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIARY_NOW", "2026-11-20T21:00:00")


def _bundle(diary: Diary, *args: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(diary.ok("export", "--format", "fhir", *args).stdout)
    Bundle.model_validate(data)  # raises on anything FHIR R4 does not allow
    return data


def _resources(bundle: dict[str, Any], profile: str | None = None) -> list[dict[str, Any]]:
    found = [e["resource"] for e in bundle["entry"]]
    if profile is not None:
        found = [r for r in found if profile in r.get("meta", {}).get("profile", [])]
    return found


def _log_a_few(diary: Diary) -> None:
    diary.log(
        "--site", "left calf", "--duration", "2m", "--pain", "7", "--visible", "bulge",
        "--stiff", "--trigger", "dehydration", "--at", "2026-11-18 03:10",
    )  # fmt: skip
    diary.log(
        "--site", "eyelid", "--duration", "3s", "--pain", "0", "--visible", "flicker",
        "--count", "12", "--at", "2026-11-19",
    )  # fmt: skip
    diary.ok("day", "2026-11-17", "--none")
    diary.ok("day", "2026-11-18", "--had", "coffee=1")


def test_every_symptom_observation_has_what_the_profile_requires(
    diary: Diary, autumn: None
) -> None:
    _log_a_few(diary)
    bundle = _bundle(diary, "--name", "Jo Example", "--born", "1980")
    assert bundle["type"] == "collection"
    symptoms = _resources(bundle, codes.SYMPTOM_PROFILE)
    assert len(symptoms) == 2
    for obs in symptoms:
        assert obs["status"] == "final"
        assert obs["category"][0]["coding"][0]["code"] == "symptom"
        assert obs["code"]["coding"][0] == {
            "system": "http://loinc.org", "code": "75325-1", "display": "Symptom"
        }  # fmt: skip
        assert obs["subject"]["reference"].startswith("urn:uuid:")
        assert obs["performer"] == [obs["subject"]]
        assert "effectivePeriod" in obs or "effectiveDateTime" in obs
        assert obs["valueCodeableConcept"]["text"]
    cramp, twitch = symptoms
    assert cramp["valueCodeableConcept"]["coding"][0]["code"] == "55300003"
    assert cramp["bodySite"]["coding"][0]["code"] == "53840002"
    assert cramp["bodySite"]["extension"][0]["valueString"] == "left"
    assert cramp["effectivePeriod"]["start"].startswith("2026-11-18T03:10:00")
    severity = next(c for c in cramp["component"] if c["code"]["coding"][0]["code"] == "64750-3")
    assert severity["valueCodeableConcept"]["coding"][0]["code"] == "24484000"  # severe, 7/10
    assert {"text": "dehydration"} in [c["valueCodeableConcept"] for c in cramp["component"]]
    # A date with no time stays a date; a count above 1 is a frequency component.
    assert twitch["effectiveDateTime"] == "2026-11-19" and "effectivePeriod" not in twitch
    frequency = next(c for c in twitch["component"] if c["code"]["coding"][0]["code"] == "104156-5")
    assert frequency["valueInteger"] == 12 and "valueCodeableConcept" not in frequency
    assert "coding" not in twitch["valueCodeableConcept"]  # no verified code: text only


def test_pain_is_its_own_observation_linked_from_the_symptom(diary: Diary, autumn: None) -> None:
    _log_a_few(diary)
    bundle = _bundle(diary)
    by_url = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
    for obs in _resources(bundle, codes.SYMPTOM_PROFILE):
        (member,) = obs["hasMember"]
        pain = by_url[member["reference"]]
        assert pain["code"]["coding"][0]["code"] == "72514-3"
        assert isinstance(pain["valueInteger"], int) and 0 <= pain["valueInteger"] <= 10


def test_a_kept_day_without_episodes_is_a_symptom_absent_observation(
    diary: Diary, autumn: None
) -> None:
    _log_a_few(diary)
    absent = _resources(_bundle(diary), codes.SYMPTOM_ABSENT_PROFILE)
    # 17 Nov was kept with no episodes; 18 Nov was kept but had the cramp.
    assert [a["effectiveDateTime"] for a in absent] == ["2026-11-17"]
    assert absent[0]["code"]["coding"][0]["code"] == "111551-8"


def test_the_person_is_only_what_they_gave(diary: Diary, autumn: None) -> None:
    _log_a_few(diary)
    anonymous = _bundle(diary)
    assert not [r for r in _resources(anonymous) if r["resourceType"] == "Patient"]
    assert "display" in _resources(anonymous, codes.SYMPTOM_PROFILE)[0]["subject"]
    named = _bundle(diary, "--born", "1980")
    (person,) = [r for r in _resources(named) if r["resourceType"] == "Patient"]
    assert person == {"resourceType": "Patient", "id": person["id"], "birthDate": "1980"}


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("--format", "fhir", "--born", "1850"), "--born 1850"),
        (("--format", "json", "--name", "Jo"), "--name"),
        (("--format", "fhir", "--name", " "), "--name"),
    ],
)
def test_bad_person_details_are_refused(
    diary: Diary, autumn: None, args: tuple[str, ...], named: str
) -> None:
    result = diary("export", *args)
    assert result.exit_code == 2
    assert named in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_the_file_is_private(diary: Diary, autumn: None, tmp_path: Path) -> None:
    _log_a_few(diary)
    out = tmp_path / "visit.fhir.json"
    diary.ok("export", "--format", "fhir", "--out", str(out))
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    Bundle.model_validate(json.loads(out.read_text()))


def test_the_demo_diary_validates(diary: Diary, autumn: None, tmp_path: Path) -> None:
    diary.ok("demo")
    demo = str(tmp_path / "home" / ".local" / "share" / "diary" / "demo.sqlite3")
    data = json.loads(diary.ok("--db", demo, "export", "--format", "fhir").stdout)
    bundle = Bundle.model_validate(data)
    episodes = len(diary.json("--db", demo, "list"))
    assert len(_resources(data, codes.SYMPTOM_PROFILE)) == episodes
    assert len(bundle.entry or []) >= 2 * episodes
