"""Classify one episode as twitch, spasm or unclear, weighing the evidence of
CLINICAL_RULES.md §2. Pure: an Episode in, a Classification out."""

from __future__ import annotations

from diary.model import Classification, Episode
from diary.parsing import format_duration
from diary.thresholds import DEFAULTS, Thresholds
from diary.vocabulary import (
    LARGE_MUSCLE_SITES,
    LEG_SITES,
    SMALL_MUSCLE_SITES,
    SMOOTH_MUSCLE_SITES,
    SPASM_TRIGGERS,
    TWITCH_TRIGGERS,
)

# Evidence weights: the features the documents agree on most weigh most.
W_DURATION_BRIEF = 2.0
W_DURATION_LONG = 3.0
W_DURATION_MIDDLE = 1.0
W_PAIN = 2.0
W_PAIN_SEVERE = 3.0
W_VISIBLE = 2.0
W_TIGHTNESS = 1.5
W_NO_TIGHTNESS = 0.5
W_RHYTHMIC = 1.0
W_SITE = 1.0
W_TRIGGER_EACH = 0.5
W_TRIGGER_MAX = 1.0
SEVERE_PAIN_EVIDENCE = 7


def classify(episode: Episode, thresholds: Thresholds = DEFAULTS) -> Classification:
    """Label, subtype, confidence and the reasons, most telling first."""
    twitch = spasm = 0.0
    reasons: list[str] = []
    th = thresholds

    duration = episode.duration_s
    if duration <= th.twitch_max_duration_s:
        twitch += W_DURATION_BRIEF
        reasons.append(
            f"twitch: lasted {format_duration(duration)}, brief "
            f"(≤ {th.twitch_max_duration_s:g} s) [000, 001, 002]"
        )
    elif duration >= th.spasm_strong_duration_s:
        spasm += W_DURATION_LONG
        reasons.append(
            f"spasm: lasted {format_duration(duration)}, "
            f"{th.spasm_strong_duration_s:g} s or longer is strong evidence [001, 002]"
        )
    else:
        spasm += W_DURATION_MIDDLE
        reasons.append(
            f"spasm (weak): lasted {format_duration(duration)}, longer than a "
            f"twitch's few seconds [001, 002]"
        )

    pain = episode.pain
    if pain <= th.twitch_max_pain:
        twitch += W_PAIN
        reasons.append(f"twitch: pain {pain}/10, none or light [000, 001, 002]")
    elif pain >= th.spasm_min_pain:
        severe = pain >= SEVERE_PAIN_EVIDENCE
        spasm += W_PAIN_SEVERE if severe else W_PAIN
        reasons.append(
            f"spasm: pain {pain}/10, {'severe' if severe else 'moderate'} [001, 002, 003]"
        )

    if episode.visible == "flicker":
        twitch += W_VISIBLE
        reasons.append("twitch: a flicker or flutter under the skin [001, 002]")
    elif episode.visible == "bulge":
        spasm += W_VISIBLE
        reasons.append("spasm: a hard bulge or lump [001, 002, 003]")

    if episode.stiff:
        spasm += W_TIGHTNESS
        reasons.append("spasm: felt tight or stiff [001, 002, 003]")
    if episode.limited_motion:
        spasm += W_TIGHTNESS
        reasons.append("spasm: limited range of motion [001]")
    if not (episode.stiff or episode.limited_motion):
        twitch += W_NO_TIGHTNESS
        reasons.append("twitch (weak): no tightness and full range of motion [001]")
    if episode.rhythmic:
        twitch += W_RHYTHMIC
        reasons.append("twitch: a rhythmic series of beats, as in clonus [001]")

    site = episode.site
    if site in SMALL_MUSCLE_SITES:
        twitch += W_SITE
        reasons.append(f"twitch: the {site} is a small muscle where twitches are common [001, 003]")
    elif site in SMOOTH_MUSCLE_SITES:
        spasm += W_SITE
        reasons.append(
            f"spasm: the {site} holds smooth muscle (menstrual, intestinal cramps) [001]"
        )
    elif site in LARGE_MUSCLE_SITES:
        spasm += W_SITE
        reasons.append(f"spasm: the {site} is a large muscle group where spasms are common [001]")

    names = episode.trigger_names
    if names:
        for_twitch = [n for n in names if n in TWITCH_TRIGGERS]
        for_spasm = [n for n in names if n in SPASM_TRIGGERS]
        if for_twitch:
            twitch += min(W_TRIGGER_MAX, W_TRIGGER_EACH * len(for_twitch))
            reasons.append(f"twitch (weak): triggers {', '.join(for_twitch)} [000, 001, 002, 003]")
        if for_spasm:
            spasm += min(W_TRIGGER_MAX, W_TRIGGER_EACH * len(for_spasm))
            reasons.append(f"spasm (weak): triggers {', '.join(for_spasm)} [001, 002, 003]")

    total = twitch + spasm
    margin = (spasm - twitch) / total
    confidence = round(max(twitch, spasm) / total, 2)
    if margin >= th.unclear_margin:
        subtype, why = _spasm_subtype(episode, th)
        reasons.insert(0, f"spasm by weight of evidence ({spasm:g} vs {twitch:g}); {why}")
        return Classification("spasm", subtype, confidence, tuple(reasons))
    if margin <= -th.unclear_margin:
        subtype, why = _twitch_subtype(episode)
        reasons.insert(0, f"twitch by weight of evidence ({twitch:g} vs {spasm:g}); {why}")
        return Classification("twitch", subtype, confidence, tuple(reasons))
    reasons.insert(
        0,
        f"unclear: the evidence conflicts (twitch {twitch:g} vs spasm {spasm:g}), "
        "so no label is guessed [CLINICAL_RULES §2]",
    )
    return Classification("unclear", None, confidence, tuple(reasons))


def _twitch_subtype(episode: Episode) -> tuple[str, str]:
    if episode.rhythmic:
        after_stretch = " after a stretch" if "stretch" in episode.trigger_names else ""
        return "clonus", f"clonus: a rhythmic series{after_stretch} [001]"
    return "fasciculation", "fasciculation: an isolated twitch [001, 003]"


def _spasm_subtype(episode: Episode, th: Thresholds) -> tuple[str, str]:
    names = episode.trigger_names
    if episode.site in SMOOTH_MUSCLE_SITES or "menstruation" in names:
        return "smooth", "smooth muscle: abdominal, pelvic or menstrual cramp [001]"
    if episode.site in LEG_SITES:
        if "exercise" in names:
            return "ischemic", "ischemic: a leg cramp during exertion [001]"
        if is_night(episode.at.hour, th):
            return "nocturnal", "nocturnal: a leg cramp at night [NHS leg cramps]"
    return "skeletal", "skeletal muscle spasm [001]"


def is_night(hour: int, th: Thresholds = DEFAULTS) -> bool:
    if th.night_start_hour > th.night_end_hour:
        return hour >= th.night_start_hour or hour < th.night_end_hour
    return th.night_start_hour <= hour < th.night_end_hour


def classify_all(
    episodes: list[Episode], thresholds: Thresholds = DEFAULTS
) -> dict[int, Classification]:
    """Classifications keyed by episode id (episodes without an id are skipped)."""
    return {e.id: classify(e, thresholds) for e in episodes if e.id is not None}
