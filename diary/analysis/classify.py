"""Classify one episode as twitch, spasm or unclear, weighing the evidence of
docs/clinical-rules.md, "Classification". Pure: an Episode in, a Classification out.

The hot path collects evidence as small tuples; the sentences a person reads are rendered
from them only when asked for (`explain.reasons`). A `Classifier` weighs each distinct
combination of features once, so labelling years of episodes stays fast.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

from diary.domain import Classification, Episode, Evidence, NewEpisode, Observation
from diary.thresholds import DEFAULTS, Thresholds
from diary.vocabulary import (
    LARGE_MUSCLE_SITES,
    LEG_SITES,
    SMALL_MUSCLE_SITES,
    SMOOTH_MUSCLE_SITES,
    SPASM_TRIGGERS,
    TWITCH_TRIGGERS,
)


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


def features_of(episode: NewEpisode | Observation, thresholds: Thresholds = DEFAULTS) -> Features:
    return _features(episode, at_night=at_night(episode, thresholds))


def at_night(episode: NewEpisode | Observation, thresholds: Thresholds = DEFAULTS) -> bool:
    """Whether the episode happened at night: a time of day that was never given is not
    read as one, but a night of unknown hour ('last night') is a night."""
    if not episode.time_known:
        return episode.part_of_day == "night"
    return is_night(episode.at.hour, thresholds)


def _features(episode: NewEpisode | Observation, *, at_night: bool) -> Features:
    return Features(
        duration_s=episode.duration_s,
        pain=episode.pain,
        visible=episode.visible,
        stiff=episode.stiff,
        limited_motion=episode.limited_motion,
        rhythmic=episode.rhythmic,
        site=episode.site,
        trigger_names=episode.trigger_names,
        at_night=at_night,
    )


def is_night(hour: int, thresholds: Thresholds = DEFAULTS) -> bool:
    start, end = thresholds.night_start_hour, thresholds.night_end_hour
    if start > end:
        return hour >= start or hour < end
    return start <= hour < end


class Classifier:
    """Classifies episodes under one set of thresholds, weighing each distinct combination
    of features once (a diary of years holds a few thousand)."""

    def __init__(self, thresholds: Thresholds = DEFAULTS) -> None:
        self.thresholds = thresholds
        self._known: dict[Features, Classification] = {}
        self._night = tuple(is_night(hour, thresholds) for hour in range(24))

    def __call__(self, episode: NewEpisode | Observation) -> Classification:
        night = (
            self._night[episode.at.hour] if episode.time_known else episode.part_of_day == "night"
        )
        features = _features(episode, at_night=night)
        found = self._known.get(features)
        if found is None:
            found = self._known[features] = weigh(features, self.thresholds)
        return found


@lru_cache(maxsize=8)
def classifier_for(thresholds: Thresholds) -> Classifier:
    return Classifier(thresholds)


def classify(
    episode: NewEpisode | Observation, thresholds: Thresholds = DEFAULTS
) -> Classification:
    """Label, subtype, confidence and the evidence behind them."""
    return classifier_for(thresholds)(episode)


def classify_all(
    episodes: Iterable[Episode], thresholds: Thresholds = DEFAULTS
) -> dict[int, Classification]:
    """Classifications keyed by episode id."""
    classifier = classifier_for(thresholds)
    return {e.id: classifier(e) for e in episodes}


def weigh(f: Features, thresholds: Thresholds) -> Classification:
    """Weigh one combination of features (docs/clinical-rules.md, "Classification")."""
    twitch = spasm = 0.0
    found: list[Evidence] = []

    if f.duration_s <= thresholds.twitch_max_duration_s:
        twitch += thresholds.weight_duration_brief
        found.append(("duration_brief", f.duration_s, thresholds.twitch_max_duration_s))
    elif f.duration_s >= thresholds.spasm_strong_duration_s:
        spasm += thresholds.weight_duration_long
        found.append(("duration_long", f.duration_s, thresholds.spasm_strong_duration_s))
    else:
        spasm += thresholds.weight_duration_middle
        found.append(("duration_middle", f.duration_s, thresholds.twitch_max_duration_s))

    if f.pain <= thresholds.twitch_max_pain:
        twitch += thresholds.weight_pain_light
        found.append(("pain_light", f.pain, thresholds.twitch_max_pain))
    elif f.pain >= thresholds.spasm_strong_pain:
        spasm += thresholds.weight_pain_strong
        found.append(("pain_strong", f.pain, thresholds.spasm_strong_pain))
    elif f.pain >= thresholds.spasm_min_pain:
        spasm += thresholds.weight_pain_moderate
        found.append(("pain_moderate", f.pain, thresholds.spasm_min_pain))

    if f.visible == "flicker":
        twitch += thresholds.weight_visible
        found.append(("flicker", None, None))
    elif f.visible == "bulge":
        spasm += thresholds.weight_visible
        found.append(("bulge", None, None))

    if f.stiff:
        spasm += thresholds.weight_tightness
        found.append(("stiff", None, None))
    if f.limited_motion:
        spasm += thresholds.weight_tightness
        found.append(("limited_motion", None, None))
    if not (f.stiff or f.limited_motion):
        twitch += thresholds.weight_no_tightness
        found.append(("no_tightness", None, None))
    if f.rhythmic:
        twitch += thresholds.weight_rhythmic
        found.append(("rhythmic", None, None))

    if f.site in SMALL_MUSCLE_SITES:
        twitch += thresholds.weight_site
        found.append(("small_muscle", f.site, None))
    elif f.site in SMOOTH_MUSCLE_SITES:
        spasm += thresholds.weight_site
        found.append(("smooth_muscle", f.site, None))
    elif f.site in LARGE_MUSCLE_SITES:
        spasm += thresholds.weight_site
        found.append(("large_muscle", f.site, None))

    if f.trigger_names:
        for_twitch = tuple(n for n in f.trigger_names if n in TWITCH_TRIGGERS)
        for_spasm = tuple(n for n in f.trigger_names if n in SPASM_TRIGGERS)
        if for_twitch:
            twitch += min(
                thresholds.weight_trigger_max, thresholds.weight_trigger_each * len(for_twitch)
            )
            found.append(("twitch_triggers", for_twitch, None))
        if for_spasm:
            spasm += min(
                thresholds.weight_trigger_max, thresholds.weight_trigger_each * len(for_spasm)
            )
            found.append(("spasm_triggers", for_spasm, None))

    total = twitch + spasm
    if total == 0:  # every weight configured to zero: nothing to go on
        return Classification("unclear", None, 0.5, (0.0, 0.0), tuple(found))
    margin = (spasm - twitch) / total
    confidence = round(max(twitch, spasm) / total, 2)
    if margin >= thresholds.unclear_margin:
        subtype = _spasm_subtype(f)
        return Classification("spasm", subtype, confidence, (spasm, twitch), tuple(found))
    if margin <= -thresholds.unclear_margin:
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
