"""Self-care advice drawn only from the source documents (docs/clinical-rules.md, "Advice")."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Advice:
    text: str
    source: str
    because: str  # what in the diary made it relevant


TWITCH_ADVICE = ("Twitches usually need no treatment and stop on their own.", "000, 002")
SPASM_ADVICE = (
    "During a spasm: drink water or a sports drink if you may be dehydrated, stretch and "
    "massage the muscle gently, use heat to help it relax and ice afterwards for pain.",
    "002, 003",
)
DOCTOR_ADVICE = (
    "A doctor may take a history, examine you and order blood tests, imaging or "
    "electromyography (EMG); `diary report doctor` prepares a summary for that visit.",
    "001",
)
BY_TRIGGER: tuple[tuple[frozenset[str], str, str], ...] = (
    (
        frozenset({"dehydration", "sweating"}),
        "Stay hydrated with water or sports drinks, especially in heat or when active.",
        "001, 002",
    ),
    (
        frozenset({"exercise", "overuse"}),
        "Stretch regularly and before exercise, and avoid repetitive muscle movements.",
        "001, 002, 003",
    ),
    (
        frozenset({"low electrolytes"}),
        "Eat a balanced diet with foods rich in potassium and magnesium.",
        "001",
    ),
    (
        frozenset({"posture", "prolonged sitting", "prolonged standing"}),
        "Practise good posture: poor posture adds muscle tension.",
        "001",
    ),
    (
        frozenset({"stress", "anxiety"}),
        "Try a stress-reducing practice such as meditation or deep breathing.",
        "001",
    ),
    (frozenset({"caffeine"}), "Cut down on caffeine, a common cause of twitches.", "001, 002, 003"),
    (
        frozenset({"poor sleep", "fatigue"}),
        "Get enough sleep: lack of sleep and fatigue are linked to twitching.",
        "000, 001, 003",
    ),
    (
        frozenset({"medication"}),
        "Some medicines (statins, diuretics, asthma and ADHD drugs) can cause cramps or "
        "twitches: ask your doctor before changing any dose.",
        "001, 002",
    ),
)


def advice_for(
    labels: Iterable[str], triggers: Iterable[str], any_doctor_flag: bool
) -> list[Advice]:
    """Only what applies to what was logged, each with its source."""
    seen_labels, seen_triggers = set(labels), set(triggers)
    result: list[Advice] = []
    if "twitch" in seen_labels:
        result.append(Advice(*TWITCH_ADVICE, because="twitches logged"))
    if "spasm" in seen_labels:
        result.append(Advice(*SPASM_ADVICE, because="spasms logged"))
    for names, text, source in BY_TRIGGER:
        matched = sorted(names & seen_triggers)
        if matched:
            result.append(Advice(text, source, because=f"trigger {', '.join(matched)}"))
    if any_doctor_flag:
        result.append(Advice(*DOCTOR_ADVICE, because="a flag suggests a doctor's visit"))
    return result
