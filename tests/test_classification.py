"""Classification of episodes described in the wording of the four source documents."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from diary.analysis.classify import (
    Classifier,
    classify,
    features_of,
    is_night,
    weigh,
)
from diary.analysis.explain import reasons
from diary.config import apply_overrides
from diary.domain import Episode, TriggerEntry
from diary.thresholds import DEFAULTS
from diary.vocabulary import LEG_SITES, SITES, TRIGGERS
from tests.factories import episode

# (document, what it says, the episode, expected label, expected subtype)
ROWS = [
    (
        "000",
        "twitches are involuntary, brief contractions",
        dict(site="forearm", duration_s=2, pain=0),
        "twitch",
        "fasciculation",
    ),
    (
        "000",
        "the affected person feels a light pain comparatively (twitch)",
        dict(site="thumb", duration_s=3, pain=1, visible="flicker"),
        "twitch",
        "fasciculation",
    ),
    (
        "000",
        "spasm: a painful, visible, intense contraction",
        dict(site="thigh", duration_s=60, pain=7, visible="bulge"),
        "spasm",
        "skeletal",
    ),
    (
        "000",
        "usually it associates itself with the back: a back spasm",
        dict(site="lower back", duration_s=120, pain=7, stiff=True, limited_motion=True),
        "spasm",
        "skeletal",
    ),
    (
        "000",
        "lack of sleep can be a reason for twitching",
        dict(site="eyelid", duration_s=4, pain=0, triggers=("poor sleep",)),
        "twitch",
        "fasciculation",
    ),
    (
        "000",
        "spasms result from muscle strain, dehydration",
        dict(site="hamstring", duration_s=45, pain=6, triggers=("dehydration", "overuse")),
        "spasm",
        "skeletal",
    ),
    (
        "000",
        "cramps are painless and caused by stress (disagrees with 001-003)",
        dict(site="calf", duration_s=60, pain=0, triggers=("stress",)),
        "unclear",
        None,
    ),
    (
        "001",
        "a calf cramp is a type of skeletal muscle spasm",
        dict(site="calf", duration_s=90, pain=7, stiff=True, visible="bulge"),
        "spasm",
        "skeletal",
    ),
    (
        "001",
        "menstrual cramps are smooth muscle spasms",
        dict(site="pelvis", duration_s=1800, pain=6, triggers=("menstruation",)),
        "spasm",
        "smooth",
    ),
    (
        "001",
        "intestinal cramps are smooth muscle spasms",
        dict(site="abdomen", duration_s=300, pain=5),
        "spasm",
        "smooth",
    ),
    (
        "001",
        "an ischemic spasm while running, inadequate blood flow to the leg",
        dict(site="calf", duration_s=120, pain=7, triggers=("exercise",), stiff=True),
        "spasm",
        "ischemic",
    ),
    (
        "001",
        "a twitch feels like a fluttering sensation under the skin",
        dict(site="upper arm", duration_s=2, pain=0, visible="flicker"),
        "twitch",
        "fasciculation",
    ),
    (
        "001",
        "twitches are typically painless and subside quickly",
        dict(site="shoulder", duration_s=1, pain=0),
        "twitch",
        "fasciculation",
    ),
    (
        "001",
        "fatigue, stress or too much caffeine cause twitches",
        dict(site="eyelid", duration_s=5, pain=0, triggers=("caffeine", "stress", "fatigue")),
        "twitch",
        "fasciculation",
    ),
    (
        "001",
        "clonus: a series of rapid twitches in response to a stretch",
        dict(site="ankle", duration_s=8, pain=1, rhythmic=True, triggers=("stretch",)),
        "twitch",
        "clonus",
    ),
    (
        "001",
        "fasciculations: many people experience them around their eyelids",
        dict(site="eyelid", duration_s=3, pain=0, visible="flicker"),
        "twitch",
        "fasciculation",
    ),
    (
        "001",
        "spasms last a couple of seconds to several minutes with discomfort",
        dict(site="neck", duration_s=240, pain=5, stiff=True),
        "spasm",
        "skeletal",
    ),
    (
        "001",
        "a spasm in the calf makes it hard to fully extend the leg",
        dict(site="calf", duration_s=40, pain=6, limited_motion=True),
        "spasm",
        "skeletal",
    ),
    (
        "001",
        "muscle spasms are not always visible; tightness gives them away",
        dict(site="upper back", duration_s=180, pain=5, stiff=True),
        "spasm",
        "skeletal",
    ),
    (
        "001",
        "spasms often occur in larger muscle groups like the arms",
        dict(site="forearm", duration_s=35, pain=5, stiff=True),
        "spasm",
        "skeletal",
    ),
    (
        "001",
        "statins or diuretics can cause spasms or twitches",
        dict(site="thigh", duration_s=60, pain=6, triggers=("medication:statin",), stiff=True),
        "spasm",
        "skeletal",
    ),
    (
        "001",
        "twitching does not cause tightness or weakness",
        dict(site="finger", duration_s=2, pain=0),
        "twitch",
        "fasciculation",
    ),
    (
        "002",
        "a twitch is a minor annoyance you may hardly notice",
        dict(site="face", duration_s=2, pain=0),
        "twitch",
        "fasciculation",
    ),
    (
        "002",
        "a spasm occurs quickly, without warning and is typically quite painful",
        dict(site="thigh", duration_s=20, pain=8, stiff=True),
        "spasm",
        "skeletal",
    ),
    (
        "002",
        "spasms may be visible as a bulge, feel tight, are usually very painful",
        dict(site="calf", duration_s=90, pain=8, visible="bulge", stiff=True),
        "spasm",
        "skeletal",
    ),
    (
        "002",
        "see the rapid but slight movement under the skin",
        dict(site="thigh", duration_s=4, pain=0, visible="flicker"),
        "twitch",
        "fasciculation",
    ),
    (
        "002",
        "the most common cause of spasms is dehydration; heat and activity",
        dict(site="foot", duration_s=60, pain=6, triggers=("dehydration", "sweating")),
        "spasm",
        "skeletal",
    ),
    (
        "002",
        "twitches caused by medications for asthma or ADHD",
        dict(site="hand", duration_s=3, pain=0, triggers=("medication:salbutamol",)),
        "twitch",
        "fasciculation",
    ),
    (
        "003",
        "twitching of the eyelids, thumb or calf is common, caused by anxiety or stress",
        dict(site="calf", duration_s=3, pain=0, visible="flicker", triggers=("anxiety",)),
        "twitch",
        "fasciculation",
    ),
    (
        "003",
        "spasms make the muscle group feel hard and bulging",
        dict(site="buttock", duration_s=50, pain=6, visible="bulge", stiff=True),
        "spasm",
        "skeletal",
    ),
    (
        "003",
        "cramps brought on by heavy exercise (in the legs: ischemic)",
        dict(site="hamstring", duration_s=90, pain=7, triggers=("exercise",)),
        "spasm",
        "ischemic",
    ),
    (
        "003",
        "cramps from excess alcohol use or pregnancy",
        dict(
            site="calf",
            duration_s=120,
            pain=6,
            triggers=("alcohol", "pregnancy"),
            at=datetime(2026, 11, 20, 3, 0),
        ),
        "spasm",
        "nocturnal",
    ),
    (
        "003",
        "muscle twitches usually only affect a single muscle: tiny contractions",
        dict(site="thumb", duration_s=2, pain=0, visible="flicker"),
        "twitch",
        "fasciculation",
    ),
    (
        "001/002",
        "conflict: a brief flicker that is severely painful",
        dict(site="shoulder", duration_s=2, pain=8, visible="flicker"),
        "unclear",
        None,
    ),
    (
        "001/000",
        "conflict: a long, painless flicker without tightness at a large muscle",
        dict(site="thigh", duration_s=40, pain=0, visible="none"),
        "unclear",
        None,
    ),
]


@pytest.mark.parametrize(
    ("document", "wording", "fields", "label", "subtype"),
    ROWS,
    ids=[f"{r[0]}-{i}" for i, r in enumerate(ROWS)],
)
def test_documents_described_episodes(
    document: str, wording: str, fields: dict[str, object], label: str, subtype: str | None
) -> None:
    result = classify(episode(**fields))  # type: ignore[arg-type]
    assert (result.label, result.subtype) == (label, subtype), reasons(result)
    assert reasons(result) and reasons(result)[0].startswith(label)


def test_reasons_cite_their_source_documents() -> None:
    result = classify(episode(site="calf", duration_s=90, pain=7, visible="bulge", stiff=True))
    assert all("[" in reason and "]" in reason for reason in reasons(result))
    assert any("90" in r or "1 min 30 s" in r for r in reasons(result))


def test_confidence_is_higher_when_evidence_agrees() -> None:
    strong = classify(episode(site="calf", duration_s=90, pain=8, visible="bulge", stiff=True))
    weak = classify(episode(site="neck", duration_s=15, pain=4))
    assert strong.label == weak.label == "spasm"
    assert strong.confidence > weak.confidence


def test_thresholds_change_the_label() -> None:
    twenty_seconds = episode(site="thigh", duration_s=20, pain=3)
    assert classify(twenty_seconds).label == "spasm"
    longer_twitches = apply_overrides({"twitch_max_duration_s": 25})
    result = classify(twenty_seconds, longer_twitches)
    assert result.label == "twitch"
    assert "≤ 25 s" in " ".join(reasons(result))


episodes = st.builds(
    Episode,
    at=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2030, 1, 1)),
    site=st.sampled_from(SITES),
    duration_s=st.floats(min_value=0.1, max_value=86400, allow_nan=False),
    pain=st.integers(0, 10),
    side=st.sampled_from([None, "left", "right", "both"]),
    triggers=st.lists(st.sampled_from(TRIGGERS), unique=True, max_size=4).map(
        lambda names: tuple(TriggerEntry(n) for n in names)
    ),
    visible=st.sampled_from(["none", "flicker", "bulge"]),
    stiff=st.booleans(),
    limited_motion=st.booleans(),
    rhythmic=st.booleans(),
    weakness=st.booleans(),
    breathing=st.booleans(),
    appearance_change=st.booleans(),
    speech=st.booleans(),
    swallowing=st.booleans(),
    soreness_hours=st.none() | st.floats(min_value=0, max_value=2160, allow_nan=False),
    count=st.integers(1, 500),
    time_known=st.booleans(),
    part_of_day=st.sampled_from([None, "night"]),
)


@given(episodes)
def test_classification_is_total_and_deterministic(e: Episode) -> None:
    first = classify(e)
    assert first.label in ("twitch", "spasm", "unclear")
    assert len(reasons(first)) >= 1 and 0.5 <= first.confidence <= 1.0
    assert (first.subtype is None) == (first.label == "unclear")
    # Weighed afresh (a new Classifier has nothing cached), the same episode gets the same
    # result, and a copy of the episode shares it.
    assert Classifier()(replace(e)) == first
    assert weigh(features_of(e), DEFAULTS) == first
    # How many an entry stands for, and the signs that raise flags of their own, say
    # nothing about what kind of contraction it was.
    plain = replace(e, count=1, speech=False, swallowing=False, soreness_hours=None)
    assert classify(plain) == first
    # A leg cramp is nocturnal by the hour when the hour is known, else by 'last night'.
    if first.label == "spasm" and first.subtype in ("nocturnal", "skeletal"):
        night = is_night(e.at.hour) if e.time_known else e.part_of_day == "night"
        assert (first.subtype == "nocturnal") == (night and e.site in LEG_SITES)
