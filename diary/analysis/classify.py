"""Classify one episode as twitch, spasm or unclear, weighing the evidence of
CLINICAL_RULES.md §2. Pure: an Episode in, a Classification out.

The hot path collects evidence as small tuples; the sentences a person reads are rendered
from them only when asked for (`Classification.reasons`), so labelling years of episodes
stays fast.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from diary.model import Classification, Episode, Evidence, Observation
from diary.perf import gc_paused
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


class Features(NamedTuple):
    """All a classification depends on; episodes typed alike share one result."""

    duration_s: float
    pain: int
    visible: str
    stiff: bool
    limited_motion: bool
    rhythmic: bool
    site: str
    trigger_names: tuple[str, ...]
    at_night: bool


def features_of(episode: Episode | Observation, thresholds: Thresholds = DEFAULTS) -> Features:
    return Features(
        episode.duration_s,
        episode.pain,
        episode.visible,
        episode.stiff,
        episode.limited_motion,
        episode.rhythmic,
        episode.site,
        episode.trigger_names,
        is_night(episode.at.hour, thresholds),
    )


def is_night(hour: int, th: Thresholds = DEFAULTS) -> bool:
    if th.night_start_hour > th.night_end_hour:
        return hour >= th.night_start_hour or hour < th.night_end_hour
    return th.night_start_hour <= hour < th.night_end_hour


def classify(episode: Episode | Observation, thresholds: Thresholds = DEFAULTS) -> Classification:
    """Label, subtype, confidence and the evidence behind them."""
    return _classify(features_of(episode, thresholds), thresholds)


def classify_all(
    episodes: list[Episode], thresholds: Thresholds = DEFAULTS
) -> dict[int, Classification]:
    """Classifications keyed by episode id (episodes without an id are skipped)."""
    with gc_paused():
        return {e.id: classify(e, thresholds) for e in episodes if e.id is not None}


@lru_cache(maxsize=1 << 14)
def _classify(f: Features, th: Thresholds) -> Classification:
    twitch = spasm = 0.0
    found: list[Evidence] = []

    if f.duration_s <= th.twitch_max_duration_s:
        twitch += W_DURATION_BRIEF
        found.append(("duration_brief", f.duration_s, th.twitch_max_duration_s))
    elif f.duration_s >= th.spasm_strong_duration_s:
        spasm += W_DURATION_LONG
        found.append(("duration_long", f.duration_s, th.spasm_strong_duration_s))
    else:
        spasm += W_DURATION_MIDDLE
        found.append(("duration_middle", f.duration_s, th.twitch_max_duration_s))

    if f.pain <= th.twitch_max_pain:
        twitch += W_PAIN
        found.append(("pain_light", f.pain, th.twitch_max_pain))
    elif f.pain >= th.spasm_min_pain:
        severe = f.pain >= SEVERE_PAIN_EVIDENCE
        spasm += W_PAIN_SEVERE if severe else W_PAIN
        found.append(("pain_severe" if severe else "pain_moderate", f.pain, th.spasm_min_pain))

    if f.visible == "flicker":
        twitch += W_VISIBLE
        found.append(("flicker", None, None))
    elif f.visible == "bulge":
        spasm += W_VISIBLE
        found.append(("bulge", None, None))

    if f.stiff:
        spasm += W_TIGHTNESS
        found.append(("stiff", None, None))
    if f.limited_motion:
        spasm += W_TIGHTNESS
        found.append(("limited_motion", None, None))
    if not (f.stiff or f.limited_motion):
        twitch += W_NO_TIGHTNESS
        found.append(("no_tightness", None, None))
    if f.rhythmic:
        twitch += W_RHYTHMIC
        found.append(("rhythmic", None, None))

    if f.site in SMALL_MUSCLE_SITES:
        twitch += W_SITE
        found.append(("small_muscle", f.site, None))
    elif f.site in SMOOTH_MUSCLE_SITES:
        spasm += W_SITE
        found.append(("smooth_muscle", f.site, None))
    elif f.site in LARGE_MUSCLE_SITES:
        spasm += W_SITE
        found.append(("large_muscle", f.site, None))

    if f.trigger_names:
        for_twitch = tuple(n for n in f.trigger_names if n in TWITCH_TRIGGERS)
        for_spasm = tuple(n for n in f.trigger_names if n in SPASM_TRIGGERS)
        if for_twitch:
            twitch += min(W_TRIGGER_MAX, W_TRIGGER_EACH * len(for_twitch))
            found.append(("twitch_triggers", for_twitch, None))
        if for_spasm:
            spasm += min(W_TRIGGER_MAX, W_TRIGGER_EACH * len(for_spasm))
            found.append(("spasm_triggers", for_spasm, None))

    total = twitch + spasm
    margin = (spasm - twitch) / total
    confidence = round(max(twitch, spasm) / total, 2)
    if margin >= th.unclear_margin:
        subtype = _spasm_subtype(f)
        return Classification("spasm", subtype, confidence, (spasm, twitch), tuple(found))
    if margin <= -th.unclear_margin:
        subtype = "clonus" if f.rhythmic else "fasciculation"
        after_stretch = f.rhythmic and "stretch" in f.trigger_names
        return Classification(
            "twitch", subtype, confidence, (twitch, spasm), tuple(found), after_stretch
        )
    return Classification("unclear", None, confidence, (twitch, spasm), tuple(found))


def _spasm_subtype(f: Features) -> str:
    if f.site in SMOOTH_MUSCLE_SITES or "menstruation" in f.trigger_names:
        return "smooth"
    if f.site in LEG_SITES:
        if "exercise" in f.trigger_names:
            return "ischemic"
        if f.at_night:
            return "nocturnal"
    return "skeletal"
