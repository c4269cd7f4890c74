"""`diary experiment plan|status|result|pause|resume|abandon`: a planned N-of-1 experiment."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from diary.cli import render
from diary.cli.group import DiaryGroup
from diary.cli.state import state_of, stdin_is_interactive
from diary.domain import counted
from diary.errors import BadInput

if TYPE_CHECKING:
    from diary.analysis.experiment import ExperimentResult, PairTest
    from diary.services.experiments import Plan, Situation, Status

experiment_app = typer.Typer(
    cls=DiaryGroup,
    help="Is it the coffee? A planned experiment with randomised blocks.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


class Outcome(StrEnum):
    all = "all"
    twitch = "twitch"
    spasm = "spasm"


JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Do it without asking.")]


def _day(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def _washout_words(days: int) -> str:
    """'the first 2 days of each block', 'the first day of each block'."""
    return "the first day" if days == 1 else f"the first {days} days"


def _num(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


@experiment_app.command("plan")
def plan(
    ctx: typer.Context,
    exposure: Annotated[
        str, typer.Argument(help="What to test, from the check-in's list: caffeine, alcohol...")
    ],
    block: Annotated[int, typer.Option("--block", metavar="DAYS", help="Days a block.")] = 7,
    pairs: Annotated[int, typer.Option("--pairs", metavar="N", help="Pairs of blocks.")] = 12,
    washout: Annotated[
        int,
        typer.Option("--washout", metavar="DAYS", help="First days of each block not analysed."),
    ] = 2,
    start: Annotated[
        str | None, typer.Option("--start", metavar="DATE", help="First day [default: tomorrow].")
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", metavar="N", help="Seed of the order [default: random].")
    ] = None,
    outcome: Annotated[Outcome, typer.Option("--outcome", help="What is counted.")] = Outcome.all,
    blinded: Annotated[
        bool,
        typer.Option("--blinded", help="Someone else prepares with and without (e.g. decaf)."),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Plan an experiment: pairs of blocks with and without EXPOSURE, in a random order.

    Prints the dates and the chance of finding a halving or a doubling; the order stays
    hidden until the end (`status` tells each day's assignment on the day).
    """
    from diary.analysis.experiment import MIN_ANALYSED_DAYS, MIN_PAIRS_FOR_5_PERCENT
    from diary.parsing import parse_date
    from diary.services import experiments

    state = state_of(ctx)
    now = state.now()
    first = parse_date(start, today=now.date()) if start is not None else None
    experiments.check_design(block, pairs, washout, seed)
    experiments.resolve_exposure(exposure)
    warnings = []  # said once the plan is stored: an error stays the one line on stderr
    if block - washout < MIN_ANALYSED_DAYS:
        warnings.append(
            f"diary: warning: {block}-day blocks with {counted(washout, 'washout day')} leave "
            f"{counted(block - washout, 'day')} to count; a block needs {MIN_ANALYSED_DAYS}, "
            "so no pair can count. Lengthen --block or shorten --washout."
        )
    if pairs < MIN_PAIRS_FOR_5_PERCENT:
        warnings.append(
            f"diary: warning: {pairs} pairs can never give p below 0.05 (the smallest "
            f"possible p is 2/2^{pairs}); the result will be exploratory. "
            f"Plan {MIN_PAIRS_FOR_5_PERCENT} or more for an answer."
        )
    planned = experiments.plan(
        state.database(),
        exposure,
        block_days=block,
        pairs=pairs,
        washout_days=washout,
        start=first,
        seed=seed,
        outcome=outcome.value,
        blinded=blinded,
        now=now,
        thresholds=state.thresholds,
    )
    for warning in warnings:
        typer.echo(warning, err=True)
    if as_json:
        render.print_json(plan_dict(planned))
        return
    typer.echo(plan_text(planned))


def plan_dict(planned: Plan) -> dict[str, Any]:
    x = planned.experiment
    return {
        "exposure": x.exposure,
        "outcome": x.outcome,
        "start": x.start.isoformat(),
        "end": planned.end.isoformat(),
        "block_days": x.block_days,
        "pairs": x.pairs,
        "washout_days": x.washout_days,
        "seed": x.seed,
        "power": _num(planned.power_halving, 2),
        "power_doubling": _num(planned.power_doubling, 2),
        "power_basis": {
            "rate": _num(planned.history.rate),
            "shape": _num(planned.history.shape),
            "kept_share": _num(planned.history.kept_share),
            "kept_days": planned.history.kept_days,
            "assumed": planned.history.assumed,
        },
        "blinded": x.blinded,
    }


def plan_text(planned: Plan) -> str:
    from diary.analysis.experiment import MIN_PAIRS_FOR_5_PERCENT
    from diary.services.experiments import OUTCOME_WORDS, POWER_SIMULATIONS

    x, h = planned.experiment, planned.history
    lines = [
        f"Planned: {x.exposure} and {OUTCOME_WORDS[x.outcome]}, {x.pairs} pairs of "
        f"{x.block_days}-day blocks, from {x.start:%a %d %b %Y} to {planned.end:%a %d %b %Y}.",
        f"Inside each pair one block is with {x.exposure} and one without, in an order drawn "
        "from a stored seed; it stays hidden until the end.",
        (
            f"{_washout_words(x.washout_days).capitalize()} of each block "
            f"{'is' if x.washout_days == 1 else 'are'} lived but not counted (washout)."
            if x.washout_days
            else "No washout: every day of each block counts."
        ),
    ]
    if h.assumed:
        basis = f"assuming {h.assumed}"
    else:
        spread = (
            "no more day-to-day variation than chance"
            if h.shape is None
            else f"day-to-day variation like a negative binomial of shape {h.shape:.1f}"
        )
        basis = (
            f"at your {h.rate:.2g} a day on {h.kept_days} kept days, {spread}, "
            f"{h.kept_share:.0%} of days kept"
        )
    lines.append(
        f"Chance to find an effect (p < 0.05): {planned.power_halving:.0%} if {x.exposure} "
        f"halves them, {planned.power_doubling:.0%} if it doubles them ({POWER_SIMULATIONS:,} "
        f"simulated experiments of this design, {basis})."
    )
    if x.pairs < MIN_PAIRS_FOR_5_PERCENT:
        lines.append(f"With {x.pairs} pairs no result can reach p < 0.05: it will be exploratory.")
    lines.append(
        "Each day `diary experiment status` tells today's assignment; check in every evening "
        "with `diary day` (a day not checked in is missing, not a zero)."
    )
    return "\n".join(lines)


@experiment_app.command("status")
def status(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Today's assignment, the block and pair, kept and missed days, adherence.

    Never a later assignment and never an outcome number: no peeking.
    """
    from diary.services import experiments

    state = state_of(ctx)
    today = state.now().date()
    found = experiments.status(state.database(), today, state.thresholds)
    if as_json:
        render.print_json(status_dict(found))
        return
    typer.echo(status_text(found))


def status_dict(found: Status) -> dict[str, Any]:
    s = found.situation
    slot = s.slot
    return {
        "exposure": s.experiment.exposure,
        "outcome": s.experiment.outcome,
        "date": found.today.isoformat(),
        "assignment": slot.arm if slot else None,
        "pair": slot.pair if slot else None,
        "block": slot.block if slot else None,
        "washout": slot.washout if slot else False,
        "kept_days": found.kept_days,
        "missed_days": found.missed_days,
        "adherence": _num(found.adherence),
        "start": s.first_day.isoformat(),
        "end": s.end.isoformat(),
        "state": s.state,
    }


def status_text(found: Status) -> str:
    from diary.services.experiments import OUTCOME_WORDS, slot_words

    s = found.situation
    x = s.experiment
    lines = [
        f"Experiment on {x.exposure} and {OUTCOME_WORDS[x.outcome]}: {s.state}, "
        f"{s.first_day:%a %d %b %Y} to {s.end:%a %d %b %Y}."
    ]
    if s.slot is not None:
        lines.append(
            f"Today: {'no ' if s.slot.arm == 'without' else ''}{x.exposure}"
            f" ({slot_words(x, s.slot)}, block {s.slot.block} of {2 * x.pairs})."
        )
    elif s.state == "paused":
        lines.append("Paused: `diary experiment resume` goes on with the next pair.")
    elif s.state == "running":  # resumed: the days until the next pair have no assignment
        upcoming = [d for d in s.schedule.pair_starts if d > found.today]
        opens = s.end + timedelta(days=1)
        lines.append(
            f"No assignment today: after the pause the next pair starts {upcoming[0]:%a %d %b %Y}."
            if upcoming
            else "No assignment today: the pause ended the last pair early; "
            f"`diary experiment result` shows the result from {opens:%a %d %b %Y}."
        )
    elif s.state == "planned":
        lines.append(
            f"It starts {s.first_day:%a %d %b %Y}; `status` that day tells the assignment."
        )
    elif s.state in ("finished", "abandoned"):
        lines.append("Over: `diary experiment result` shows the result.")
    if found.kept_days or found.missed_days:
        adherence = found.adherence
        lines.append(
            f"Kept {found.kept_days} of {found.kept_days + found.missed_days} days so far "
            f"({found.missed_days} missed)"
            + (
                f"; adherence {adherence:.0%} "
                f"({counted(found.adherent_days, 'kept day')} as assigned)."
                if adherence is not None
                else "."
            )
        )
    return "\n".join(lines)


@experiment_app.command("result")
def result(
    ctx: typer.Context,
    early: Annotated[
        bool, typer.Option("--early", help="Before the end: an exploratory look.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """The randomisation test, the rate ratio with its interval, pair by pair."""
    from diary.services import experiments

    state = state_of(ctx)
    today = state.now().date()
    db = state.database()
    found = experiments.result(db, today, state.thresholds, early=early)
    if as_json:
        situation = experiments.current(db, today)
        render.print_json(result_dict(found, situation.state if situation else "finished"))
        return
    typer.echo(result_text(found))


def _test_dict(test: PairTest) -> dict[str, Any]:
    low, high = test.ci95
    return {
        "rate_ratio": _num(test.rate_ratio),
        "ci95": [_num(low), _num(high)],
        "p": _num(test.p, 4),
        "pairs_counted": test.pairs_counted,
    }


def result_dict(found: ExperimentResult, state: str) -> dict[str, Any]:
    x = found.experiment
    main = found.by_assignment
    shown, sealed = revealed(found)
    return {
        "exposure": x.exposure,
        "outcome": x.outcome,
        "state": state,
        "start": x.start.isoformat(),
        "end": found.end.isoformat(),
        "block_days": x.block_days,
        "pairs": x.pairs,
        "washout_days": x.washout_days,
        "seed": None if sealed else x.seed,
        "sequence": shown,
        "blinded": x.blinded,
        "blocks": [
            {
                "pair": b.pair,
                "arm": b.arm,
                "start": b.start.isoformat(),
                "end": b.end.isoformat(),
                "analysed_days": b.analysed_days,
                "contractions": b.contractions,
                "adherent_days": b.adherent_days,
            }
            for b in found.blocks
        ],
        "pairs_counted": main.pairs_counted,
        "voided_pairs": list(found.voided_pairs),
        "rate_with": _num(main.rate_with),
        "rate_without": _num(main.rate_without),
        "rate_ratio": _num(main.rate_ratio),
        "ci95": [_num(main.ci95[0]), _num(main.ci95[1])],
        "p": _num(main.p, 4),
        "exact": main.exact,
        "adherence": _num(found.adherence),
        "kept_days": found.kept_days,
        "missed_days": found.missed_days,
        "per_protocol": _test_dict(found.per_protocol),
        "verdict": found.verdict,
        "early": found.early,
    }


def _ratio_words(test: PairTest) -> str:
    from diary.analysis.experiment import MAX_EXACT_PAIRS

    if test.pairs_counted == 0 or test.p is None:
        return "no pair counted: no estimate"
    ratio = "undefined" if test.rate_ratio is None else f"{test.rate_ratio:.2f}"
    low, high = test.ci95
    shown_low = "0" if low is None else f"{low:.2f}"
    shown_high = "no upper bound" if high is None else f"{high:.2f}"
    interval = f"{shown_low} to {shown_high}"
    how = (
        f"all {2**test.pairs_counted:,} arrangements"
        if test.pairs_counted <= MAX_EXACT_PAIRS
        else "100,000 seeded arrangements"
    )
    return (
        f"rate ratio {ratio} (95% interval {interval}), p = {test.p:.3g} "
        f"(randomisation test over {how} of {counted(test.pairs_counted, 'pair')})"
    )


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def result_text(found: ExperimentResult) -> str:
    from diary.analysis.flags import NOT_A_DIAGNOSIS
    from diary.services.experiments import OUTCOME_WORDS

    x = found.experiment
    what = OUTCOME_WORDS[x.outcome]
    main = found.by_assignment
    shown, sealed = revealed(found)
    lines = [
        f"Experiment: {x.exposure} and {what}, {x.start:%d %b %Y} to {found.end:%d %b %Y}"
        + (f" (looked at up to {found.cutoff:%d %b %Y}: ended early)" if found.early else "")
        + ".",
        f"Design: {x.pairs} pairs of {x.block_days}-day blocks, "
        f"{_washout_words(x.washout_days)} of each not counted (washout); "
        + (
            f"order drawn from seed {x.seed}: "
            if not sealed
            else "order so far (the rest stays hidden): "
        )
        + f"{' '.join('with-without' if c == 'W' else 'without-with' for c in shown)}.",
        "Blinded: yes (someone else prepared with and without)."
        if x.blinded
        else "Not blinded: you knew each day's assignment.",
        "",
        f"{'pair':>4}  {'with: days':>10} {what[:12]:>12} {'a day':>6}   "
        f"{'without: days':>13} {what[:12]:>12} {'a day':>6}",
    ]
    for pair in range(1, x.pairs + 1):
        two = {b.arm: b for b in found.blocks if b.pair == pair}
        if not two:
            continue
        w, o = two.get("with"), two.get("without")
        note = (
            "  voided (a block with fewer than 3 days counted)"
            if pair in found.voided_pairs
            else ""
        )

        def cells(b: Any) -> str:
            if b is None:
                return f"{'-':>10} {'-':>12} {'-':>6}"
            return f"{b.analysed_days:>10} {b.contractions:>12} {_rate(b.rate):>6}"

        lines.append(f"{pair:>4}  {cells(w)}   {'':>3}{cells(o)}{note}")
    adherence = found.adherence
    lines += [
        "",
        f"Kept days: {found.kept_days}; missing (never checked in): {found.missed_days}; "
        + (
            f"adherence {adherence:.0%} ({found.adherent_days} of {found.kept_days} kept days "
            "as assigned)."
            if adherence is not None
            else "no kept day yet."
        ),
    ]
    if found.voided_pairs:
        lines.append(
            f"Voided pairs: {', '.join(str(p) for p in found.voided_pairs)} "
            "(fewer than 3 counted days in a block)."
        )
    lines += [
        f"By assignment: {_rate(main.rate_with)} a day with, {_rate(main.rate_without)} "
        f"without; {_ratio_words(main)}.",
        f"Per protocol (only days lived as assigned): {_ratio_words(found.per_protocol)}.",
        "",
        verdict_line(found),
    ]
    lines.extend(f"  ({reason})" for reason in found.reasons)
    lines.append(NOT_A_DIAGNOSIS)
    return "\n".join(lines)


def revealed(found: ExperimentResult) -> tuple[str, bool]:
    """The order of the pairs begun by the cut-off, and whether the rest is still hidden (an
    early look at an experiment that goes on must not show later assignments)."""
    x = found.experiment
    if not found.early or x.status == "abandoned":
        return x.sequence, False
    begun = max((b.pair for b in found.blocks), default=0)
    return x.sequence[:begun], True


def verdict_line(found: ExperimentResult) -> str:
    from diary.services.experiments import OUTCOME_WORDS

    x = found.experiment
    what = OUTCOME_WORDS[x.outcome]
    verdict = found.verdict
    if verdict in ("likely raises", "likely lowers"):
        said = f"{x.exposure} {verdict} your {what}"
    elif verdict == "no large effect":
        said = f"{x.exposure} has no large effect on your {what} (neither doubles nor halves them)"
    elif verdict == "inconclusive":
        said = f"inconclusive: this experiment cannot tell whether {x.exposure} changes your {what}"
    else:
        said = f"exploratory only: no conclusion about {x.exposure} and your {what}"
    return f"For you, in this period: {said}."


def _confirm(yes: bool, question: str) -> None:
    if yes:
        return
    if not stdin_is_interactive():
        raise BadInput(f"{question.rstrip('?')}: add --yes to do it without a terminal")
    if not typer.confirm(question, default=False):
        raise BadInput("nothing changed")


def _changed(found: Situation, words: str) -> None:
    x = found.experiment
    typer.echo(
        f"Experiment on {x.exposure}: {words} Now {found.state}; ends {found.end:%a %d %b %Y}."
    )


@experiment_app.command("pause")
def pause(ctx: typer.Context, yes: YesOpt = False) -> None:
    """Pause from today; on resume the rest moves on by whole pairs."""
    from diary.services import experiments

    state = state_of(ctx)
    found = experiments.pause(state.database(), state.now().date())
    _changed(found, "paused from today (the pair under way is counted up to yesterday).")


@experiment_app.command("resume")
def resume(ctx: typer.Context, yes: YesOpt = False) -> None:
    """Go on after a pause, with the next pair starting on a whole-pair boundary."""
    from diary.services import experiments

    state = state_of(ctx)
    found = experiments.resume(state.database(), state.now().date())
    _changed(found, "resumed.")
    line = experiments.today_line(state.database(), state.now().date())
    if line:
        typer.echo(line)


@experiment_app.command("abandon")
def abandon(ctx: typer.Context, yes: YesOpt = False) -> None:
    """End the experiment now (its result is then exploratory)."""
    from diary.services import experiments

    state = state_of(ctx)
    today = state.now().date()
    current = experiments.current(state.database(), today)
    if current is not None and current.is_on:
        _confirm(yes, f"Abandon the experiment on {current.experiment.exposure}?")
    found = experiments.abandon(state.database(), today)
    typer.echo(
        f"Experiment on {found.experiment.exposure} abandoned; `diary experiment result` "
        "shows what it found (exploratory)."
    )
