"""Each flag rule of docs/clinical-rules.md ("Flags") at its boundary, on both sides."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diary.analysis.exact import rate_increase_p_value
from diary.analysis.flags import evaluate_flags, lookback_days
from diary.config import apply_overrides
from diary.domain import Episode, Flag
from tests.conftest import Diary
from tests.factories import AS_OF, days_before, episode, spasm, twitch


def codes(flags: list[Flag]) -> list[str]:
    return [f.code for f in flags]


def only(flags: list[Flag], code: str) -> Flag:
    [flag] = [f for f in flags if f.code == code]
    return flag


@pytest.mark.parametrize(("pain", "raised"), [(7, False), (8, True)])
def test_severe_pain_boundary(pain: int, raised: bool) -> None:
    flags = evaluate_flags([episode(id=4, pain=pain)], AS_OF)
    assert ("severe_pain" in codes(flags)) is raised
    if raised:
        assert only(flags, "severe_pain").episode_ids == (4,)
        assert "8/10" in only(flags, "severe_pain").detail


def test_a_flags_examples_say_alike_episodes_of_a_day_once_with_how_many() -> None:
    """A heavy night of cramps reads '8/10 at the calf on 19 Nov (4 times)', not the same
    words four times over; what is not shown is counted as earlier."""
    night = [
        episode(id=i, at=datetime.combine(days_before(1), time(2, i)), pain=8) for i in range(1, 5)
    ]
    older = [episode(id=10 + i, day=days_before(2 + i), pain=9, site="thigh") for i in range(4)]
    today = [episode(id=20, day=AS_OF, pain=8, side="right")]
    detail = only(evaluate_flags([*older, *night, *today], AS_OF), "severe_pain").detail
    assert "8/10 at the calf on 19 Nov (4 times)" in detail
    assert detail.count("8/10 at the calf on 19 Nov") == 1
    assert "8/10 at the right calf on 20 Nov" in detail
    assert "and 3 earlier" in detail


@pytest.mark.parametrize(("minutes", "raised"), [(10, False), (11, True)])
def test_prolonged_spasm_boundary(minutes: int, raised: bool) -> None:
    long_cramp = spasm(1, AS_OF, duration_s=minutes * 60)
    assert ("prolonged_spasm" in codes(evaluate_flags([long_cramp], AS_OF))) is raised


def test_long_smooth_muscle_cramps_are_not_prolonged_spasms() -> None:
    period_pain = episode(site="pelvis", duration_s=3600, pain=6, triggers=("menstruation",))
    assert "prolonged_spasm" not in codes(evaluate_flags([period_pain], AS_OF))


@pytest.mark.parametrize(("hours", "raised"), [(24, False), (25, True)])
def test_lingering_soreness_boundary(hours: float, raised: bool) -> None:
    sore = spasm(1, AS_OF, soreness_hours=hours)
    assert ("lingering_soreness" in codes(evaluate_flags([sore], AS_OF))) is raised


@pytest.mark.parametrize(("days", "raised"), [(3, False), (4, True)])
def test_twitching_on_3_vs_4_days_within_a_week(days: int, raised: bool) -> None:
    history = [twitch(i, days_before(2 * i)) for i in range(days)]  # every other day
    flags = evaluate_flags(history, AS_OF)
    assert ("persistent_twitching" in codes(flags)) is raised
    if raised:
        flag = only(flags, "persistent_twitching")
        assert flag.severity == "watch"
        assert "Eyelid twitching on 4 days between 14 and 20 Nov" in flag.detail


@pytest.mark.parametrize(("span", "severity"), [(14, None), (15, "doctor")])
def test_twitching_over_more_than_14_days(span: int, severity: str | None) -> None:
    offsets = [0, 5, 10, span]  # never 4 days within any 7, first to last = span
    history = [twitch(i, days_before(o)) for i, o in enumerate(offsets)]
    flags = [f for f in evaluate_flags(history, AS_OF) if f.code == "persistent_twitching"]
    assert [f.severity for f in flags] == ([severity] if severity else [])


def test_twitching_at_two_sites_at_once_is_a_doctor_flag() -> None:
    history = [twitch(i, days_before(i)) for i in range(4)]
    history += [twitch(10 + i, days_before(i), site="thumb") for i in range(4)]
    flags = [f for f in evaluate_flags(history, AS_OF) if f.code == "persistent_twitching"]
    assert {(f.key, f.severity) for f in flags} == {("eyelid", "doctor"), ("thumb", "doctor")}
    apart = [twitch(i, days_before(i)) for i in range(4)]
    apart += [twitch(10 + i, days_before(20 + i), site="thumb") for i in range(4)]
    flags = [f for f in evaluate_flags(apart, AS_OF) if f.code == "persistent_twitching"]
    assert {f.severity for f in flags} == {"watch"}


def test_three_spasms_in_one_week_vs_in_two() -> None:
    one_week = [spasm(i, days_before(i)) for i in range(3)]
    assert "recurring_spasms" not in codes(evaluate_flags(one_week, AS_OF))
    two_weeks = one_week + [spasm(10 + i, days_before(7 + i)) for i in range(3)]
    flag = only(evaluate_flags(two_weeks, AS_OF), "recurring_spasms")
    assert flag.episode_ids == (0, 1, 2, 10, 11, 12)
    two_apart = one_week + [spasm(10 + i, days_before(15 + i)) for i in range(3)]
    assert "recurring_spasms" not in codes(evaluate_flags(two_apart, AS_OF))


def _spread(count: int, first_day: date, id_start: int, pain: int = 3) -> list[Episode]:
    return [
        episode(
            id=id_start + i,
            pain=pain,
            site="neck",
            duration_s=20,
            at=datetime.combine(first_day + timedelta(days=i % 14), time(9, i % 60)),
        )
        for i in range(count)
    ]


def test_flat_vs_rising_rate() -> None:
    earlier_start, recent_start = days_before(27), days_before(13)
    flat = _spread(6, earlier_start, 0) + _spread(6, recent_start, 100)
    assert "worsening" not in codes(evaluate_flags(flat, AS_OF))
    rising = _spread(4, earlier_start, 0) + _spread(14, recent_start, 100)
    flag = only(evaluate_flags(rising, AS_OF), "worsening")
    assert "14 episodes on 14 days in the last 14 days against 4 on 4 days" in flag.detail
    assert flag.episode_ids == tuple(range(100, 114))
    # no baseline: an empty earlier window (often the diary had just begun) claims nothing
    assert "worsening" not in codes(evaluate_flags(_spread(14, recent_start, 100), AS_OF))
    # 1.5x more but too few to rule out chance: no flag
    small = _spread(2, earlier_start, 0) + _spread(3, recent_start, 100)
    assert "worsening" not in codes(evaluate_flags(small, AS_OF))
    # many entries on one bad day: the entry rate rose, the days with episodes did not
    one_bad_day = _spread(4, earlier_start, 0) + [
        episode(id=200 + i, pain=3, site="neck", at=datetime.combine(recent_start, time(9, i)))
        for i in range(30)
    ]
    assert "worsening" not in codes(evaluate_flags(one_bad_day, AS_OF))


def _twitch_days(days: dict[int, int], id_start: int) -> list[Episode]:
    """Single-entry eyelid twitches: {days before AS_OF: entries that day}."""
    found: list[Episode] = []
    for offset, many in days.items():
        for i in range(many):
            found.append(
                episode(
                    id=id_start + len(found),
                    at=datetime.combine(days_before(offset), time(8 + i // 60, i % 60)),
                    site="eyelid",
                    duration_s=3,
                    pain=0,
                    visible="flicker",
                )
            )
    return found


def test_a_rise_over_seven_days_is_worsening() -> None:
    # 2 entries on 2 days in the earlier 14 days, 14 on 7 days in the last 14: the days
    # with twitching rose from 2 to 7 (Fisher's one-sided p = 0.052 alone would miss it).
    history = _twitch_days({20: 1, 25: 1}, 0) + _twitch_days(
        {0: 2, 2: 2, 4: 2, 6: 2, 8: 2, 10: 2, 12: 2}, 100
    )
    flag = only(evaluate_flags(history, AS_OF), "worsening")
    assert "14 episodes on 7 days in the last 14 days against 2 on 2 days" in flag.detail
    assert "permutation test" in flag.detail
    assert flag.episode_ids == tuple(range(100, 114))
    assert flag.plain is not None and "(2 → 14)" in flag.plain


@pytest.mark.parametrize("background", [0, 1, 2])
def test_one_day_of_30_single_entries_never_raises_worsening(background: int) -> None:
    # An even background on every day of both windows, and one day of 30 single entries.
    steady = {offset: background for offset in range(28) if background}
    history = _twitch_days(steady, 0) + _twitch_days({3: 30}, 1000)
    assert "worsening" not in codes(evaluate_flags(history, AS_OF))
    earlier_only = _twitch_days({20: 1, 24: 1}, 0) + _twitch_days({3: 30}, 1000)
    assert "worsening" not in codes(evaluate_flags(earlier_only, AS_OF))


def test_the_demo_diary_is_worsening_again_in_its_week_2025_w23() -> None:
    from diary.demo import demo_history
    from diary.domain import stored

    # `diary demo --days 90` on Tuesday 17 June 2025: the night cramps worsen in its last
    # weeks; its week 2025-W23 ends on 8 June. The entries rose (exact Poisson test p =
    # 0.017) but the days with any only from 5 to 10 (Fisher's p = 0.064): the old rule lost it.
    history = demo_history(date(2025, 6, 17), days=90)
    episodes = [stored(e, id=i, logged_at=e.at) for i, e in enumerate(history.episodes, start=1)]
    week_end = date(2025, 6, 8)
    flag = only(evaluate_flags(episodes, week_end), "worsening")
    recent = {e.id for e in episodes if week_end - timedelta(days=13) <= e.at.date() <= week_end}
    assert set(flag.episode_ids) == recent and len(recent) == 17
    assert "17 episodes on 10 days in the last 14 days against 6 on 5 days" in flag.detail


def test_worsening_pain() -> None:
    earlier_start, recent_start = days_before(27), days_before(13)
    calmer = _spread(3, earlier_start, 0, pain=2) + _spread(3, recent_start, 100, pain=3)
    assert "worsening" not in codes(evaluate_flags(calmer, AS_OF))
    worse = _spread(3, earlier_start, 0, pain=2) + _spread(3, recent_start, 100, pain=4)
    assert (
        "Mean pain rose from 2.0 to 4.0" in only(evaluate_flags(worse, AS_OF), "worsening").detail
    )


def test_poisson_p_values_match_hand_computation() -> None:
    assert rate_increase_p_value(5, 0) == pytest.approx(1 / 32)
    assert rate_increase_p_value(10, 2) == pytest.approx((66 + 12 + 1) / 4096)
    assert rate_increase_p_value(0, 7) == 1.0
    assert rate_increase_p_value(4, 4) > 0.5


@given(st.integers(0, 20_000), st.integers(0, 20_000))
def test_poisson_p_value_is_a_probability_for_any_counts(recent: int, earlier: int) -> None:
    p = rate_increase_p_value(recent, earlier)
    assert 0.0 <= p <= 1.0
    if recent > earlier > 0:
        assert p <= rate_increase_p_value(earlier, recent)


def test_poisson_on_a_dense_diary() -> None:
    assert rate_increase_p_value(5000, 4000) < 1e-20
    assert rate_increase_p_value(4000, 4000) == pytest.approx(0.5, abs=0.01)


@pytest.mark.parametrize(("days_ago", "severity"), [(0, "urgent"), (1, "urgent"), (2, "doctor")])
def test_breathing_difficulty_is_urgent_while_recent_then_for_the_doctor(
    days_ago: int, severity: str
) -> None:
    breathless = episode(id=1, site="chest", breathing=True, day=days_before(days_ago))
    flag = only(evaluate_flags([breathless], AS_OF), "breathing_difficulty")
    assert flag.severity == severity and flag.episode_ids == (1,)
    if severity == "urgent":
        assert "Seek care now" in flag.detail
    else:
        assert "tell your doctor" in flag.detail and "Seek care now:" not in flag.detail
        assert f"logged on {days_before(days_ago).day} Nov" in flag.title


def test_a_breathing_episode_three_weeks_old_no_longer_says_seek_care_now() -> None:
    breathless = episode(id=1, site="chest", breathing=True, day=days_before(21))
    recent_again = episode(id=2, site="chest", breathing=True, day=AS_OF)
    [old] = evaluate_flags([breathless], AS_OF)
    assert (old.code, old.severity) == ("breathing_difficulty", "doctor")
    assert "on 30 Oct" in old.detail and "tell your doctor" in old.detail
    [both] = evaluate_flags([breathless, recent_again], AS_OF)
    assert both.severity == "urgent" and both.episode_ids == (1, 2)


def test_single_episode_red_flags_cite_their_evidence() -> None:
    history = [
        episode(id=1, site="chest", breathing=True),
        episode(id=2, weakness=True, pain=3),
        episode(id=3, appearance_change=True, pain=2),
        episode(id=4, triggers=("medication:atorvastatin",)),
    ]
    flags = evaluate_flags(history, AS_OF)
    assert flags[0].code == "breathing_difficulty" and flags[0].severity == "urgent"
    assert "Seek care now" in flags[0].detail
    by_code = {f.code: f for f in flags}
    assert by_code["weakness"].episode_ids == (2,)
    assert by_code["appearance_change"].episode_ids == (3,)
    assert "atorvastatin" in by_code["medication_link"].detail
    assert all(f.source for f in flags)


def test_as_of_window() -> None:
    old = episode(id=1, pain=9, day=days_before(28))
    edge = episode(id=2, pain=9, day=days_before(27))
    later = episode(id=3, pain=9, day=AS_OF + timedelta(days=1))
    assert only(evaluate_flags([old, edge, later], AS_OF), "severe_pain").episode_ids == (2,)
    assert evaluate_flags([old], AS_OF) == []
    assert codes(evaluate_flags([later], AS_OF + timedelta(days=1))) == ["severe_pain"]


def test_config_overrides_move_the_boundaries() -> None:
    seven = [episode(id=1, pain=7)]
    assert "severe_pain" not in codes(evaluate_flags(seven, AS_OF))
    assert "severe_pain" in codes(
        evaluate_flags(seven, AS_OF, apply_overrides({"severe_pain_min": 7}))
    )


MEDICINES = ("sertraline", "tramadol", "atorvastatin", "ibuprofen")
history_strategy = st.lists(
    st.tuples(
        st.integers(-70, 40),  # days from AS_OF: beyond the serotonergic reach and after
        st.integers(0, 10),
        st.booleans(),
        st.booleans(),
        st.sampled_from([None, *MEDICINES]),
        st.booleans(),  # a rhythmic series after a stretch: clonus
        st.booleans(),  # difficulty breathing
    ),
    max_size=40,
)


@settings(max_examples=80, deadline=None)
@given(history_strategy, st.integers(-10, 10))
def test_flags_cite_recent_evidence_and_older_only_as_its_cause(
    rows: list[tuple[int, int, bool, bool, str | None, bool, bool]], shift: int
) -> None:
    """The invariant of diary/analysis/flags.py: every flag cites an episode of the active
    window, none after the as-of date, and anything older only as the medicine a recent
    clonus is read against (no further back than the serotonergic window)."""
    history = []
    for i, (offset, pain, weak, short, medicine, rhythmic, breathing) in enumerate(rows):
        triggers: tuple[str, ...] = (f"medication:{medicine}",) if medicine else ()
        if rhythmic:
            triggers += ("stretch",)
        history.append(
            episode(
                id=i,
                day=AS_OF + timedelta(days=offset),
                pain=1 if rhythmic else pain,
                weakness=weak,
                duration_s=10 if rhythmic else 3 if short else 120,
                site="calf" if rhythmic or not short else "eyelid",
                visible="flicker" if rhythmic else "none",
                rhythmic=rhythmic,
                breathing=breathing,
                triggers=triggers,
            )
        )
    as_of = AS_OF + timedelta(days=shift)
    by_id = {e.id: e for e in history}
    active_start = as_of - timedelta(days=28 - 1)
    reach = as_of - timedelta(days=lookback_days() - 1)
    for flag in evaluate_flags(history, as_of):
        cited = [by_id[i] for i in flag.episode_ids]
        assert cited
        assert all(e.at.date() <= as_of for e in cited)
        assert any(e.at.date() >= active_start for e in cited)
        older = [e for e in cited if e.at.date() < active_start]
        if older:
            assert flag.code == "clonus_with_serotonergic"
            assert all(e.at.date() >= reach for e in older)
            assert all(t.name == "medication" for e in older for t in e.triggers[:1])


# --- through the command line -------------------------------------------------------------


@pytest.mark.backend
def test_a_rise_over_days_is_flagged_by_diary_flags(diary: Diary) -> None:
    for day, count in [(1, 1), (6, 1)] + [(15 + 2 * i, 2) for i in range(7)]:
        for n in range(count):
            diary.log("--site", "eyelid", "--duration", "3s", "--pain", "0",
                      "--at", f"2026-11-{day:02d}T{9 + n:02d}:00")  # fmt: skip
    data = diary.json("flags", "--as-of", "2026-11-28")
    (worsening,) = [f for f in data["flags"] if f["code"] == "worsening"]
    assert worsening["severity"] == "doctor" and len(worsening["episode_ids"]) == 14
    assert "14 episodes on 7 days in the last 14 days against 2 on 2 days" in worsening["detail"]


@pytest.mark.backend
def test_the_demo_diary_week_2025_w23_reports_worsening_with_its_evidence(
    diary: Diary, db_target: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `diary demo --days 90` on Tuesday 17 June 2025: its night cramps worsen in its last weeks.
    monkeypatch.setenv("DIARY_NOW", "2025-06-17T20:00:00")
    diary.ok("--db", db_target, "demo", "--days", "90")
    week = diary.json_format("report", "weekly", "--week", "2025-W23")
    (worsening,) = [f for f in week["flags"] if f["code"] == "worsening"]
    listed = diary.json("list", "--since", "2025-05-26", "--until", "2025-06-08")
    assert sorted(worsening["episode_ids"]) == sorted(e["id"] for e in listed)
    assert "17 episodes on 10 days" in worsening["detail"]


def test_a_rule_at_several_sites_keeps_its_words_in_one_title() -> None:
    from diary.analysis.flags import merged_by_rule, sites_title

    def weak(site: str, id: int) -> Flag:
        return Flag(
            "progressive_weakness",
            "doctor",
            f"Weakness at the {site} keeps coming back",
            f"Weakness at the {site} on 2 days.",
            (id,),
            "001, 003",
            key=site,
        )

    group = [weak("calf", 1), weak("thigh", 2)]
    assert sites_title(group) == "Weakness keeps coming back at 2 sites (calf, thigh)"
    [merged] = merged_by_rule(group)
    assert merged.episode_ids == (1, 2) and merged.key == ""
    assert "calf" in merged.detail and "thigh" in merged.detail
