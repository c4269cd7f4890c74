"""`diary triggers`: kept days with and without each exposure. The statistics are checked
against scipy (a test-only dependency); the verdicts against diaries whose truth is known."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta
from typing import Any

import pytest
from scipy import stats

from diary.analysis.exact import (
    benjamini_hochberg,
    conditional_test_power,
    poisson_interval,
    runs_test_z,
)
from diary.analysis.triggers import (
    LINKED,
    NO_CLEAR_LINK,
    NOT_ENOUGH_DATA,
    TriggerDay,
    analyse_triggers,
    block_permutation_p_value,
    permutation_p_value,
)
from tests.conftest import Diary

START = date(2026, 8, 1)
CONTRACT_KEYS = {
    "trigger",
    "lag_days",
    "exposed_days",
    "unexposed_days",
    "episodes_exposed",
    "episodes_unexposed",
    "rate_ratio",
    "ci95",
    "p",
    "q",
    "verdict",
    "days_needed",
}


def _days(
    counts: list[int], exposed: dict[str, list[bool]], amounts: dict[str, list[float]] | None = None
) -> list[TriggerDay]:
    days = []
    for i, count in enumerate(counts):
        had: dict[str, float | None] = {}
        for name, flags in exposed.items():
            if flags[i]:
                had[name] = (amounts or {}).get(name, [None] * len(counts))[i]
        days.append(TriggerDay(START + timedelta(days=i), had, {"all": count}))
    return days


def _analyse(days: list[TriggerDay], **kwargs: Any) -> Any:
    names = {n for d in days for n in d.had}
    return analyse_triggers(days, since=days[0].day, until=days[-1].day, tested=names, **kwargs)


def _linked_diary(seed: int, days: int = 120) -> list[TriggerDay]:
    rng = random.Random(seed)
    coffee = [rng.random() < 0.5 for _ in range(days)]
    stress = [rng.random() < 0.33 for _ in range(days)]
    counts = [_poisson(rng, 3.0 if c else 1.0) for c in coffee]
    return _days(counts, {"caffeine": coffee, "stress": stress})


def _poisson(rng: random.Random, mean: float) -> int:
    k, product, limit = 0, rng.random(), 2.718281828459045**-mean
    while product > limit:
        k += 1
        product *= rng.random()
    return k


# --- the statistics against scipy ------------------------------------------------------


def _scipy_permutation_p(outcomes: list[int], exposed: list[bool], **options: Any) -> float:
    """scipy's permutation test of |mean with - mean without| (the same statistic)."""
    with_it = [x for x, e in zip(outcomes, exposed, strict=True) if e]
    without = [x for x, e in zip(outcomes, exposed, strict=True) if not e]

    def difference(a: Any, b: Any, axis: int) -> Any:
        return abs(a.mean(axis=axis) - b.mean(axis=axis))

    return float(
        stats.permutation_test(
            (with_it, without), difference, alternative="greater", vectorized=True, **options
        ).pvalue
    )


@pytest.mark.parametrize("count", [0, 1, 2, 5, 17, 100, 2500])
def test_poisson_interval_matches_the_chi_square_form(count: int) -> None:
    low, high = poisson_interval(count)
    assert low == pytest.approx(stats.chi2.ppf(0.025, 2 * count) / 2 if count else 0.0, rel=1e-8)
    assert high == pytest.approx(stats.chi2.ppf(0.975, 2 * count + 2) / 2, rel=1e-8)


@pytest.mark.parametrize(
    "p_values",
    [[0.5, 0.01, 0.001, 0.69, 0.02, 0.05, 0.0025], [0.04], [1.0, 1.0], [0.01, 0.01, 0.02]],
)
def test_benjamini_hochberg_matches_scipy(p_values: list[float]) -> None:
    expected = stats.false_discovery_control(p_values, method="bh")
    assert benjamini_hochberg(p_values) == pytest.approx(list(expected))


@pytest.mark.parametrize(
    ("outcomes", "exposed"),
    [
        ([0, 3, 1, 0, 5, 2, 0, 4, 1], [False, True, False, False, True, True, False, True, False]),
        ([1, 1, 0, 0, 2, 0, 1, 3], [True, False, True, False, True, False, False, True]),
        ([0, 0, 0, 7, 0, 0], [False, False, False, True, False, True]),
    ],
)
def test_exact_permutation_test_matches_scipy(outcomes: list[int], exposed: list[bool]) -> None:
    expected = _scipy_permutation_p(outcomes, exposed, n_resamples=10**6)
    assert permutation_p_value(outcomes, exposed, shuffles=10_000, seed=1) == pytest.approx(
        expected
    )


def test_monte_carlo_permutation_test_is_close_to_scipy() -> None:
    rng = random.Random(5)
    exposed = [rng.random() < 0.4 for _ in range(80)]
    outcomes = [_poisson(rng, 1.6 if e else 1.0) for e in exposed]
    expected = _scipy_permutation_p(outcomes, exposed, n_resamples=20_000, rng=1)
    ours = permutation_p_value(outcomes, exposed, shuffles=20_000, seed=2)
    assert ours == pytest.approx(expected, abs=0.02)


@pytest.mark.parametrize(
    ("exposed_days", "unexposed_days", "base", "ratio"),
    [(12, 48, 0.5, 2.0), (10, 90, 1.5, 1.5), (30, 300, 4.0, 1.25)],
)
def test_power_of_the_conditional_test_matches_a_simulation(
    exposed_days: int, unexposed_days: int, base: float, ratio: float
) -> None:
    # Simulated with scipy's Poisson draws and scipy's exact binomial test.
    runs = 2000
    x1 = stats.poisson.rvs(base * ratio * exposed_days, size=runs, random_state=1)
    x0 = stats.poisson.rvs(base * unexposed_days, size=runs, random_state=2)
    share = exposed_days / (exposed_days + unexposed_days)
    rejected = sum(
        1
        for a, b in zip(x1, x0, strict=True)
        if a + b and stats.binomtest(int(a), int(a + b), share).pvalue <= 0.05
    )
    computed = conditional_test_power(exposed_days, unexposed_days, base, ratio)
    assert computed == pytest.approx(rejected / runs, abs=0.035)  # 3.5 Monte Carlo sd


def test_runs_test_sees_a_stressful_week() -> None:
    weekly = ([True] * 7 + [False] * 7) * 6
    alternating = [True, False] * 42
    z_weekly, z_alternating = runs_test_z(weekly), runs_test_z(alternating)
    assert z_weekly is not None and z_weekly < -3
    assert z_alternating is not None and z_alternating > 3
    assert runs_test_z([True] * 10) is None


def test_whole_weeks_test_keeps_runs_whole() -> None:
    # Six weeks, stress in weeks 2 and 3, inside a four-week bad spell: 2 of the 4 bad weeks
    # of 6 hold stress in 6 of the 15 ways of choosing two weeks, so p is about 0.4, while
    # shuffling single days finds stress days almost never all bad by chance.
    stress = [7 <= i < 21 for i in range(42)]
    counts = [6 if i < 28 else 1 for i in range(42)]
    p_weeks = block_permutation_p_value(counts, stress, shuffles=20_000, seed=1)
    assert 0.25 < p_weeks < 0.6  # stopped after 50 exceedances: an estimate of 0.4
    assert permutation_p_value(counts, stress, shuffles=10_000, seed=1) < 0.01
    assert block_permutation_p_value(counts, [True] * 42, shuffles=100, seed=1) == 1.0
    # A week pattern that follows the counts week by week is as far apart as it gets.
    weekly = ([True] * 7 + [False] * 7) * 6
    follows = [3 if had else 0 for had in weekly]
    assert block_permutation_p_value(follows, weekly, shuffles=10_000, seed=1) < 0.01


def _drifting_weeks(seed: int, base: float, days: int = 120) -> list[TriggerDay]:
    """No effect: negative-binomial days (shape 3) around a log rate that drifts (AR(1), sd
    0.4, correlation 0.9), stress on 30% of whole weeks (bench/simulate_triggers.py --runs)."""
    rng = random.Random(seed)
    level = rng.gauss(0.0, 0.4)
    in_week = False
    found = []
    for offset in range(days):
        if offset % 7 == 0:
            in_week = rng.random() < 0.3
        level = 0.9 * level + rng.gauss(0.0, 0.4 * math.sqrt(1 - 0.81))
        mean = rng.gammavariate(3.0, base * math.exp(level) / 3.0)
        had: dict[str, float | None] = {"stress": None} if in_week else {}
        found.append(TriggerDay(START + timedelta(days=offset), had, {"all": _poisson(rng, mean)}))
    return found


def test_an_exposure_in_whole_weeks_meeting_a_bad_spell_is_no_clear_link_with_the_way_out() -> None:
    # Stress does nothing here; its weeks happen to meet bad spells. Both day-level tests
    # would call a link (p and the permutation p under 0.05 at both lags, q < 0.05 as the
    # verdict used to be); shuffling whole weeks shows chance can do it.
    report = _analyse(_drifting_weeks(2, 3.0))
    assert len(report.results) == 2
    old_q = benjamini_hochberg([max(r.p or 1, r.p_permutation or 1) for r in report.results])
    assert max(old_q) < 0.05
    for r in report.results:
        assert r.in_runs and r.p_runs is not None and r.p_runs > 0.05
        assert r.p_verdict == max(r.p or 0, r.p_permutation or 0, r.p_runs)
        assert r.verdict == NO_CLEAR_LINK
        assert r.runs_note is not None and "diary experiment plan stress" in r.runs_note


# --- verdicts on diaries whose truth is known --------------------------------------------


def test_a_real_link_is_linked_and_a_bystander_is_not() -> None:
    report = _analyse(_linked_diary(3))
    same_day = {r.trigger: r for r in report.results if r.lag_days == 0}
    coffee, stress = same_day["caffeine"], same_day["stress"]
    assert coffee.verdict == LINKED
    assert coffee.rate_ratio is not None and coffee.rate_ratio > 2
    assert coffee.ci95 is not None and coffee.ci95[0] is not None and coffee.ci95[0] > 1
    assert stress.verdict == NO_CLEAR_LINK
    assert coffee.q is not None and coffee.p is not None and coffee.q >= coffee.p
    assert coffee.p_verdict == max(coffee.p, coffee.p_permutation or 0)


def test_one_big_bout_cannot_carry_a_link() -> None:
    # One day with 60 twitches among coffee days; otherwise coffee does nothing.
    rng = random.Random(8)
    coffee = [rng.random() < 0.4 for _ in range(90)]
    counts = [_poisson(rng, 0.5) for _ in coffee]
    counts[coffee.index(True)] = 60
    result = next(
        r for r in _analyse(_days(counts, {"caffeine": coffee})).results if r.lag_days == 0
    )
    assert result.p is not None and result.p < 1e-6  # the count test alone would call it
    assert result.verdict == NO_CLEAR_LINK


def test_too_few_days_is_not_enough_data_with_what_is_missing() -> None:
    rng = random.Random(2)
    drinks = [i in (10, 40) for i in range(60)]
    counts = [_poisson(rng, 1.0) for _ in drinks]
    result = next(
        r for r in _analyse(_days(counts, {"alcohol": drinks})).results if r.lag_days == 0
    )
    assert result.verdict == NOT_ENOUGH_DATA
    assert result.missing == "2 kept days with alcohol; at least 3 needed"
    assert result.p is None and result.q is None
    assert result.days_needed is not None and result.days_needed > 0
    # Doubling needs roughly: exposure on 1 day in 30 at one episode a day.
    more = result.days_needed
    bigger = _analyse(
        _days([1] * (60 + more), {"alcohol": [i % 30 == 10 for i in range(60 + more)]})
    )
    assert bigger.results[0].exposed_days >= 3


def test_exposures_on_the_same_days_are_not_credited_one_by_one() -> None:
    rng = random.Random(4)
    stress = [rng.random() < 0.4 for _ in range(90)]
    sleep = [s if rng.random() < 0.98 else not s for s in stress]
    counts = [_poisson(rng, 3.0 if s else 1.0) for s in stress]
    report = _analyse(_days(counts, {"stress": stress, "poor sleep": sleep}))
    assert [g.members for g in report.together] == [("poor sleep", "stress")]
    assert {r.trigger for r in report.results} == {"poor sleep + stress"}
    assert report.results[0].members == ("poor sleep", "stress")


def test_dose_response_rises_with_the_cups() -> None:
    rng = random.Random(6)
    cups = [rng.choice([0, 1, 2, 3, 4]) for _ in range(120)]
    counts = [_poisson(rng, 0.5 + 0.8 * c) for c in cups]
    report = _analyse(
        _days(counts, {"caffeine": [c > 0 for c in cups]}, {"caffeine": [float(c) for c in cups]})
    )
    (dose,) = report.dose
    assert [level.amount for level in dose.levels] == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert dose.rises
    for level in dose.levels:
        assert level.ci95[0] <= level.rate <= level.ci95[1]
    rng = random.Random(100)  # a 5%-level test: with no trend, 1 seed in 20 shows one
    flat = [_poisson(rng, 1.0) for _ in cups]
    report = _analyse(
        _days(flat, {"caffeine": [c > 0 for c in cups]}, {"caffeine": [float(c) for c in cups]})
    )
    assert not report.dose[0].rises


@pytest.mark.slow
def test_simulated_diaries_find_real_links_and_few_false_ones() -> None:
    # bench/simulate_triggers.py runs the full simulation (hundreds of seeds, bursty days).
    seeds = 40
    found = sum(
        any(
            r.trigger == "caffeine" and r.verdict == LINKED
            for r in _analyse(_linked_diary(s)).results
        )
        for s in range(seeds)
    )
    false = 0
    for s in range(seeds):
        rng = random.Random(1000 + s)
        coffee = [rng.random() < 0.5 for _ in range(120)]
        stress = [rng.random() < 0.33 for _ in range(120)]
        counts = [_poisson(rng, 1.0) for _ in coffee]
        report = _analyse(_days(counts, {"caffeine": coffee, "stress": stress}))
        false += any(r.verdict == LINKED for r in report.results)
    assert found >= 37  # 95% expected; 37 of 40 leaves room for chance
    assert false <= 3


# --- the command ----------------------------------------------------------------------


@pytest.fixture
def autumn(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIARY_NOW", "2026-11-20T21:00:00")


def _check_in_weeks(diary: Diary) -> None:
    """Four weeks: coffee on alternate days, each coffee day with two twitch bouts."""
    for i in range(28):
        day = (date(2026, 10, 23) + timedelta(days=i)).isoformat()
        if i % 2 == 0:
            diary.ok("day", day, "--had", "coffee=2", "--yes")
            for hour in ("09:00", "15:00"):
                diary.log(
                    "--site",
                    "eyelid",
                    "--duration",
                    "3s",
                    "--pain",
                    "0",
                    "--count",
                    "3",
                    "--at",
                    f"{day} {hour}",
                )
        elif i % 7 == 1:
            diary.log("--site", "eyelid", "--duration", "3s", "--pain", "0", "--at", f"{day} 10:00")
            diary.ok("day", day, "--yes")
        else:
            diary.ok("day", day, "--none", "--yes")


@pytest.mark.backend
def test_triggers_json_has_the_contract_shape(diary: Diary, autumn: None) -> None:
    _check_in_weeks(diary)
    data = diary.json("triggers", "--since", "2026-10-23")
    assert data["since"] == "2026-10-23" and data["until"] == "2026-11-20"
    assert data["kept_days"] == 28
    coffee = next(r for r in data["results"] if r["trigger"] == "caffeine" and r["lag_days"] == 0)
    assert set(coffee) >= CONTRACT_KEYS
    assert coffee["exposed_days"] == 14 and coffee["unexposed_days"] == 14
    assert coffee["episodes_exposed"] == 14 * 6  # contractions: the sum of count
    assert coffee["episodes_unexposed"] == 2
    assert coffee["verdict"] == "linked"
    assert len(coffee["ci95"]) == 2 and coffee["ci95"][0] > 1
    assert 0 <= coffee["p"] <= coffee["q"] <= 1


@pytest.mark.backend
def test_stress_weeks_inside_a_bad_spell_are_no_clear_link_on_the_command_line(
    diary: Diary, autumn: None
) -> None:
    # Six weeks: a bad spell (6 twitches a day) for four, quiet (1 a day) for two; stress in
    # weeks 2 and 3, inside the bad spell. Days taken one by one, stress looks linked.
    first = date(2026, 10, 1)
    for i in range(42):
        day = (first + timedelta(days=i)).isoformat()
        had = ["--had", "stress"] if 7 <= i < 21 else []
        diary.ok("day", day, *had, "--yes")
        count = "6" if i < 28 else "1"
        diary.log("--site", "eyelid", "--duration", "3s", "--pain", "0", "--count", count,
                  "--at", f"{day} 10:00")  # fmt: skip
    data = diary.json("triggers", "--since", "2026-10-01", "--until", "2026-11-11")
    stress = next(r for r in data["results"] if r["trigger"] == "stress" and r["lag_days"] == 0)
    assert set(stress) >= CONTRACT_KEYS
    assert stress["p"] < 0.001 and stress["p_permutation"] < 0.01  # the day-level tests
    assert stress["in_runs"] and stress["p_runs"] > 0.05
    assert stress["verdict"] == "no clear link"
    assert "diary experiment plan stress" in stress["runs_note"]
    text = diary.ok("triggers", "--since", "2026-10-01", "--until", "2026-11-11").stdout
    assert "diary experiment plan stress" in text


@pytest.mark.backend
def test_days_not_checked_in_never_count(diary: Diary, autumn: None) -> None:
    _check_in_weeks(diary)
    before = diary.json("triggers", "--since", "2026-10-23")
    # A burst of episodes on a day never checked in changes nothing.
    diary.log(
        "--site",
        "eyelid",
        "--duration",
        "3s",
        "--pain",
        "0",
        "--count",
        "50",
        "--at",
        "2026-10-20 09:00",
    )
    diary.log(
        "--site",
        "eyelid",
        "--duration",
        "3s",
        "--pain",
        "0",
        "--count",
        "50",
        "--at",
        "2026-11-20 09:00",
    )
    after = diary.json("triggers", "--since", "2026-10-20")
    assert after["kept_days"] == before["kept_days"]
    assert after["results"] == before["results"]


@pytest.mark.backend
def test_a_window_without_kept_days_says_so(diary: Diary, autumn: None) -> None:
    diary.log("--site", "calf", "--duration", "1m", "--pain", "5", "--trigger", "stress")
    data = diary.json("triggers")
    assert data["kept_days"] == 0 and data["results"] == []
    text = diary.ok("triggers").stdout
    assert "No kept days in this period" in text and "diary day" in text


@pytest.mark.backend
def test_triggers_text_reads_in_words_first(diary: Diary, autumn: None) -> None:
    _check_in_weeks(diary)
    diary.log(
        "--site",
        "calf",
        "--duration",
        "1m",
        "--pain",
        "5",
        "--trigger",
        "stress",
        "--at",
        "2026-11-19 22:00",
    )
    text = " ".join(diary.ok("triggers", "--since", "2026-10-23").stdout.split())  # unwrapped
    assert "Caffeine: episodes on 14 of 14 days with it, against" in text
    assert ": linked (about" in text
    assert "stress on 1 episode (never named at a check-in, so not tested" in text
    assert "not proof that one causes the other" in text


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("--since", "soon"), "soon"),
        (("--since", "2026-11-19", "--until", "2026-11-01"), "--since"),
    ],
)
def test_bad_periods_are_refused(
    diary: Diary, autumn: None, args: tuple[str, ...], named: str
) -> None:
    result = diary("triggers", *args)
    assert result.exit_code == 2
    assert named in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_long_diaries_use_the_normal_limit_of_the_permutation_test() -> None:
    rng = random.Random(9)
    exposed = [rng.random() < 0.3 for _ in range(1500)]
    outcomes = [_poisson(rng, 1.15 if e else 1.0) for e in exposed]
    expected = _scipy_permutation_p(outcomes, exposed, n_resamples=20_000, rng=3)
    ours = permutation_p_value(outcomes, exposed, shuffles=10_000, seed=1)
    assert ours == pytest.approx(expected, abs=0.01)


def test_groups_hold_only_exposures_that_all_come_together() -> None:
    # a and b share most days, b and c too, but a and c much less: no chain a-b-c.
    n = 100
    a = [i % 10 < 8 for i in range(n)]  # a-b share 8/9, b-c 8/9, a-c 7/9
    b = [i % 10 < 9 for i in range(n)]
    c = [1 <= i % 10 < 9 for i in range(n)]
    report = _analyse(_days([1] * n, {"a": a, "b": b, "c": c}))
    groups = [g.members for g in report.together]
    assert len(groups) == 1 and len(groups[0]) == 2


@pytest.mark.backend
def test_demo_shows_a_link_no_clear_link_and_not_enough_data_everywhere(
    diary: Diary, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DIARY_NOW", "2026-11-21T20:00:00")
    diary.ok("demo")
    demo = str(tmp_path / "home" / ".local" / "share" / "diary" / "demo.sqlite3")
    data = diary.json("--db", demo, "triggers")
    verdicts = {r["verdict"] for r in data["results"]}
    assert {"linked", "no clear link", "not enough data"} <= verdicts
    linked = [r for r in data["results"] if r["verdict"] == "linked"]
    assert {r["trigger"] for r in linked} == {"caffeine"}  # the demo's one real link
    weekly = diary.json_format("--db", demo, "report", "weekly")
    assert [link["trigger"] for link in weekly["trigger_links"]] == ["caffeine"]
    assert "alcohol" in weekly["triggers_not_enough_data"]
    text = diary.ok("--db", demo, "report", "weekly").stdout
    assert "Triggers on kept days (last 90 days): linked: caffeine" in text
    charts = diary.ok("--db", demo, "charts", "--out", str(tmp_path / "charts")).stdout
    assert str(tmp_path / "charts" / "trigger_effects.png") in charts.splitlines()


def test_an_exposure_had_on_every_kept_day_is_not_called_short_of_data() -> None:
    """Coffee every kept day: more such days will never tell, so the headline says so and
    points to days planned without it, instead of "not enough data yet"."""
    from diary.analysis.triggers import headline_of
    from diary.reports.triggers import every_day_words

    rng = random.Random(4)
    n = 40
    days = _days(
        [_poisson(rng, 2.0) for _ in range(n)],
        {"caffeine": [True] * n, "alcohol": [i == 3 for i in range(n)]},
    )
    headline = headline_of(_analyse(days))
    assert headline.every_day == ("caffeine",)
    assert set(headline.not_enough_data) == {"caffeine", "alcohol"}  # JSON keeps both
    words = every_day_words(headline.every_day)
    assert "had on every kept day" in words and "`diary experiment plan caffeine`" in words
    assert "without it" in words


@pytest.mark.backend
def test_the_weekly_report_and_triggers_say_coffee_every_day_cannot_be_compared(
    diary: Diary, autumn: None
) -> None:
    for i in range(21):
        day = (date(2026, 10, 31) + timedelta(days=i)).isoformat()
        diary.ok("day", day, "--had", "coffee=2", "--yes")
        diary.log("--site", "eyelid", "--duration", "3s", "--pain", "0", "--at", f"{day} 09:00")
    weekly = diary.ok("report", "weekly").stdout
    assert "had on every kept day, so nothing to compare with: caffeine" in weekly
    assert "not enough data yet: caffeine" not in weekly
    data = diary.json_format("report", "weekly")
    assert data["triggers_had_every_day"] == ["caffeine"]
    assert "caffeine" in data["triggers_not_enough_data"]
    short = diary.ok("triggers").stdout.split("\n\n")[0]
    assert "nothing to compare with: caffeine" in short and "Not enough data" not in short
