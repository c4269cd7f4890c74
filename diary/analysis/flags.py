"""Patterns that warrant a doctor (docs/clinical-rules.md, "Flags"), evaluated as of a date.

Pure: episodes and their classifications in, flags out.

What a flag cites (the invariant tests/test_flags.py checks on generated diaries): at least
one episode of the active window (the `active_window_days` up to the as-of date), none
after the as-of date, and an older episode only as what a recent one is read against: the
serotonergic medicine logged up to `serotonergic_window_days` before a recent clonus. So a
flag is active exactly while it has recent evidence. Urgent flags say "seek care now" only
while their episode is `urgent_recent_days` old or less; later they remind to tell the
doctor.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from diary.analysis.classify import classifier_for
from diary.analysis.exact import window_permutation_p_value
from diary.domain import SEVERITIES, Classification, Episode, Flag, Severity, counted
from diary.parsing import format_duration
from diary.thresholds import DEFAULTS, Thresholds

NOT_A_DIAGNOSIS = (
    "This diary is a self-tracking aid, not a diagnosis. Talk to a doctor about anything that "
    "worries you."
)
SEEK_CARE_NOW = "Seek care now: call emergency services or go to an emergency department."
CODES = (
    "breathing_difficulty",
    "severe_pain",
    "weakness",
    "appearance_change",
    "prolonged_spasm",
    "lingering_soreness",
    "persistent_twitching",
    "recurring_spasms",
    "worsening",
    "medication_link",
    "bulbar_signs",
    "progressive_weakness",
    "clonus",
    "clonus_with_serotonergic",
)
# Calm by design: what the documents and the referral tools say around these signs.
COMMON_AND_USUALLY_HARMLESS = (
    "Most twitches and spasms are harmless and resolve on their own, and twitching alone "
    "does not typically cause weakness (001); the sign that matters is weakness or other "
    "symptoms that progress."
)


def lookback_days(thresholds: Thresholds = DEFAULTS) -> int:
    """How many days up to the as-of date the rules need to see."""
    return max(
        full_days(thresholds), thresholds.active_window_days + thresholds.serotonergic_window_days
    )


# Before the last `full_days`, the one rule that looks further back (a clonus within
# `serotonergic_window_days` of a serotonergic medicine) reads only episodes logged with a
# medication: a caller may hand over just those from that stretch of the lookback.
LOOKBACK_TRIGGER = "medication"


def full_days(thresholds: Thresholds = DEFAULTS) -> int:
    """How many days up to the as-of date the rules need every episode of."""
    return max(thresholds.active_window_days, 2 * thresholds.worsening_window_days)


def day_label(day: date) -> str:
    return f"{day.day} {day:%b}"


def day_span(first: date, last: date, joiner: str = "–") -> str:
    """'9–15 Nov', '28 Oct–3 Nov'; with joiner ' and ': '9 and 15 Nov'."""
    if first == last:
        return day_label(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}{joiner}{last.day} {last:%b}"
    return f"{day_label(first)}{joiner}{day_label(last)}"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _ids(episodes: Sequence[Episode]) -> tuple[int, ...]:
    return tuple(sorted(e.id for e in episodes))


def _listing(episodes: Sequence[Episode], describe: Callable[[Episode], str]) -> str:
    """The latest three things seen, alike ones of a day said once with how many: '8/10 at
    the calf on 18 Nov (2 times); 8/10 at the right calf on 19 Nov and 48 earlier'."""
    alike: dict[tuple[str, date], int] = {}  # oldest first, as the episodes come
    for e in episodes:
        key = (describe(e), e.at.date())
        alike[key] = alike.get(key, 0) + 1
    latest = list(alike.items())[-3:]
    shown = [
        f"{what} on {day_label(day)}" + (f" ({n} times)" if n > 1 else "")
        for (what, day), n in latest
    ]
    left = len(episodes) - sum(n for _, n in latest)
    return "; ".join(shown) + (f" and {left} earlier" if left else "")


def by_rule(flags: Sequence[Flag]) -> list[list[Flag]]:
    """Flags of one rule and severity (raised at several sites) together, in the order the
    rules first appear."""
    groups: dict[tuple[str, str], list[Flag]] = {}
    for flag in flags:
        groups.setdefault((flag.code, flag.severity), []).append(flag)
    return list(groups.values())


def sites_title(group: Sequence[Flag]) -> str:
    """'Twitching keeps coming back at 3 sites (eyelid, thigh, thumb)': one title for a rule
    raised at several sites (a single flag keeps its own)."""
    first = group[0]
    if len(group) == 1:
        return first.title
    head, _, rest = first.title.partition(" at the ")  # "Weakness at the calf keeps ..."
    tail = rest[len(first.key) :] if first.key and rest.startswith(first.key) else ""
    keys = [flag.key for flag in group if flag.key]
    return f"{head}{tail} at {len(group)} sites" + (f" ({', '.join(keys)})" if keys else "")


def merged_by_rule(flags: Sequence[Flag]) -> list[Flag]:
    """The flags with each rule raised at several sites read as one flag: the sites in its
    title, every site's detail, all their evidence (key "": no one site). Urgent flags stay
    one by one: each urgent sign is shown in full."""
    merged: list[Flag] = []
    for group in by_rule(flags):
        first = group[0]
        if len(group) == 1 or first.severity == "urgent":
            merged.extend(group)
            continue
        merged.append(
            Flag(
                code=first.code,
                severity=first.severity,
                title=sites_title(group),
                detail=" ".join(flag.detail for flag in group),
                episode_ids=tuple(sorted({i for flag in group for i in flag.episode_ids})),
                source=first.source,
                plain=" ".join(flag.words for flag in group),
            )
        )
    return merged


def evaluate_flags(
    episodes: Sequence[Episode],
    as_of: date,
    thresholds: Thresholds = DEFAULTS,
    classifications: dict[int, Classification] | None = None,
) -> list[Flag]:
    """Every active flag as of the end of `as_of`, most severe first."""
    end = datetime.combine(as_of + timedelta(days=1), time())
    lookback_start = datetime.combine(as_of - timedelta(days=lookback_days(thresholds) - 1), time())
    active_start = datetime.combine(
        as_of - timedelta(days=thresholds.active_window_days - 1), time()
    )
    seen = [e for e in episodes if lookback_start <= e.at < end]
    seen.sort(key=lambda e: (e.at, e.id))
    recent = [e for e in seen if e.at >= active_start]
    known = classifications or {}
    classifier = classifier_for(thresholds)

    def label(e: Episode) -> Classification:
        found = known.get(e.id)
        return found if found is not None else classifier(e)

    flags: list[Flag] = []
    flags += _single_episode_flags(recent, label, as_of, thresholds)
    flags += _persistent_twitching(recent, label, thresholds)
    flags += _recurring_spasms(recent, label, as_of, thresholds)
    flags += _worsening(seen, as_of, thresholds)
    flags += _medication_link(recent)
    flags += _progressive_weakness(recent, thresholds)
    flags += _clonus_with_serotonergic(seen, recent, label, as_of, thresholds)
    order = {s: i for i, s in enumerate(SEVERITIES)}
    flags.sort(key=lambda f: (order[f.severity], CODES.index(f.code), f.key))
    return flags


@dataclass(frozen=True)
class EpisodeRule:
    """A flag raised by single episodes: which ones count, and how the flag words them."""

    code: str
    severity: Severity
    title: Callable[[Thresholds], str]
    matches: Callable[[Episode, Classification, Thresholds], bool]
    lead: Callable[[int, Thresholds], str]  # from the number of matching episodes
    describe: Callable[[Episode], str]  # one episode in the listing
    source: str
    tail: str = ""


def _where(e: Episode) -> str:
    return e.where


def _is_spasm(c: Classification) -> bool:
    return c.label == "spasm"


EPISODE_RULES: tuple[EpisodeRule, ...] = (
    EpisodeRule(
        code="breathing_difficulty",
        severity="urgent",
        title=lambda thresholds: "Difficulty breathing during a contraction",
        matches=lambda e, c, thresholds: e.breathing,
        lead=lambda n, thresholds: "Difficulty breathing logged",
        describe=_where,
        source="001",
        tail=f" {SEEK_CARE_NOW}",
    ),
    EpisodeRule(
        code="severe_pain",
        severity="doctor",
        title=lambda thresholds: "Severe pain during a contraction",
        matches=lambda e, c, thresholds: e.pain >= thresholds.severe_pain_min,
        lead=lambda n, thresholds: (
            f"Pain of {thresholds.severe_pain_min}/10 or more on {counted(n, 'episode')}"
        ),
        describe=lambda e: f"{e.pain}/10 at the {e.where}",
        source="001, 002",
    ),
    EpisodeRule(
        code="weakness",
        severity="doctor",
        title=lambda thresholds: "Muscle weakness with contractions",
        matches=lambda e, c, thresholds: e.weakness,
        lead=lambda n, thresholds: f"Weakness logged with {counted(n, 'episode')}",
        describe=_where,
        source="001, 003",
    ),
    EpisodeRule(
        code="appearance_change",
        severity="doctor",
        title=lambda thresholds: "A change in how the muscle looks",
        matches=lambda e, c, thresholds: e.appearance_change,
        lead=lambda n, thresholds: (
            f"A change in muscle appearance logged with {counted(n, 'episode')}"
        ),
        describe=_where,
        source="001",
    ),
    EpisodeRule(
        code="prolonged_spasm",
        severity="doctor",
        title=lambda thresholds: (
            f"A spasm lasted longer than {format_duration(thresholds.prolonged_spasm_s)}"
        ),
        matches=lambda e, c, thresholds: (
            e.duration_s > thresholds.prolonged_spasm_s and _is_spasm(c) and c.subtype != "smooth"
        ),
        lead=lambda n, thresholds: (
            f"{counted(n, 'spasm')} longer than {format_duration(thresholds.prolonged_spasm_s)}"
        ),
        describe=lambda e: f"{format_duration(e.duration_s)} at the {e.where}",
        source="001, 002",
    ),
    EpisodeRule(
        code="lingering_soreness",
        severity="doctor",
        title=lambda thresholds: (
            f"Soreness lasting more than {thresholds.lingering_soreness_h:g} hours"
        ),
        matches=lambda e, c, thresholds: (
            e.soreness_hours is not None
            and e.soreness_hours > thresholds.lingering_soreness_h
            and c.label != "twitch"
        ),
        lead=lambda n, thresholds: (
            f"Soreness after {counted(n, 'spasm')} outlasted {thresholds.lingering_soreness_h:g} h"
        ),
        describe=lambda e: f"{e.soreness_hours:g} h at the {e.where}",
        source="002",
    ),
    EpisodeRule(
        code="bulbar_signs",
        severity="doctor",
        title=lambda thresholds: "Speech, swallowing or tongue twitching logged",
        matches=lambda e, c, thresholds: (
            e.speech or e.swallowing or (e.site == "tongue" and c.label == "twitch")
        ),
        lead=lambda n, thresholds: f"{counted(n, 'episode')} with these signs",
        describe=lambda e: ", ".join(
            sign
            for sign, present in (
                ("changed speech", e.speech),
                ("difficulty swallowing", e.swallowing),
                ("tongue twitching", e.site == "tongue"),
            )
            if present
        ),
        source="002, 003; MND Association/RCGP red-flag tool; NICE NG42",
        tail=(
            " Changes in speech or swallowing, or twitching of the tongue, are worth a prompt "
            "check: book an appointment with your doctor in the next few days and mention "
            f"them. {COMMON_AND_USUALLY_HARMLESS}"
        ),
    ),
    EpisodeRule(
        code="clonus",
        severity="doctor",
        title=lambda thresholds: "A rhythmic series of beats (clonus)",
        matches=lambda e, c, thresholds: c.label == "twitch" and c.subtype == "clonus",
        lead=lambda n, thresholds: f"Clonus logged {n} time(s)",
        describe=_where,
        source="001",
        tail=(
            " Clonus is typically caused by a problem in the nerve pathways from the brain "
            "(001); a clinician needs to examine it, so mention it at your next visit."
        ),
    ),
)


def _still_urgent(e: Episode, as_of: date, thresholds: Thresholds) -> bool:
    """Logged within `urgent_recent_days` up to the as-of date: 'seek care now' still fits."""
    return e.at.date() > as_of - timedelta(days=thresholds.urgent_recent_days)


def _single_episode_flags(
    recent: list[Episode],
    label: Callable[[Episode], Classification],
    as_of: date,
    thresholds: Thresholds,
) -> list[Flag]:
    flags: list[Flag] = []
    for rule in EPISODE_RULES:
        matched = [e for e in recent if rule.matches(e, label(e), thresholds)]
        if (
            matched
            and rule.severity == "urgent"
            and not any(_still_urgent(e, as_of, thresholds) for e in matched)
        ):
            # Days ago: no longer an emergency to act on now, still a sign the doctor
            # must hear of.
            days = sorted({e.at.date() for e in matched})
            flags.append(
                Flag(
                    rule.code,
                    "doctor",
                    f"{rule.title(thresholds)}, logged on {day_span(days[0], days[-1], ' and ')}",
                    f"{rule.lead(len(matched), thresholds)}: {_listing(matched, rule.describe)}"
                    ": tell your doctor. If it happens again, seek care now.",
                    _ids(matched),
                    rule.source,
                )
            )
        elif matched:
            detail = f"{rule.lead(len(matched), thresholds)}: {_listing(matched, rule.describe)}."
            flags.append(
                Flag(
                    rule.code,
                    rule.severity,
                    rule.title(thresholds),
                    detail + rule.tail,
                    _ids(matched),
                    rule.source,
                )
            )
    return flags


def _qualifying_starts(days: list[date], thresholds: Thresholds) -> list[date]:
    """First days of runs of min_days distinct days within the window length."""
    need, reach = thresholds.persistent_min_days, thresholds.persistent_window_days - 1
    return [
        days[i] for i in range(len(days) - need + 1) if (days[i + need - 1] - days[i]).days <= reach
    ]


def _persistent_twitching(
    recent: list[Episode], label: Callable[[Episode], Classification], thresholds: Thresholds
) -> list[Flag]:
    by_site: dict[str, list[Episode]] = defaultdict(list)
    for e in recent:
        if label(e).label == "twitch":
            by_site[e.site].append(e)
    days = {site: sorted({e.at.date() for e in eps}) for site, eps in by_site.items()}
    starts = {site: _qualifying_starts(d, thresholds) for site, d in days.items()}
    watch_sites = [site for site, s in starts.items() if s]
    reach = thresholds.persistent_window_days - 1
    flags: list[Flag] = []
    for site in sorted(by_site):
        site_days = days[site]
        spans = (
            len(site_days) >= thresholds.persistent_min_days
            and (site_days[-1] - site_days[0]).days > thresholds.persistent_span_days
        )
        together = [
            other
            for other in watch_sites
            if other != site
            and starts[site]
            and any(abs((a - b).days) <= reach for a in starts[site] for b in starts[other])
        ]
        at_once = starts[site] and len(together) + 1 >= thresholds.persistent_sites
        if not (spans or starts[site]):
            continue
        span_text = (
            f"{site} twitching on {len(site_days)} days between "
            f"{day_span(site_days[0], site_days[-1], joiner=' and ')}"
        )
        if spans:
            why = f"over more than {thresholds.persistent_span_days} days"
        elif at_once:
            why = f"at the same time as twitching at the {', '.join(together)}"
        else:
            why = (
                f"{thresholds.persistent_min_days}+ days within "
                f"{thresholds.persistent_window_days}; "
                "keep logging, most twitching settles within days"
            )
        flags.append(
            Flag(
                "persistent_twitching",
                "doctor" if spans or at_once else "watch",
                f"Twitching keeps coming back at the {site}",
                f"{_sentence(span_text)}, {why}.",
                _ids(by_site[site]),
                "002, 003",
                key=site,
            )
        )
    return flags


def _recurring_spasms(
    recent: list[Episode],
    label: Callable[[Episode], Classification],
    as_of: date,
    thresholds: Thresholds,
) -> list[Flag]:
    spasms = [e for e in recent if label(e).label == "spasm"]
    if _contractions(spasms) < 2 * thresholds.recurring_min_per_week:
        return []
    by_day: dict[date, list[Episode]] = defaultdict(list)
    for e in spasms:
        by_day[e.at.date()].append(e)

    def week_from(first_day: date) -> list[Episode]:
        days = range(thresholds.recurring_week_days)
        return [e for d in days for e in by_day.get(first_day + timedelta(days=d), ())]

    need, week = thresholds.recurring_min_per_week, thresholds.recurring_week_days
    start = as_of - timedelta(days=2 * week - 1)  # the latest pair of back-to-back weeks first
    earliest = as_of - timedelta(days=thresholds.active_window_days - 1)
    while start >= earliest:
        first, second = week_from(start), week_from(start + timedelta(days=week))
        if _contractions(first) >= need and _contractions(second) >= need:
            break
        start -= timedelta(days=1)
    else:
        return []
    mid = start + timedelta(days=week)
    return [
        Flag(
            "recurring_spasms",
            "doctor",
            "Spasms keep recurring",
            f"{_contractions(first)} spasms in the week "
            f"{day_span(start, mid - timedelta(days=1))} and {_contractions(second)} in the week "
            f"{day_span(mid, mid + timedelta(days=week - 1))} "
            f"({thresholds.recurring_min_per_week}+ a week in two weeks running).",
            _ids(first + second),
            "002, 003",
        )
    ]


def _contractions(episodes: Sequence[Episode]) -> int:
    """Contractions, not entries: a night's tally of 3 cramps is 3 spasms."""
    return sum(e.count for e in episodes)


def set_aside_outlier_day(
    earlier: Sequence[int], recent: Sequence[int]
) -> tuple[list[int], list[int]]:
    """Both windows without their busiest day when it holds more than twice the entries of
    any other day: a day of 30 single entries says something about that day, not about a
    trend. The rule looks only at the counts, not at which window holds them, so the
    permutation test that follows stays exact."""
    earlier, recent = list(earlier), list(recent)
    ranked = sorted([*earlier, *recent], reverse=True)
    if len(ranked) >= 2 and ranked[0] > 2 * ranked[1]:
        (earlier if ranked[0] in earlier else recent).remove(ranked[0])
    return earlier, recent


def worsening_rate_test(
    earlier: Sequence[int], recent: Sequence[int], thresholds: Thresholds = DEFAULTS
) -> float | None:
    """The permutation p-value when entries a day rose enough to raise `worsening`, else None.

    Entries a day of the two windows, not contractions (a bout logged with a count is one).
    The entries must be up by `worsening_rate_ratio` on an earlier window that is not
    empty (an empty one is no baseline: often the diary had not begun), and the rise
    beyond chance by the exact permutation test of the days between the windows (one-
    sided): under no change every way of dealing the days' counts into the two windows is
    as likely, so bad days and quiet days are their own reference and a busy day counts as
    one day. A lone outlier day is set aside first, for the ratio and the test. Chosen by
    simulation (bench/simulate_worsening.py, the table in docs/clinical-rules.md): on
    stable Poisson and negative-binomial days it raised at most 4.4% of evaluations, a
    single day of 30 entries did not raise it more than chance (at most 4.9%), and it found
    a tripled rate in 78% of Poisson diaries at 0.5 a day (98% at 1 a day), where the exact
    Poisson test on entries together with Fisher's test on days found 47% (56%). The mid-p
    version found 82% at 0.5 a day but raised up to 6.5% of stable diaries.
    """
    earlier, recent = set_aside_outlier_day(earlier, recent)
    a, b = sum(recent), sum(earlier)
    if b == 0 or a / b < thresholds.worsening_rate_ratio:
        return None
    p_value = window_permutation_p_value(earlier, recent)
    return p_value if p_value < thresholds.worsening_p_value else None


def _per_day(episodes: Sequence[Episode], first: date, days: int) -> list[int]:
    counts = [0] * days
    for e in episodes:
        counts[(e.at.date() - first).days] += 1
    return counts


def _worsening(seen: list[Episode], as_of: date, thresholds: Thresholds) -> list[Flag]:
    n = thresholds.worsening_window_days
    recent_start = as_of - timedelta(days=n - 1)
    earlier_start = recent_start - timedelta(days=n)
    recent = [e for e in seen if e.at.date() >= recent_start]
    earlier = [e for e in seen if earlier_start <= e.at.date() < recent_start]
    findings: list[str] = []
    plain: list[str] = []
    a, b = len(recent), len(earlier)  # entries: a bout logged with a count is one
    days_a, days_b = len({e.at.date() for e in recent}), len({e.at.date() for e in earlier})
    p_value = worsening_rate_test(
        _per_day(earlier, earlier_start, n), _per_day(recent, recent_start, n), thresholds
    )
    if p_value is not None:
        findings.append(
            f"{a} episodes on {days_a} days in the last {n} days against {b} on {days_b} "
            f"days in the {n} before (×{a / b:.1f}; one-sided permutation test of the "
            f"{2 * n} days p = {p_value:.3f})"
        )
        plain.append(
            f"about {_times_words(a / b)} as many episodes in the last {n} days as in the "
            f"{n} before ({b} → {a}), on {days_a} days against {days_b}"
        )
    need = thresholds.worsening_pain_min_episodes
    if a >= need and b >= need:
        mean_recent = sum(e.pain for e in recent) / a
        mean_earlier = sum(e.pain for e in earlier) / b
        if mean_recent - mean_earlier >= thresholds.worsening_pain_rise:
            findings.append(f"mean pain rose from {mean_earlier:.1f} to {mean_recent:.1f}/10")
            plain.append(f"pain rose on average from {mean_earlier:.1f} to {mean_recent:.1f}/10")
    if not findings:
        return []
    return [
        Flag(
            "worsening",
            "doctor",
            "Episodes are getting more frequent or more painful",
            f"{_sentence('; '.join(findings))} "
            f"({day_span(recent_start, as_of)} against "
            f"{day_span(earlier_start, recent_start - timedelta(days=1))}).",
            _ids(recent),
            "001, 002",
            plain=f"{_sentence('; '.join(plain))} "
            f"({day_span(recent_start, as_of)} against "
            f"{day_span(earlier_start, recent_start - timedelta(days=1))}).",
        )
    ]


def _times_words(ratio: float) -> str:
    """1.5 -> 'one and a half times', 2.1 -> 'twice', 3.2 -> '3 times'."""
    if ratio < 1.75:
        return "one and a half times"
    if ratio < 2.5:
        return "twice"
    return f"{round(ratio)} times"


def _medication_link(recent: list[Episode]) -> list[Flag]:
    with_medication = [e for e in recent if "medication" in e.trigger_names]
    if not with_medication:
        return []
    names = sorted(
        {
            t.detail
            for e in with_medication
            for t in e.triggers
            if t.name == "medication" and t.detail
        }
    )
    which = f" ({', '.join(names)})" if names else ""
    return [
        Flag(
            "medication_link",
            "doctor",
            "Contractions logged with a medication",
            f"{counted(len(with_medication), 'episode')} logged with medication{which}, "
            "the latest on "
            f"{day_label(with_medication[-1].at.date())}. Some medicines, such as statins and "
            "diuretics, can cause cramps or twitches: ask your doctor before changing any dose.",
            _ids(with_medication),
            "001, 002",
        )
    ]


def _progressive_weakness(recent: list[Episode], thresholds: Thresholds) -> list[Flag]:
    """Weakness at one site on two days at least `progressive_weakness_gap_days` apart,
    both in the active window (so the flag, like the others, cites recent evidence)."""
    by_site: dict[str, list[Episode]] = defaultdict(list)
    for e in recent:
        if e.weakness:
            by_site[e.site].append(e)
    flags = []
    gap = thresholds.progressive_weakness_gap_days
    for site, episodes in sorted(by_site.items()):
        days = sorted({e.at.date() for e in episodes})
        if (days[-1] - days[0]).days < gap:
            continue
        flags.append(
            Flag(
                "progressive_weakness",
                "doctor",
                f"Weakness at the {site} keeps coming back",
                f"Weakness at the {site} logged on {len(days)} days from "
                f"{day_label(days[0])} to {day_label(days[-1])}, {gap} or more days apart. "
                "Weakness that persists or spreads over weeks should be examined by a doctor: "
                f"book an appointment. {COMMON_AND_USUALLY_HARMLESS}",
                _ids(episodes),
                "001, 003; MND Association/RCGP red-flag tool",
                key=site,
            )
        )
    return flags


def _clonus_with_serotonergic(
    seen: list[Episode],
    recent: list[Episode],
    label: Callable[[Episode], Classification],
    as_of: date,
    thresholds: Thresholds,
) -> list[Flag]:
    """A clonus episode in the active window within `serotonergic_window_days` after (or
    with) an episode logged with a serotonergic medicine."""
    from diary.vocabulary import serotonergic_class

    medicines = [
        (e, t.detail, kind)
        for e in seen
        for t in e.triggers
        if t.name == "medication"
        and t.detail
        and (kind := serotonergic_class(t.detail)) is not None
    ]
    if not medicines:
        return []
    window = timedelta(days=thresholds.serotonergic_window_days)
    clonus = [e for e in recent if label(e).subtype == "clonus"]
    evidence: dict[int, Episode] = {}
    names: dict[str, str] = {}
    for c in clonus:
        for medicine_episode, name, kind in medicines:
            if timedelta(0) <= c.at - medicine_episode.at <= window:
                evidence[c.id] = c
                evidence[medicine_episode.id] = medicine_episode
                names[name] = kind
    if not evidence:
        return []
    listed = ", ".join(f"{name} ({kind})" for name, kind in sorted(names.items()))
    clonus_days = sorted({e.at.date() for e in evidence.values() if e in clonus})
    if not any(_still_urgent(e, as_of, thresholds) for e in clonus if e.id in evidence):
        return [
            Flag(
                "clonus_with_serotonergic",
                "doctor",
                "Clonus after a medicine that raises serotonin, logged on "
                f"{day_span(clonus_days[0], clonus_days[-1], ' and ')}",
                f"Clonus logged on {day_span(clonus_days[0], clonus_days[-1], ' and ')}, "
                f"within {thresholds.serotonergic_window_days} days of {listed}: tell your "
                "doctor or pharmacist. Seek care now if clonus comes back with a fever, "
                "agitation, confusion, heavy sweating or a racing heart. Do not stop a "
                "medicine without advice.",
                _ids(list(evidence.values())),
                "001; Hunter criteria (Dunkley et al. 2003); Boyer & Shannon 2005",
            )
        ]
    return [
        Flag(
            "clonus_with_serotonergic",
            "urgent",
            "Clonus after a medicine that raises serotonin",
            f"Clonus logged within {thresholds.serotonergic_window_days} days of {listed}. "
            "With such a medicine, spontaneous clonus can be a sign of serotonin toxicity "
            "(Hunter criteria). Call your doctor or pharmacist today; seek care now if you "
            "also have a fever, agitation, confusion, heavy sweating or a racing heart. Do "
            "not stop a medicine without advice.",
            _ids(list(evidence.values())),
            "001; Hunter criteria (Dunkley et al. 2003); Boyer & Shannon 2005",
        )
    ]
