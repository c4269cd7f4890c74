"""The sentences behind a classification: each piece of evidence, which way it points and
the documents that say so."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from diary.parsing import format_duration

SUBTYPE_REASONS = {
    "fasciculation": "fasciculation: an isolated twitch [001, 003]",
    "clonus": "clonus: a rhythmic series of beats [001]",
    "skeletal": "skeletal muscle spasm [001]",
    "smooth": "smooth muscle: abdominal, pelvic or menstrual cramp [001]",
    "ischemic": "ischemic: a leg cramp during exertion [001]",
    "nocturnal": "nocturnal: a leg cramp at night [NHS leg cramps]",
}


def _duration(value: Any) -> str:
    return format_duration(float(value))


EVIDENCE_TEXT: dict[str, Callable[[Any, Any], str]] = {
    "duration_brief": lambda v, t: (
        f"twitch: lasted {_duration(v)}, brief (≤ {t:g} s) [000, 001, 002]"
    ),
    "duration_long": lambda v, t: (
        f"spasm: lasted {_duration(v)}; {t:g} s or longer is strong evidence [001, 002]"
    ),
    "duration_middle": lambda v, t: (
        f"spasm (weak): lasted {_duration(v)}, longer than a twitch's few seconds [001, 002]"
    ),
    "pain_light": lambda v, t: f"twitch: pain {v}/10, none or light [000, 001, 002]",
    "pain_moderate": lambda v, t: f"spasm: pain {v}/10, moderate [001, 002, 003]",
    "pain_severe": lambda v, t: f"spasm: pain {v}/10, severe [001, 002, 003]",
    "flicker": lambda v, t: "twitch: a flicker or flutter under the skin [001, 002]",
    "bulge": lambda v, t: "spasm: a hard bulge or lump [001, 002, 003]",
    "stiff": lambda v, t: "spasm: felt tight or stiff [001, 002, 003]",
    "limited_motion": lambda v, t: "spasm: limited range of motion [001]",
    "no_tightness": lambda v, t: "twitch (weak): no tightness and full range of motion [001]",
    "rhythmic": lambda v, t: "twitch: a rhythmic series of beats, as in clonus [001]",
    "small_muscle": lambda v, t: (
        f"twitch: the {v} is a small muscle where twitches are common [001, 003]"
    ),
    "smooth_muscle": lambda v, t: (
        f"spasm: the {v} holds smooth muscle (menstrual, intestinal cramps) [001]"
    ),
    "large_muscle": lambda v, t: (
        f"spasm: the {v} is a large muscle group where spasms are common [001]"
    ),
    "twitch_triggers": lambda v, t: f"twitch (weak): triggers {', '.join(v)} [000, 001, 002, 003]",
    "spasm_triggers": lambda v, t: f"spasm (weak): triggers {', '.join(v)} [001, 002, 003]",
}


@lru_cache(maxsize=4096)
def reasons(
    label: str,
    subtype: str | None,
    weights: tuple[float, float],
    evidence: tuple[tuple[str, Any, Any], ...],
    after_stretch: bool,
) -> tuple[str, ...]:
    """The decision first, then every piece of evidence in the order it was weighed."""
    lead, other = weights
    if label == "unclear":
        decision = (
            f"unclear: the evidence conflicts (twitch {lead:g} vs spasm {other:g}), "
            "so no label is guessed [CLINICAL_RULES §2]"
        )
    else:
        why = SUBTYPE_REASONS[subtype or ""]
        if after_stretch:
            why = why.replace("beats", "beats after a stretch")
        decision = f"{label} by weight of evidence ({lead:g} vs {other:g}); {why}"
    return (decision, *(EVIDENCE_TEXT[kind](value, limit) for kind, value, limit in evidence))
