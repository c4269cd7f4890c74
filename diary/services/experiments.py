"""Use cases of `diary experiment`: plan, status, pause/resume/abandon and the result.

Each function takes the `Database` and opens the transactions it needs, like the other
services; the statistics are in `diary.analysis.experiment`. Loaded only when used (it needs
numpy): `from diary.services import experiments`.
"""

from __future__ import annotations

import difflib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from diary.analysis import experiment as stats
from diary.analysis import experiment_power as power
from diary.analysis.experiment import DayObservation, Experiment, ExperimentResult, Slot
from diary.analysis.experiment_power import History
from diary.errors import BadInput, DiaryError
from diary.storage import experiments as store
from diary.vocabulary import TRIGGER_ALIASES, TRIGGERS, resolve_trigger

if TYPE_CHECKING:
    from diary.domain import Flag
    from diary.storage import Database
    from diary.thresholds import Thresholds

OUTCOMES = ("all", "twitch", "spasm")
HISTORY_DAYS = 90  # the past kept days the power estimate learns the rate from
POWER_SIMULATIONS = 2000
POWER_SEED = 1
PLANNED, RUNNING, PAUSED, FINISHED, ABANDONED = (
    "planned",
    "running",
    "paused",
    "finished",
    "abandoned",
)
OUTCOME_WORDS = {"all": "contractions", "twitch": "twitches", "spasm": "spasms and cramps"}


def resolve_exposure(text: str) -> str:
    """An exposure of the trigger vocabulary (aliases too); anything else is refused with
    the nearest names."""
    entry = resolve_trigger(text)
    name = entry.name
    if name in TRIGGERS and entry.detail is not None and any(c in text for c in ":="):
        # 'medication:magnesium' or 'coffee=2' would silently test the whole exposure
        raise BadInput(
            f"exposure {text!r}: an experiment tests {name!r} as a whole, without an amount "
            f"or a name after ':' or '='; give {name!r}"
        )
    if name in TRIGGERS:
        return name
    close = difflib.get_close_matches(name, [*TRIGGERS, *TRIGGER_ALIASES], n=3, cutoff=0.6)
    suggestions = list(dict.fromkeys(TRIGGER_ALIASES.get(c, (c, None))[0] for c in close))
    hint = f"; did you mean {' or '.join(repr(s) for s in suggestions)}?" if suggestions else ""
    raise BadInput(f"unknown exposure {text!r}{hint} (accepted: {', '.join(TRIGGERS)})")


def check_design(block_days: int, pairs: int, washout_days: int, seed: int | None) -> None:
    if not 1 <= block_days <= stats.MAX_BLOCK_DAYS:
        raise BadInput(
            f"--block {block_days} is not accepted; give days from 1 to {stats.MAX_BLOCK_DAYS}"
        )
    if not 0 <= washout_days < block_days:
        raise BadInput(
            f"--washout {washout_days} is not accepted; give days from 0 to {block_days - 1} "
            f"(below --block {block_days}, so each block has days that count)"
        )
    if not 2 <= pairs <= stats.MAX_PAIRS:
        raise BadInput(
            f"--pairs {pairs} is not accepted; give from 2 to {stats.MAX_PAIRS} pairs of blocks"
        )
    if 2 * block_days * pairs > stats.MAX_EXPERIMENT_DAYS:
        raise BadInput(
            f"--pairs {pairs} of --block {block_days} days last {2 * block_days * pairs} days; "
            f"plan at most {stats.MAX_EXPERIMENT_DAYS} days (two years)"
        )
    if seed is not None and not 0 <= seed < stats.SEED_LIMIT:
        raise BadInput(f"--seed {seed} is not accepted; give a whole number from 0 to 2^63 - 1")


LATEST_END = date(9998, 12, 31)  # the diary's last date: the day after the end must be a date


def check_span(experiment: Experiment) -> date:
    """The schedule's end; refused when the experiment does not fit the diary's calendar
    (1900 to 9998), so no later command fails on a date out of range."""
    from diary.parsing import EARLIEST_YEAR

    days = [experiment.start, *(d for p in experiment.pauses for d in (p.paused_on, p.resumed_on))]
    end = None
    if all(d is None or (d.year >= EARLIEST_YEAR and d <= LATEST_END) for d in days):
        try:
            end = stats.schedule_of(experiment).end
        except OverflowError:
            end = None
    if end is None or end > LATEST_END:
        raise BadInput(
            f"an experiment from {experiment.start.isoformat()} of {experiment.pairs} pairs of "
            f"{experiment.block_days}-day blocks does not fit the diary's dates; it must run "
            f"between {EARLIEST_YEAR} and {LATEST_END.year}"
        )
    return end


@dataclass(frozen=True)
class Situation:
    """Where the latest experiment stands on a day."""

    experiment: Experiment
    schedule: stats.Schedule
    state: str
    slot: Slot | None

    @property
    def end(self) -> date:
        return self.schedule.end

    @property
    def first_day(self) -> date:
        """The first day of the first pair: later than planned after a pause before it."""
        return self.schedule.pair_starts[0]

    @property
    def is_on(self) -> bool:
        """Planned, running or paused: a second experiment must wait."""
        return self.state in (PLANNED, RUNNING, PAUSED)


def situation_of(experiment: Experiment, today: date) -> Situation:
    schedule = stats.schedule_of(experiment, today=today)
    if experiment.status == "abandoned":
        state = ABANDONED
    elif experiment.status == "paused":
        state = PAUSED
    elif today < schedule.pair_starts[0]:
        state = PLANNED
    elif today > schedule.end:
        state = FINISHED
    else:
        state = RUNNING
    slot = schedule.slot(today) if state == RUNNING else None
    return Situation(experiment, schedule, state, slot)


def current(db: Database, today: date) -> Situation | None:
    with db.reading() as connection:
        experiment = store.latest_experiment(connection=connection)
    return None if experiment is None else situation_of(experiment, today)


def _required(db: Database, today: date) -> Situation:
    found = current(db, today)
    if found is None:
        raise BadInput(
            "no experiment planned; `diary experiment plan caffeine` plans one "
            "(any exposure of the check-in)"
        )
    return found


@dataclass(frozen=True)
class Plan:
    experiment: Experiment
    end: date
    power_halving: float
    power_doubling: float
    history: History


def plan(
    db: Database,
    exposure: str,
    *,
    block_days: int = stats.DEFAULT_BLOCK_DAYS,
    pairs: int = stats.DEFAULT_PAIRS,
    washout_days: int = stats.DEFAULT_WASHOUT_DAYS,
    start: date | None = None,
    seed: int | None = None,
    outcome: str = "all",
    blinded: bool = False,
    now: datetime,
    thresholds: Thresholds,
) -> Plan:
    """Store a new experiment, its order drawn from the seed; refused while one is on."""
    today = now.date()
    name = resolve_exposure(exposure)
    check_design(block_days, pairs, washout_days, seed)
    if outcome not in OUTCOMES:
        raise BadInput(f"--outcome {outcome!r} is not accepted; give {', '.join(OUTCOMES)}")
    first = start or today + timedelta(days=1)
    if first < today:
        raise BadInput(
            f"--start {first.isoformat()} is in the past; an experiment starts today or later"
        )
    running = current(db, today)
    if running is not None and running.is_on:
        x = running.experiment
        raise BadInput(
            f"an experiment on {x.exposure} is {running.state} ({x.start.isoformat()} to "
            f"{running.end.isoformat()}); one exposure at a time: finish it or "
            "`diary experiment abandon` it first"
        )
    drawn = seed if seed is not None else secrets.randbelow(2**32)
    experiment = Experiment(
        id=0,
        exposure=name,
        outcome=outcome,
        block_days=block_days,
        pairs=pairs,
        washout_days=washout_days,
        seed=drawn,
        sequence=stats.draw_sequence(drawn, pairs),
        start=first,
        blinded=blinded,
    )
    check_span(experiment)  # before anything is written
    history = past_history(db, outcome, today, thresholds)
    chances = {
        ratio: power.simulated_power(
            history,
            block_days=block_days,
            pairs=pairs,
            washout_days=washout_days,
            ratio=ratio,
            experiments=POWER_SIMULATIONS,
            seed=POWER_SEED,  # the same history always gives the same estimate
        )
        for ratio in (0.5, 2.0)
    }
    with db.writing() as connection:
        new_id = store.add_experiment(experiment, planned_at=now, connection=connection)
    experiment = replace(experiment, id=new_id)
    end = stats.schedule_of(experiment).end
    return Plan(experiment, end, chances[0.5], chances[2.0], history)


def past_history(db: Database, outcome: str, today: date, thresholds: Thresholds) -> History:
    """Rate and dispersion of the outcome on the kept days of the last 90 days."""
    first = today - timedelta(days=HISTORY_DAYS)
    last = today - timedelta(days=1)
    seen = observations(db, "", outcome, first, last, thresholds)
    if not seen:
        return power.history_of([], HISTORY_DAYS)
    period = (last - min(seen)).days + 1
    return power.history_of([d.contractions for d in seen.values()], period)


def observations(
    db: Database, exposure: str, outcome: str, first: date, last: date, thresholds: Thresholds
) -> dict[date, DayObservation]:
    """Each kept day from `first` to `last`: whether `exposure` was had (checked in or noted
    on an episode of the day) and the outcome's contractions (the sum of `count`)."""
    from diary import storage
    from diary.analysis.classify import Classifier

    classifier = Classifier(thresholds)
    with db.reading() as connection:
        kept = storage.kept_days_between(first, last, connection=connection)
        had = {k.day: any(x.name == exposure for x in k.exposures) for k in kept}
        counts = dict.fromkeys(had, 0)
        for seen in storage.iter_observations_between(
            datetime.combine(first, time()),
            datetime.combine(last + timedelta(days=1), time()),
            connection=connection,
        ):
            day = seen.at.date()
            if day not in had:
                continue
            if exposure in seen.trigger_names:
                had[day] = True
            if outcome == "all" or classifier(seen).label == outcome:
                counts[day] += seen.count
    return {day: DayObservation(had[day], counts[day]) for day in had}


@dataclass(frozen=True)
class Status:
    situation: Situation
    today: date
    kept_days: int
    missed_days: int
    adherent_days: int

    @property
    def adherence(self) -> float | None:
        return self.adherent_days / self.kept_days if self.kept_days else None


def status(db: Database, today: date, thresholds: Thresholds) -> Status:
    """Today's assignment and the record so far; never a later assignment or an outcome."""
    found = _required(db, today)
    x = found.experiment
    kept = missed = adherent = 0
    if today >= x.start:
        last = min(today, found.end)
        if x.ended_on is not None:
            last = min(last, x.ended_on - timedelta(days=1))
        seen = observations(db, x.exposure, x.outcome, x.start, last, thresholds)
        day = x.start
        while day <= last:
            slot = found.schedule.slot(day)
            if slot is not None:
                if day in seen:
                    kept += 1
                    adherent += stats.adheres(slot.arm, seen[day].had)
                elif day < today:
                    missed += 1
            day += timedelta(days=1)
    return Status(found, today, kept, missed, adherent)


def _change(db: Database, today: date, *, wanted: tuple[str, ...], verb: str) -> Situation:
    found = _required(db, today)
    if found.state not in wanted:
        raise BadInput(
            f"cannot {verb}: the experiment on {found.experiment.exposure} is {found.state}"
            + ("; `diary experiment resume` goes on with it" if found.state == PAUSED else "")
        )
    return found


def pause(db: Database, today: date) -> Situation:
    """Stop the schedule from today; `resume` moves the rest on by whole pairs."""
    found = _change(db, today, wanted=(PLANNED, RUNNING), verb="pause")
    x = found.experiment
    if any(p.paused_on == today for p in x.pauses):
        raise BadInput("the experiment was already paused today; resume it tomorrow or later")
    with db.writing() as connection:
        store.add_pause(x.id, today, connection=connection)
        store.set_status(x.id, "paused", connection=connection)
    return _required(db, today)


def resume(db: Database, today: date) -> Situation:
    found = _change(db, today, wanted=(PAUSED,), verb="resume")
    x = found.experiment
    with db.writing() as connection:
        if any(p.paused_on == today and p.resumed_on is None for p in x.pauses):
            # resumed the day it was paused: no day was lived paused, so the pause is undone
            # (kept, it would cut the pair under way and void it)
            store.drop_open_pause(x.id, connection=connection)
        else:
            store.end_pause(x.id, today, connection=connection)
        store.set_status(x.id, "active", connection=connection)
    return _required(db, today)


def abandon(db: Database, today: date) -> Situation:
    found = _change(db, today, wanted=(PLANNED, RUNNING, PAUSED), verb="abandon")
    x = found.experiment
    with db.writing() as connection:
        if found.state == PAUSED:
            store.end_pause(x.id, today, connection=connection)
        store.set_status(x.id, "abandoned", ended_on=today, connection=connection)
    return _required(db, today)


class NotFinished(DiaryError):
    """`result` before the end (exit 1)."""


def result(db: Database, today: date, thresholds: Thresholds, *, early: bool) -> ExperimentResult:
    """The analysis once the experiment has ended (abandoned or `early`: exploratory)."""
    found = _required(db, today)
    x = found.experiment
    if found.state in (PLANNED, RUNNING, PAUSED) and not early:
        raise NotFinished(
            f"the experiment on {x.exposure} ends on {found.end.isoformat()}; until then the "
            "result stays sealed. `diary experiment result --early` shows an exploratory "
            "result now"
        )
    last = min(found.end, today)
    seen = observations(db, x.exposure, x.outcome, x.start, last, thresholds)
    return stats.analyse(x, seen, today=today, early=early and found.state != FINISHED)


def charted(
    db: Database, today: date, thresholds: Thresholds
) -> list[tuple[ExperimentResult, dict[date, DayObservation]]]:
    """Every experiment that is over, analysed, with its kept days (charts, doctor PDF)."""
    out = []
    for x in finished_experiments(db, today):
        end = stats.schedule_of(x, today=today).end
        seen = observations(db, x.exposure, x.outcome, x.start, min(end, today), thresholds)
        out.append((stats.analyse(x, seen, today=today), seen))
    return out


def charted_between(
    db: Database, first: date, last: date, *, today: date, thresholds: Thresholds
) -> list[tuple[ExperimentResult, dict[date, DayObservation]]]:
    """The experiments that are over and overlap `first`..`last` (charts, doctor PDF)."""
    return [
        (result, days)
        for result, days in charted(db, today, thresholds)
        if result.experiment.start <= last and result.cutoff >= first
    ]


def finished_experiments(db: Database, today: date) -> list[Experiment]:
    """Experiments that ended (finished or abandoned) by `today`, oldest first."""
    with db.reading() as connection:
        found = store.all_experiments(connection=connection)
    return [x for x, _ in found if situation_of(x, today).state in (FINISHED, ABANDONED)]


# --- lines other commands show --------------------------------------------------------


def _assignment_words(x: Experiment, arm: str) -> str:
    return f"{arm} {x.exposure}"


def slot_words(x: Experiment, slot: Slot) -> str:
    washout = f", washout day {slot.day_in_block} of {x.washout_days}" if slot.washout else ""
    return f"pair {slot.pair} of {x.pairs}{washout}"


def today_line(db: Database, today: date) -> str | None:
    """'Experiment: today without caffeine (pair 3 of 12, washout day 1 of 2)', or None."""
    found = current(db, today)
    if found is None:
        return None
    x = found.experiment
    if found.state == PAUSED:
        return f"Experiment on {x.exposure}: paused (`diary experiment resume` goes on)."
    if found.slot is None:
        if found.state == PLANNED:
            return f"Experiment on {x.exposure}: starts {found.first_day:%a %d %b %Y}."
        return None
    return f"Experiment: today {_assignment_words(x, found.slot.arm)} ({slot_words(x, found.slot)})"


def check_in_line(db: Database, day: date, had: Sequence[str], *, today: date) -> str | None:
    """After a check-in on an experiment day: whether it matched, and tomorrow's assignment."""
    found = current(db, today)
    if found is None or found.state in (ABANDONED, PAUSED):
        return None
    x = found.experiment
    slot = found.schedule.slot(day)
    parts: list[str] = []
    if slot is not None:
        matched = stats.adheres(slot.arm, x.exposure in had)
        parts.append(
            f"Experiment: {day:%a %d %b} was a day {_assignment_words(x, slot.arm)}; "
            + (
                "the check-in matches it."
                if matched
                else "the check-in does not match it "
                "(kept as it is: every day counts as assigned, and the result shows both)."
            )
        )
    if day == today:
        tomorrow = found.schedule.slot(today + timedelta(days=1))
        if tomorrow is not None:
            parts.append(
                f"Tomorrow: {_assignment_words(x, tomorrow.arm)} ({slot_words(x, tomorrow)})."
            )
        elif slot is not None and today >= found.end:
            # the result opens once the last day is over: `result` tonight is still sealed
            parts.append(
                f"That was the last day: from tomorrow ({today + timedelta(days=1):%a %d %b}) "
                "`diary experiment result` shows the result."
            )
    return " ".join(parts) or None


STOP_LINE = (
    "An experiment on {exposure} is on: with a flag like this, stop it "
    "(`diary experiment abandon`) and see a doctor."
)


def stop_line(db: Database, flags: Sequence[Flag], today: date) -> str | None:
    """Safety first: an urgent or doctor flag during an experiment says to stop it."""
    if not any(f.severity in ("urgent", "doctor") for f in flags):
        return None
    found = current(db, today)
    if found is None or not found.is_on:
        return None
    return STOP_LINE.format(exposure=found.experiment.exposure)


# --- export and import (the JSON export's "experiments" key) --------------------------


def export_record(*, connection: Any) -> dict[str, Any]:
    """The "experiments" key of a JSON export, read in the export's transaction."""
    return {
        "experiments": [
            {
                "exposure": x.exposure,
                "outcome": x.outcome,
                "block_days": x.block_days,
                "pairs": x.pairs,
                "washout_days": x.washout_days,
                "seed": x.seed,
                "sequence": x.sequence,
                "start": x.start.isoformat(),
                "status": x.status,
                "ended_on": x.ended_on.isoformat() if x.ended_on else None,
                "blinded": x.blinded,
                "planned_at": planned_at.isoformat(timespec="seconds"),
                "pauses": [
                    {
                        "paused_on": p.paused_on.isoformat(),
                        "resumed_on": p.resumed_on.isoformat() if p.resumed_on else None,
                    }
                    for p in x.pauses
                ],
            }
            for x, planned_at in store.all_experiments(connection=connection)
        ]
    }


MAX_IMPORTED_EXPERIMENTS = 1000
STATUSES = ("active", "paused", "abandoned")


def records_from_json(value: Any) -> list[tuple[Experiment, datetime]]:
    """Check the "experiments" value of an import (strictly typed, like episodes)."""
    if not isinstance(value, list) or len(value) > MAX_IMPORTED_EXPERIMENTS:
        raise BadInput("'experiments' in a JSON import must be an array of experiments")
    return [_experiment_from(item, n) for n, item in enumerate(value, start=1)]


def _experiment_from(item: Any, number: int) -> tuple[Experiment, datetime]:
    where = f"experiment {number} in a JSON import"
    if not isinstance(item, dict):
        raise BadInput(f"{where} is not an object")

    def whole(key: str) -> int:
        value = item.get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise BadInput(f"{where}: {key} {value!r} is not a whole number")
        return value

    def text(key: str, choices: Sequence[str]) -> str:
        value = item.get(key)
        if value not in choices:
            raise BadInput(f"{where}: {key} {value!r} is not one of {', '.join(choices)}")
        return str(value)

    def day(key: str, value: Any) -> date:
        try:
            return date.fromisoformat(value)
        except (TypeError, ValueError):
            raise BadInput(f"{where}: {key} {value!r} is not an ISO date") from None

    block, pairs, washout, seed = (
        whole(k) for k in ("block_days", "pairs", "washout_days", "seed")
    )
    try:
        check_design(block, pairs, washout, seed)
    except BadInput as exc:
        raise BadInput(f"{where}: {exc}") from None
    sequence = item.get("sequence")
    if not isinstance(sequence, str) or len(sequence) != pairs or set(sequence) - {"W", "O"}:
        raise BadInput(f"{where}: sequence must be {pairs} letters W or O")
    try:
        planned_at = datetime.fromisoformat(item.get("planned_at"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise BadInput(f"{where}: planned_at is not an ISO date-time") from None
    pauses = item.get("pauses") or []
    if not isinstance(pauses, list) or not all(isinstance(p, dict) for p in pauses):
        raise BadInput(f"{where}: pauses must be an array of {{paused_on, resumed_on}}")
    blinded = item.get("blinded", False)
    if not isinstance(blinded, bool):
        raise BadInput(f"{where}: blinded {blinded!r} is not true or false")
    ended = item.get("ended_on")
    experiment = Experiment(
        id=0,
        exposure=text("exposure", TRIGGERS),
        outcome=text("outcome", OUTCOMES),
        block_days=block,
        pairs=pairs,
        washout_days=washout,
        seed=seed,
        sequence=sequence,
        start=day("start", item.get("start")),
        status=text("status", STATUSES),
        ended_on=None if ended is None else day("ended_on", ended),
        blinded=blinded,
        pauses=tuple(
            stats.Pause(
                day("paused_on", p.get("paused_on")),
                None if p.get("resumed_on") is None else day("resumed_on", p["resumed_on"]),
            )
            for p in pauses
        ),
    )
    if len({p.paused_on for p in experiment.pauses}) != len(experiment.pauses):
        raise BadInput(f"{where}: two pauses on one day")
    if any(p.resumed_on is not None and p.resumed_on < p.paused_on for p in experiment.pauses):
        raise BadInput(f"{where}: a pause resumed before it was paused")
    if sum(p.resumed_on is None for p in experiment.pauses) > 1:
        raise BadInput(f"{where}: more than one pause not resumed")
    try:
        check_span(experiment)
    except BadInput as exc:
        raise BadInput(f"{where}: {exc}") from None
    return experiment, planned_at.replace(tzinfo=None)


def _span(x: Experiment) -> tuple[date, date]:
    """The days an experiment ran or runs (empty when abandoned before its start)."""
    last = stats.schedule_of(x).end
    if x.ended_on is not None:
        last = min(last, x.ended_on - timedelta(days=1))
    return x.start, last


def import_records(records: Sequence[tuple[Experiment, datetime]], *, connection: Any) -> int:
    """Inside the import's transaction: add the experiments the diary does not hold yet
    (the same exposure, start and seed); returns how many were added."""
    stored = store.all_experiments(connection=connection)
    held = {(x.exposure, x.start, x.seed) for x, _ in stored}
    fresh = [(x, at) for x, at in records if (x.exposure, x.start, x.seed) not in held]
    spans = [(x, _span(x)) for x, _ in stored]
    for x, _ in fresh:  # one experiment at a time, imported ones too
        first, last = _span(x)
        for other, (other_first, other_last) in spans:
            if (
                first <= last
                and other_first <= other_last
                and first <= other_last
                and other_first <= last
            ):
                raise BadInput(
                    f"the imported experiment on {x.exposure} ({first.isoformat()} to "
                    f"{last.isoformat()}) overlaps the one on {other.exposure} "
                    f"({other_first.isoformat()} to {other_last.isoformat()}); the diary runs "
                    "one experiment at a time"
                )
        spans.append((x, (first, last)))
    store.add_experiments(fresh, connection=connection)
    return len(fresh)


def add_planned(db: Database, planned: Sequence[Experiment], *, now: datetime) -> None:
    """Store experiments as they are (the demo diary's), planned the day before each start."""
    with db.writing() as connection:
        store.add_experiments(
            [(x, datetime.combine(x.start - timedelta(days=1), time(21))) for x in planned],
            connection=connection,
        )
