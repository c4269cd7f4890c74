"""The diary as a FHIR R4 Bundle (type `collection`), following the HL7 FHIR Symptoms
implementation guide: one SymptomObservation per episode, its pain score as a separate
Observation it links to (`hasMember`), and one SymptomAbsentObservation per kept day
without episodes. Codes and their sources: `diary/codes.py`. Streamed: one resource at a
time, so memory stays flat however long the diary.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, lru_cache
from typing import IO, Any, TypeVar

from diary import codes
from diary.domain import SIGN_FIELDS, Classification, Episode, KeptDay

_NAMESPACE = uuid.UUID("6f1c3a52-94a4-4f0e-9d0b-2f61e7d1c0a5")  # this diary's export ids


@dataclass(frozen=True)
class Person:
    """Only what the person chose to give (`--name`, `--born`)."""

    name: str | None = None
    born: int | None = None

    @property
    def given(self) -> bool:
        return self.name is not None or self.born is not None


_NAMESPACE_HASH = hashlib.sha1(_NAMESPACE.bytes)


def _id(kind: str, key: object) -> str:
    """`str(uuid.uuid5(_NAMESPACE, f"{kind}/{key}"))`, written out (RFC 4122 section 4.3:
    SHA-1 of namespace and name, version 5, RFC variant): two ids per episode, and the
    UUID object cost a fifth of a FHIR export. A test compares it with uuid5."""
    digest = _NAMESPACE_HASH.copy()
    digest.update(f"{kind}/{key}".encode())
    raw = bytearray(digest.digest()[:16])
    raw[6] = (raw[6] & 0x0F) | 0x50
    raw[8] = (raw[8] & 0x3F) | 0x80
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _moment(value: datetime) -> str:
    """A FHIR dateTime/instant: a time of day needs its offset; local times get the
    machine's (the diary stores local wall-clock times)."""
    if value.tzinfo is None:
        return value.isoformat(timespec="seconds") + _local_offset_text(value.date(), value.hour)
    return value.isoformat(timespec="seconds")


@lru_cache(maxsize=4096)
def _local_offset_text(day: date, hour: int) -> str:
    """The local UTC offset at that hour as ISO 8601 writes it (`+01:00`), asking the system
    once per hour of the diary, not once per timestamp (exports of 100,000 episodes spent
    most of their time there)."""
    aware = datetime.combine(day, time(hour)).astimezone()
    if aware.tzinfo is None:
        aware = aware.replace(tzinfo=UTC)
    return aware.isoformat(timespec="seconds")[19:]  # after YYYY-MM-DDTHH:MM:SS


# The parts many resources repeat (codes, sites, findings, the subject) are built once and
# their JSON written once: `_shared` maps each to its text, and `_resource_text` writes a
# resource key by key, reusing that text. With the ids and times above, this took the
# FHIR export of the 100,000-episode bench diary from 3.7x the JSON export to the figure
# in bench/run.py's "export fhir / export json" line.
_dumps = json.JSONEncoder(ensure_ascii=False).encode
_string = json.encoder.encode_basestring  # a str as JSON (what _dumps does with one)
_shared: dict[int, tuple[object, str]] = {}  # id -> (the value, kept alive; its JSON)
_T = TypeVar("_T")


def _share(value: _T) -> _T:
    _shared[id(value)] = (value, _dumps(value))
    return value


def _resource_text(resource: dict[str, Any]) -> str:
    """`json.dumps(resource, ensure_ascii=False)`, the shared parts' text reused."""
    parts = []
    for key, value in resource.items():
        if type(value) is str:
            text = _string(value)
        else:
            known = _shared.get(id(value))
            text = known[1] if known is not None else _dumps(value)
        parts.append(f'"{key}": {text}')
    return "{" + ", ".join(parts) + "}"


@cache
def _loinc(pair: tuple[str, str]) -> dict[str, Any]:
    return _share({"coding": [{"system": codes.LOINC, "code": pair[0], "display": pair[1]}]})


_SYMPTOM_META = _share({"profile": [codes.SYMPTOM_PROFILE]})
_SYMPTOM_CATEGORY = _share(
    [
        {
            "coding": [
                {
                    "system": codes.SYMPTOM_CATEGORY_SYSTEM,
                    "code": "symptom",
                    "display": "Symptom",
                }
            ]
        }
    ]
)


def _concept(
    code: str | None, text: str, display: str | None = None, system: str = codes.SNOMED
) -> dict[str, Any]:
    if code is None:
        return {"text": text}
    coding = {"system": system, "code": code, "display": display or text}
    return {"coding": [coding], "text": text}


def _finding(c: Classification) -> dict[str, Any]:
    return _finding_of(c.label, c.subtype or "")


@cache
def _finding_of(label: str, subtype: str) -> dict[str, Any]:
    code, text = codes.FINDINGS.get((label, subtype), codes.FINDINGS[("unclear", "")])
    return _share(_concept(code, text, codes.FINDING_DISPLAYS.get(code or "")))


def _body_site(e: Episode) -> dict[str, Any]:
    return _body_site_of(e.site, e.side, e.where)


@cache
def _body_site_of(site_name: str, side: str | None, where: str) -> dict[str, Any]:
    site = codes.BODY_SITES.get(site_name)
    concept: dict[str, Any] = (
        {"coding": [{"system": codes.SNOMED, "code": site[0], "display": site[1]}]} if site else {}
    )
    concept["text"] = where
    if side:
        concept["extension"] = [{"url": codes.LOCATION_QUALIFIER, "valueString": side}]
    return _share(concept)


def _effective(e: Episode) -> dict[str, Any]:
    if not e.time_known:  # a date alone: never an invented time
        return {"effectiveDateTime": e.at.date().isoformat()}
    end = e.at + timedelta(seconds=e.duration_s)
    return {"effectivePeriod": {"start": _moment(e.at), "end": _moment(end)}}


@cache
def _components(pain: int, triggers: tuple[str, ...], count: int) -> list[dict[str, Any]]:
    """The severity, each trigger and the count of an episode (episodes alike share one)."""
    components: list[dict[str, Any]] = []
    severity = codes.severity_of(pain)
    if severity is not None:
        components.append(
            {
                "code": _loinc(codes.SEVERITY),
                "valueCodeableConcept": {
                    **_concept(*severity),
                    "text": f"{severity[1]} (pain {pain}/10)",
                },
            }
        )
    for t in triggers:
        components.append({"code": _loinc(codes.TRIGGERS), "valueCodeableConcept": {"text": t}})
    if count > 1:  # a number a receiving system can add up, not a phrase
        components.append({"code": _loinc(codes.FREQUENCY), "valueInteger": count})
    return _share(components)


_performers: dict[int, tuple[dict[str, Any], list[dict[str, Any]]]] = {}


def _performer(subject: dict[str, Any]) -> list[dict[str, Any]]:
    """`[subject]`, one list per subject, shared."""
    found = _performers.get(id(subject))
    if found is None or found[0] is not subject:
        found = _performers[id(subject)] = (subject, _share([subject]))
    return found[1]


def symptom_observation(
    e: Episode, c: Classification, subject: dict[str, Any], pain_id: str
) -> dict[str, Any]:
    components = _components(e.pain, tuple(str(t) for t in e.triggers), e.count)
    observation: dict[str, Any] = {
        "resourceType": "Observation",
        "id": _id("episode", e.id),
        "meta": _SYMPTOM_META,
        "identifier": [{"system": "urn:contraction-diary:episode", "value": str(e.id)}],
        "status": "final",
        "category": _SYMPTOM_CATEGORY,
        "code": _loinc(codes.SYMPTOM),
        "subject": subject,
        **_effective(e),
        "issued": _moment(e.logged_at),
        "performer": _performer(subject),
        "valueCodeableConcept": _finding(c),
        "bodySite": _body_site(e),
        "hasMember": [{"reference": f"urn:uuid:{pain_id}"}],
    }
    notes = _notes(e)
    if notes:
        observation["note"] = [{"text": text} for text in notes]
    if components:
        observation["component"] = components
    return observation


# An episode's two resources written from text templates: the parts every resource repeats
# as JSON text made once, the episode's own values put between them (ids, times and numbers
# need no escaping; words are escaped as `json` does). The same bytes as `_resource_text`
# of `symptom_observation` and `pain_observation` (a test compares them). It took the FHIR
# export of bench/run.py's 100,000-episode diary from 1.98x the JSON export's CPU time to
# 1.39x (9.3 s to 7.8 s, on a loaded machine where the JSON export took 5.7 s).
_SIGN_WORDS = tuple((name, name.replace("_", " ")) for name in SIGN_FIELDS)
_RELIEF_SAID = {"yes": "helped", "some": "helped some", "no": "did not help", None: "not known"}


def _notes(e: Episode) -> list[str]:
    """The Observation's notes: the person's note, the other signs ticked, and the relief
    tried (no coded element fits self-reported relief: a note, in words)."""
    notes = [e.note] if e.note else []
    signs = [words for name, words in _SIGN_WORDS if getattr(e, name)]
    if signs:
        notes.append("Also: " + ", ".join(signs) + ".")
    if e.relief:
        tried = ", ".join(f"{r.what} ({_RELIEF_SAID[r.helped]})" for r in e.relief)
        notes.append(f"Tried for relief (patient-reported): {tried}.")
    return notes


def _text_of(value: object) -> str:
    """The JSON text of a shared value."""
    return _shared[id(value)][1]


_SYMPTOM_META_TEXT = _text_of(_SYMPTOM_META)
_SYMPTOM_CATEGORY_TEXT = _text_of(_SYMPTOM_CATEGORY)
_SYMPTOM_CODE_TEXT = _text_of(_loinc(codes.SYMPTOM))
_PAIN_CODE_TEXT = _text_of(_loinc(codes.PAIN_SCORE))


def _effective_text(e: Episode) -> str:
    if not e.time_known:
        return f'"effectiveDateTime": "{e.at.date().isoformat()}"'
    end = e.at + timedelta(seconds=e.duration_s)
    return f'"effectivePeriod": {{"start": "{_moment(e.at)}", "end": "{_moment(end)}"}}'


def _episode_texts(e: Episode, c: Classification, subject: dict[str, Any]) -> tuple[str, str]:
    """The entries of an episode's SymptomObservation and pain Observation, as text."""
    episode_id, pain_id = _id("episode", e.id), _id("pain", e.id)
    subject_text = _text_of(subject)
    shared = (
        f'"subject": {subject_text}, {_effective_text(e)}, "issued": "{_moment(e.logged_at)}", '
        f'"performer": {_text_of(_performer(subject))}, '
    )
    notes = _notes(e)
    components = _components(e.pain, tuple(str(t) for t in e.triggers), e.count)
    tail = ""
    if notes:
        tail += ', "note": [' + ", ".join(f'{{"text": {_string(n)}}}' for n in notes) + "]"
    if components:
        tail += f', "component": {_text_of(components)}'
    symptom = (
        f'{{"fullUrl": "urn:uuid:{episode_id}", "resource": {{"resourceType": "Observation", '
        f'"id": "{episode_id}", "meta": {_SYMPTOM_META_TEXT}, "identifier": [{{"system": '
        f'"urn:contraction-diary:episode", "value": "{e.id}"}}], "status": "final", '
        f'"category": {_SYMPTOM_CATEGORY_TEXT}, "code": {_SYMPTOM_CODE_TEXT}, {shared}'
        f'"valueCodeableConcept": {_text_of(_finding(c))}, '
        f'"bodySite": {_text_of(_body_site(e))}, '
        f'"hasMember": [{{"reference": "urn:uuid:{pain_id}"}}]{tail}}}}}'
    )
    pain = (
        f'{{"fullUrl": "urn:uuid:{pain_id}", "resource": {{"resourceType": "Observation", '
        f'"id": "{pain_id}", "status": "final", "code": {_PAIN_CODE_TEXT}, {shared}'
        f'"valueInteger": {int(e.pain)}}}}}'
    )
    return symptom, pain


def pain_observation(e: Episode, subject: dict[str, Any], pain_id: str) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": pain_id,
        "status": "final",
        "code": _loinc(codes.PAIN_SCORE),
        "subject": subject,
        **_effective(e),
        "issued": _moment(e.logged_at),
        "performer": _performer(subject),
        "valueInteger": e.pain,
    }


def absent_observation(day: KeptDay, subject: dict[str, Any]) -> dict[str, Any]:
    observation: dict[str, Any] = {
        "resourceType": "Observation",
        "id": _id("absent", day.day.isoformat()),
        "meta": {"profile": [codes.SYMPTOM_ABSENT_PROFILE]},
        "status": "final",
        "code": _loinc(codes.SYMPTOM_ABSENT),
        "subject": subject,
        "effectiveDateTime": day.day.isoformat(),
        "performer": _performer(subject),
        "valueCodeableConcept": {"text": codes.ABSENT_SYMPTOM_TEXT},
    }
    if day.checked_in_at is not None:
        observation["issued"] = _moment(day.checked_in_at)
    return observation


def patient(person: Person) -> dict[str, Any]:
    resource: dict[str, Any] = {"resourceType": "Patient", "id": _id("patient", "self")}
    if person.name:
        resource["name"] = [{"text": person.name}]
    if person.born is not None:
        resource["birthDate"] = f"{person.born:04d}"
    return resource


def write_fhir(
    episodes: Iterable[Episode],
    label_of: Callable[[Episode], Classification],
    days: Sequence[KeptDay],
    out: IO[str],
    *,
    person: Person,
    generated: datetime,
) -> int:
    """Stream the Bundle to `out`; returns how many episodes were written."""
    if person.given:
        the_patient = patient(person)
        subject: dict[str, Any] = {"reference": f"urn:uuid:{the_patient['id']}"}
    else:
        subject = {"display": "The person keeping this diary (anonymous)"}
    _share(subject)
    out.write(
        '{"resourceType": "Bundle", "id": '
        + json.dumps(_id("bundle", generated.isoformat()))
        + ', "type": "collection", "timestamp": '
        + json.dumps(_moment(generated))
        + ', "entry": [\n'
    )
    separator = ""

    def entry(resource: dict[str, Any]) -> None:
        nonlocal separator
        out.write(
            f'{separator}{{"fullUrl": "urn:uuid:{resource["id"]}", "resource": '
            f"{_resource_text(resource)}}}"
        )
        separator = ",\n"

    if person.given:
        entry(the_patient)
    count = 0
    with_episodes: set[date] = set()
    write = out.write
    for e in episodes:
        symptom, pain = _episode_texts(e, label_of(e), subject)
        write(f"{separator}{symptom},\n{pain}")
        separator = ",\n"
        with_episodes.add(e.at.date())
        count += 1
    for day in days:
        if day.day not in with_episodes:
            entry(absent_observation(day, subject))
    out.write("\n]}\n")
    return count
