"""`diary log`, `list`, `show`, `edit`, `delete`."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from typing import Annotated, Any, TypeVar, cast

import typer

from diary import checks
from diary.analysis.flags import NOT_A_DIAGNOSIS
from diary.cli import render
from diary.cli.state import ask, state_of, stdin_is_interactive
from diary.describe import episode_summary, label_text, when_of
from diary.entries import SIGN_OPTIONS, WHEN_FIELDS, LogInput, SignOption
from diary.errors import BadInput, DiaryError
from diary.parsing import DURATION_FORMS, parse_period
from diary.shapes import episode_dict, flag_dict
from diary.vocabulary import split_typed

F = TypeVar("F", bound=Callable[..., Any])


def complete_site(incomplete: str) -> list[str]:
    """Shell completion: the body sites that start with what was typed."""
    from diary.vocabulary import SITES

    return [site for site in SITES if site.startswith(incomplete.lower())]


def complete_trigger(incomplete: str) -> list[str]:
    """Shell completion: the triggers that start with what was typed."""
    from diary.vocabulary import TRIGGERS

    return [name for name in TRIGGERS if name.startswith(incomplete.lower())]


SiteOpt = Annotated[
    str | None,
    typer.Option(
        "--site",
        help="Body site, e.g. eyelid, calf, lower back (aliases accepted).",
        autocompletion=complete_site,
    ),
]
SideOpt = Annotated[str | None, typer.Option("--side", metavar="SIDE", help="left, right or both.")]
DurationOpt = Annotated[
    str | None, typer.Option("--duration", help=f"How long it lasted: {DURATION_FORMS}.")
]
PainOpt = Annotated[
    str | None, typer.Option("--pain", metavar="N", help="Pain 0 (none) to 10 (worst).")
]
TriggerOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--trigger",
        metavar="TRIGGER",
        help="Trigger, repeatable: caffeine, stress, dehydration, medication:NAME...",
        autocompletion=complete_trigger,
    ),
]
ReliefOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--relief",
        metavar="MEASURE[=yes|some|no]",
        help=(
            "What you did for it and whether it helped, repeatable: stretch=yes, ice=no, "
            "water, heat, massage, walk, rest, medication:NAME..."
        ),
    ),
]
VisibleOpt = Annotated[
    str | None,
    typer.Option(
        "--visible",
        metavar="SIGN",
        help="What you saw: none, flicker (flutter under the skin), bulge (hard lump).",
    ),
]
SorenessOpt = Annotated[
    str | None,
    typer.Option("--soreness-hours", metavar="H", help="Hours the muscle stayed sore afterwards."),
]
AtOpt = Annotated[
    str | None,
    typer.Option(
        "--at",
        metavar="WHEN",
        help=(
            "When it happened [default: now]: 2026-11-20T14:30, '23:40' (the latest such "
            "time), 'last night 3am', '3 days ago', 'Nov 20 3am'. A date alone keeps the "
            "time of day unknown."
        ),
    ),
]
CountOpt = Annotated[
    str | None,
    typer.Option(
        "--count",
        metavar="N",
        help="How many contractions this entry stands for (a bout, a night's cramps) [default: 1].",
    ),
]
NoteOpt = Annotated[
    str | None, typer.Option("--note", metavar="TEXT", help="Anything else you noticed.")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
SinceOpt = Annotated[
    str | None, typer.Option("--since", metavar="DATE", help="First day (ISO date).")
]
UntilOpt = Annotated[
    str | None, typer.Option("--until", metavar="DATE", help="Last day, included.")
]


def sign_options(*, after: str, edit: bool = False) -> Callable[[F], F]:
    """Give a command one option per sign the domain declares, placed after the option
    `after`, with the domain's help: `--stiff` for `log`; `--stiff/--not-stiff` for `edit`
    (None: not given). The command receives them in `**signs`, keyed by field name."""

    def parameter(sign: SignOption) -> inspect.Parameter:
        if edit:
            names = f"{sign.option}/{sign.off}"
            option: Any = Annotated[bool | None, typer.Option(names, help=sign.help)]
            default = None
        else:
            option = Annotated[bool, typer.Option(sign.option, help=sign.help)]
            default = False
        return inspect.Parameter(
            sign.field, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=option
        )

    def decorate(command: F) -> F:
        signature = inspect.signature(command, eval_str=True)
        fixed = [p for p in signature.parameters.values() if p.kind is not p.VAR_KEYWORD]
        place = [p.name for p in fixed].index(after) + 1
        generated = [parameter(sign) for sign in SIGN_OPTIONS]
        ordered = fixed[:place] + generated + fixed[place:]
        # Keyword-only from the first option on (click passes every option by name).
        parameters = ordered[:1] + [p.replace(kind=p.KEYWORD_ONLY) for p in ordered[1:]]
        cast(Any, command).__signature__ = signature.replace(parameters=parameters)
        return command

    return decorate


@sign_options(after="visible")
def log(
    ctx: typer.Context,
    site: SiteOpt = None,
    side: SideOpt = None,
    duration: DurationOpt = None,
    pain: PainOpt = None,
    trigger: TriggerOpt = None,
    # Repeatable list options go here, next to --trigger (a tuple each in LogInput).
    relief: ReliefOpt = None,
    visible: VisibleOpt = None,
    soreness_hours: SorenessOpt = None,
    at: AtOpt = None,
    note: NoteOpt = None,
    count: CountOpt = None,
    as_json: JsonOpt = False,
    **signs: bool,
) -> None:
    """Log one episode in a few seconds.

    Where, how long, how painful, what set it off and what you saw. Prints what
    was stored, how it was classified and any flag it raised.
    """
    from diary import services

    state = state_of(ctx)
    now = state.now()
    typed = LogInput(
        site=site,
        side=side,
        duration=duration,
        pain=pain,
        triggers=tuple(trigger or ()),
        relief=tuple(relief or ()),
        visible=visible,
        signs=frozenset(name for name, ticked in signs.items() if ticked),
        soreness_hours=soreness_hours,
        at=at,
        note=note,
        count=count,
    )
    missing = typed.missing
    if missing and not stdin_is_interactive():
        typed.episode(now=now)  # raises: what is missing
    # Validate everything typed before asking for anything, so a typo is caught at once.
    checked = typed.checked(now=now)
    if checked.site is None:
        got = ask(
            "Site (e.g. eyelid, left calf, lower back)",
            lambda text: typed.answered("site", text, now=now),
        )
        checked.site, checked.fields["side"] = got.site, got.fields["side"]
    if checked.duration_s is None:
        checked.duration_s = ask(
            f"Duration ({DURATION_FORMS})",
            lambda text: typed.answered("duration", text, now=now).duration_s,
        )
    if checked.pain is None:
        checked.pain = ask("Pain 0-10", lambda text: typed.answered("pain", text, now=now).pain)
    if missing and at is None:  # a 3 am cramp logged at breakfast gets its own time
        got = ask("When?", lambda text: typed.answered("at", text, now=now), default="now")
        checked.fields.update({name: got.fields[name] for name in WHEN_FIELDS})
    if missing:  # asked on a terminal: also the few questions that decide the label
        checked.fields.update(
            _ask_what_decides(checked.fields, visible=visible, trigger=trigger, relief=relief)
        )
    episode = checked.episode()
    result = services.log_episode(state.database(), episode, now=now, thresholds=state.thresholds)
    if as_json:
        data = episode_dict(result.episode, result.classification)
        data["flags"] = [flag_dict(f) for f in result.active_flags]
        data["disclaimer"] = NOT_A_DIAGNOSIS
        render.print_json(data)
        return
    if result.stop:  # safety first: before the label, in calm mode too
        typer.secho(result.stop, fg="red", bold=True)
    if result.calm:  # "Noted." and any urgent or doctor flag
        from diary.cli.calm import echo_noted

        echo_noted(result)
        return
    typer.echo(render.logged_line(result.episode, result.classification))
    concerning = result.flags_of_episode
    if concerning:
        render.echo_flags(concerning, heading="\nThis episode is evidence for:", disclaimer=False)
    others = len(result.active_flags) - len(concerning)
    if others:
        typer.echo(
            f"\n{others} other flag{'s' if others != 1 else ''} active: `diary flags` lists them."
        )
    if result.active_flags:
        typer.echo(f"\n{NOT_A_DIAGNOSIS}")


def _ask_what_decides(
    fields: dict[str, Any],
    *,
    visible: str | None,
    trigger: list[str] | None,
    relief: list[str] | None = None,
) -> dict[str, Any]:
    """What decides twitch or spasm (something visible? tight or stiff?) and the triggers,
    each skippable with Enter."""
    answers: dict[str, Any] = {}
    if visible is None:
        answers["visible"] = ask(
            "Anything visible? none, flicker (under the skin), bulge (hard lump)",
            checks.check_visible,
            default="none",
        )
    if not fields["stiff"]:
        answers["stiff"] = typer.confirm("Did the muscle feel tight or stiff?", default=False)
    if not trigger:
        answers["triggers"] = ask(
            "Triggers, comma-separated (caffeine, stress, dehydration...)",
            lambda text: checks.triggers_from(split_typed([text])),
            default="",
        )
    if not relief:
        answers["relief"] = ask(
            "Anything you did for it? e.g. stretch=yes, ice=no, water (Enter: nothing)",
            lambda text: checks.relief_from(split_typed([text])),
            default="",
        )
    return answers


def list_(
    ctx: typer.Context,
    since: SinceOpt = None,
    until: UntilOpt = None,
    last: Annotated[
        int | None, typer.Option("--last", min=1, help="Only the latest N episodes.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """List episodes, oldest first, with their classification."""
    from diary import services

    state = state_of(ctx)
    first, final = parse_period(since, until, today=state.now().date())
    # Streamed: ten years of episodes are never held at once (the table is read twice,
    # once to measure its columns and once to print it).
    with services.labelled_stream(
        state.database(), first, final, thresholds=state.thresholds, last=last
    ) as listed:
        if as_json:
            render.print_json_array(episode_dict(e, label) for e, label in listed)
            return
        rows = [0]

        def measured() -> Iterator[tuple[str, ...]]:
            for e, label in listed:
                rows[0] += 1
                yield render.episode_cells(e, label)

        widths = render.table_widths(measured(), render.EPISODE_COLUMNS)
        if not rows[0]:
            typer.echo(
                "No episodes in that period. Log one with: diary log --site calf "
                "--duration 90s --pain 6"
            )
            return
        typer.echo(render.table_line(render.EPISODE_COLUMNS, widths))
        render.echo_lines(
            render.table_line(render.episode_cells(e, label), widths) for e, label in listed
        )
    typer.echo(f"{rows[0]} episode{'s' if rows[0] != 1 else ''}.")


def show(
    ctx: typer.Context,
    episode_id: Annotated[int, typer.Argument(metavar="ID", help="Episode id.")],
    as_json: JsonOpt = False,
) -> None:
    """Show one episode and explain its label, reason by reason."""
    from diary import services

    state = state_of(ctx)
    [(episode, classification)] = services.labelled_episode(
        state.database(), episode_id, thresholds=state.thresholds
    )
    if as_json:
        render.print_json(episode_dict(episode, classification))
    else:
        typer.echo(render.episode_detail(episode, classification))


@sign_options(after="visible", edit=True)
def edit(
    ctx: typer.Context,
    episode_id: Annotated[int, typer.Argument(metavar="ID", help="Episode id.")],
    site: SiteOpt = None,
    side: SideOpt = None,
    duration: DurationOpt = None,
    pain: PainOpt = None,
    trigger: Annotated[
        list[str] | None, typer.Option("--trigger", help="Replace the triggers (repeatable).")
    ] = None,
    clear_triggers: Annotated[
        bool, typer.Option("--clear-triggers", help="Remove all triggers.")
    ] = False,
    # Repeatable list options go here, next to --trigger.
    relief: Annotated[
        list[str] | None,
        typer.Option(
            "--relief",
            metavar="MEASURE[=yes|some|no]",
            help="Add what was done for it, or update whether it helped (repeatable).",
        ),
    ] = None,
    no_relief: Annotated[
        bool, typer.Option("--no-relief", help="Remove what was noted as done for it.")
    ] = False,
    visible: VisibleOpt = None,
    soreness_hours: SorenessOpt = None,
    at: AtOpt = None,
    note: Annotated[
        str | None, typer.Option("--note", help="Replace the note ('' removes it).")
    ] = None,
    count: CountOpt = None,
    as_json: JsonOpt = False,
    **signs: bool | None,
) -> None:
    """Change any field of an episode; its id stays the same."""
    from diary import services

    state = state_of(ctx)
    typed = LogInput(
        site=site,
        side=side,
        duration=duration,
        pain=pain,
        triggers=tuple(trigger or ()),
        clear_triggers=clear_triggers,
        relief=tuple(relief or ()),
        clear_relief=no_relief,
        visible=visible,
        signs=frozenset(name for name, value in signs.items() if value is True),
        unticked=frozenset(name for name, value in signs.items() if value is False),
        soreness_hours=soreness_hours,
        at=at,
        note=note,
        count=count,
    )
    [(updated, classification)] = services.edit_episode(
        state.database(), episode_id, typed, now=state.now(), thresholds=state.thresholds
    )
    if as_json:
        render.print_json(episode_dict(updated, classification))
        return
    typer.echo(
        f"Updated #{updated.id}: {episode_summary(updated)} — "
        f"{when_of(updated)}\nLooks like: {label_text(classification)}"
    )


def delete(
    ctx: typer.Context,
    episode_id: Annotated[int, typer.Argument(metavar="ID", help="Episode id.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete an episode (asks first unless --yes)."""
    from diary import services

    state = state_of(ctx)
    db = state.database()
    episode = services.get_episode(db, episode_id)
    if not yes:
        if not stdin_is_interactive():
            raise BadInput(f"not deleting #{episode_id} without confirmation; add --yes")
        question = f"Delete episode #{episode_id} ({episode_summary(episode)}, {when_of(episode)})?"
        if not typer.confirm(question, default=False):
            raise DiaryError("nothing deleted")
    services.delete_episode(db, episode_id)
    typer.echo(f"Deleted episode #{episode_id}.")
