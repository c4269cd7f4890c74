"""The sentences behind a classification: each piece of evidence, which way it points and
the documents that say so. The documents cited for a piece of evidence are those of the
weight it carries, declared once in `thresholds.py`."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from diary.domain import Classification
from diary.parsing import format_duration
from diary.thresholds import Thresholds

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


# Evidence kind -> (the weight it carries, its sentence from (value, threshold)).
EVIDENCE: dict[str, tuple[str, Callable[[Any, Any], str]]] = {
    "duration_brief": (
        "weight_duration_brief",
        lambda v, t: f"twitch: lasted {_duration(v)}, brief (≤ {t:g} s)",
    ),
    "duration_long": (
        "weight_duration_long",
        lambda v, t: f"spasm: lasted {_duration(v)}; {t:g} s or longer is strong evidence",
    ),
    "duration_middle": (
        "weight_duration_middle",
        lambda v, t: f"spasm (weak): lasted {_duration(v)}, longer than a twitch's few seconds",
    ),
    "pain_light": ("weight_pain_light", lambda v, t: f"twitch: pain {v}/10, none or light"),
    "pain_moderate": ("weight_pain_moderate", lambda v, t: f"spasm: pain {v}/10, moderate"),
    "pain_strong": (
        "weight_pain_strong",
        lambda v, t: f"spasm: pain {v}/10, high ({t} or more weighs more)",
    ),
    "flicker": ("weight_visible", lambda v, t: "twitch: a flicker or flutter under the skin"),
    "bulge": ("weight_visible", lambda v, t: "spasm: a hard bulge or lump"),
    "stiff": ("weight_tightness", lambda v, t: "spasm: felt tight or stiff"),
    "limited_motion": ("weight_tightness", lambda v, t: "spasm: limited range of motion"),
    "no_tightness": (
        "weight_no_tightness",
        lambda v, t: "twitch (weak): no tightness and full range of motion",
    ),
    "rhythmic": (
        "weight_rhythmic",
        lambda v, t: "twitch: a rhythmic series of beats, as in clonus",
    ),
    "small_muscle": (
        "weight_site",
        lambda v, t: f"twitch: the {v} is a small muscle where twitches are common",
    ),
    "smooth_muscle": (
        "weight_site",
        lambda v, t: f"spasm: the {v} holds smooth muscle (menstrual, intestinal cramps)",
    ),
    "large_muscle": (
        "weight_site",
        lambda v, t: f"spasm: the {v} is a large muscle group where spasms are common",
    ),
    "twitch_triggers": (
        "weight_trigger_each",
        lambda v, t: f"twitch (weak): triggers {', '.join(v)}",
    ),
    "spasm_triggers": (
        "weight_trigger_each",
        lambda v, t: f"spasm (weak): triggers {', '.join(v)}",
    ),
}
_DOCUMENTS = {f.name: f.metadata["docs"] for f in dataclasses.fields(Thresholds)}


def evidence_sentence(kind: str, value: Any, limit: Any) -> str:
    weight, sentence = EVIDENCE[kind]
    return f"{sentence(value, limit)} [{_DOCUMENTS[weight]}]"


@lru_cache(maxsize=4096)
def reasons(c: Classification) -> tuple[str, ...]:
    """The decision first, then every piece of evidence in the order it was weighed."""
    lead, other = c.weights
    if c.label == "unclear":
        decision = (
            f"unclear: the evidence conflicts (twitch {lead:g} vs spasm {other:g}), "
            "so no label is guessed [docs/clinical-rules.md]"
        )
    else:
        why = SUBTYPE_REASONS[c.subtype or ""]
        if c.after_stretch:
            why = why.replace("beats", "beats after a stretch")
        decision = f"{c.label} by weight of evidence ({lead:g} vs {other:g}); {why}"
    return (decision, *(evidence_sentence(kind, value, limit) for kind, value, limit in c.evidence))


# What each yes/no sign means, in one sentence with its source (`diary show`).
SIGN_MEANINGS: dict[str, str] = {
    "stiff": "Tightness points to a spasm or cramp rather than a twitch (001, 002, 003).",
    "limited_motion": "Not being able to move the muscle fully points to a spasm (001, 003).",
    "rhythmic": (
        "A rhythmic series of rapid beats is clonus, typically caused by a problem in the "
        "nerve pathways from the brain (001): a clinician should examine it."
    ),
    "weakness": (
        "Weakness with contractions may be a sign of nerve damage or an electrolyte "
        "imbalance and should not be ignored (001); twitching alone does not typically "
        "cause weakness (001)."
    ),
    "breathing": "Difficulty breathing with a spasm needs care now (001; NHS).",
    "appearance_change": (
        "A lasting change in how the muscle looks, such as wasting, can point to a nerve "
        "disorder (001; MedlinePlus)."
    ),
    "speech": (
        "Slurred or changed speech is one of the signs referral tools for motor neurone "
        "disease ask about alongside twitching (MND Association/RCGP red-flag tool); it has "
        "many commoner causes, but is worth a prompt check."
    ),
    "swallowing": (
        "Difficulty swallowing or choking is another of those signs (MND Association/RCGP "
        "red-flag tool; NICE NG42): worth a prompt check."
    ),
}
