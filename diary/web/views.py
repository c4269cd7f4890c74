"""What each page shows: the home page with its log form and flags, the edit form, the
check-in and the week, built from the services for `diary.web.app`'s routes."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import render_template, request, url_for

from diary import services
from diary.analysis.flags import SEEK_CARE_NOW, merged_by_rule
from diary.config import LoadedConfig
from diary.domain import SIDES, VISIBLE_SIGNS, Episode, Flag
from diary.errors import BadInput
from diary.parsing import default_week, iso_week_name, parse_date, parse_iso_week
from diary.services import calm, experiments
from diary.storage import Database
from diary.vocabulary import SITES
from diary.web.charts import ChartCache
from diary.web.forms import LogForm, shown, sign_choices, trigger_text
from diary.web.pages import plain, week_view

UNDO_MINUTES = 10  # "undo" is offered this long after an entry was logged
WARNING_TEXT = (
    "Tick these only if you had them: they are signs to act on, not ordinary parts of a cramp."
)


@dataclass
class Diary:
    """What the pages share: the open database, the configuration and the clock."""

    database: Database
    config: LoadedConfig
    now: Any  # () -> datetime
    charts: ChartCache = field(default_factory=ChartCache)


def back_target() -> str:
    """Where an edit or a delete returns: the page it was opened from (ours only)."""
    target = request.values.get("back", "")
    return target if target.startswith("/") and not target.startswith("//") else url_for("home")


# --- calm mode and experiments -----------------------------------------------------------------


def _calm(diary: Diary) -> bool:
    """Calm mode (`diary calm on`): the page shows the short form and any urgent or doctor
    flag, not today's list or counts, and the confirmation is one line."""
    return calm.is_calm(diary.database)


def _experiment_line(diary: Diary, flags: list[Flag] | None = None) -> str | None:
    """Today's assignment of a running experiment ("Experiment: today without caffeine"),
    and, with an urgent or doctor flag, the line that says to stop it."""
    today = diary.now().date()
    lines = [experiments.today_line(diary.database, today)]
    if flags:
        lines.append(experiments.stop_line(diary.database, flags, today))
    said = " ".join(plain(line) for line in lines if line)
    return said or None


# --- the log form and the entries ---------------------------------------------------------------


def _usual_triggers(recent: list[Episode], limit: int = 8) -> list[str]:
    """The person's most used triggers (in `recent`: the last 30 days), then common ones."""
    used = Counter(name for e in recent for name in e.trigger_names)
    ranked = [name for name, _ in used.most_common(limit)]
    for name in ("caffeine", "stress", "poor sleep", "dehydration", "exercise", "alcohol"):
        if len(ranked) >= limit:
            break
        if name not in ranked:
            ranked.append(name)
    return ranked


def _recent_sites(episodes: list[Episode], limit: int = 6) -> list[str]:
    return [site for site, _ in Counter(e.site for e in reversed(episodes)).most_common(limit)]


def entry(diary: Diary, episode_id: int) -> Episode:
    return services.get_episode(diary.database, episode_id)  # EpisodeNotFound: 404


def undoable(episode: Episode, now: datetime) -> bool:
    logged = episode.logged_at
    return logged is not None and timedelta(0) <= now - logged <= timedelta(minutes=UNDO_MINUTES)


def _form_choices(diary: Diary, recent: list[Episode], form: LogForm) -> dict[str, Any]:
    ordinary, warning = sign_choices()
    choices = _usual_triggers(recent)
    return {
        "form": form,
        "trigger_choices": choices,
        "sites": SITES,
        "recent_sites": _recent_sites(recent),
        "sides": SIDES,
        "visible_signs": VISIBLE_SIGNS,
        "signs": ordinary,
        "warning_signs": warning,
        "warning_text": WARNING_TEXT,
    }


def edit_form(diary: Diary, episode: Episode) -> LogForm:
    """The edit form of an entry: its usual triggers ticked, the others typed."""
    form = LogForm.of(episode)
    today = diary.now().date()
    usual = _usual_triggers(services.list_episodes(diary.database, today - timedelta(30), today))
    typed = [trigger_text(t) for t in episode.triggers]
    form.triggers = [t for t in typed if t in usual]
    form.values["other-trigger"] = ", ".join(t for t in typed if t not in usual)
    return form


def edit_page(diary: Diary, episode: Episode, form: LogForm, *, error: str | None = None) -> str:
    today = diary.now().date()
    recent = services.recent_episodes(diary.database, today)
    return render_template(
        "edit.html",
        page="",
        e=episode,
        error=error,
        back=back_target(),
        **_form_choices(diary, recent, form),
    )


def _split_flags(urgent: list[Flag], others: list[Flag]) -> dict[str, Any]:
    shown = merged_by_rule(others)  # a rule raised at several sites reads as one line
    return {
        "urgent": urgent,
        "seek_said": any(SEEK_CARE_NOW in f.words for f in urgent),  # said once, not twice
        "doctor": [f for f in shown if f.severity == "doctor"],
        "watch": [f for f in shown if f.severity != "doctor"],
    }


def home_page(diary: Diary, form: LogForm, *, error: str | None = None) -> str:
    now = diary.now()
    logged_id = request.args.get("logged", type=int) if error is None else None
    home = services.home_page(
        diary.database, now.date(), thresholds=diary.config.thresholds, logged_id=logged_id
    )
    calm = _calm(diary)
    return render_template(
        "home.html",
        page="home",
        error=error,
        calm=calm,
        logged=home.logged,
        undo=home.logged is not None and undoable(home.logged.episode, now),
        undo_minutes=UNDO_MINUTES,
        flags=_split_flags(home.urgent, home.flags),
        todays=[] if calm else list(reversed(list(home.todays))),
        experiment=_experiment_line(diary, home.urgent + home.flags),
        back=url_for("home"),
        **_form_choices(diary, home.recent, form),
    )


# --- the check-in and the week -------------------------------------------------------


def day_page(
    diary: Diary,
    on: str | None,
    *,
    error: str | None = None,
    posted: Any = None,
) -> str:
    today = diary.now().date()
    try:
        the_day = parse_date(on, today=today) if on else today
    except BadInput as exc:
        the_day, error = today, error or str(exc)
    record = services.get_day(diary.database, min(the_day, today))
    saved = request.args.get("saved") == "1" and error is None
    tracked = diary.config.exposures
    had: dict[str, str | None] = (
        {k: None if v is None else f"{v:g}" for k, v in record.exposures.items()}
        if record.kept
        else {}
    )
    if posted is not None:  # a refused check-in comes back as it was ticked
        had = {name: None for name in posted.getlist("had")}
        had.update(
            {
                key.removeprefix("amount-"): value
                for key, value in posted.items()
                if key.startswith("amount-") and value.strip()
            }
        )
    return render_template(
        "day.html",
        page="day",
        error=shown(error) if error else None,
        record=record,
        day=the_day,
        tracked=tracked,
        had=had,
        saved=saved,
        posted=posted,
        experiment=_experiment_line(diary),
        checked_in=_check_in_line(diary, record) if saved else None,
    )


def _calm_words(quiet: Any) -> dict[str, Any]:
    """What the calm week says after the flags (the base rates once a week, the checks, the
    GP line), laid out as a page rather than terminal lines."""
    if quiet is None:
        return {}
    checks = calm.CHECKS_LINE.format(this=quiet.checks_this_week, last=quiet.checks_last_week)
    return {
        "base_rates_title": calm.BASE_RATES_TITLE,
        "base_rates": calm.BASE_RATES,
        "base_rates_once": calm.BASE_RATES_ONCE,
        "checks": f"Weekly {checks}.",
        "advice": calm.CHECKS_ADVICE,
        "gp": calm.GP_LINE,
    }


def _check_in_line(diary: Diary, record: Any) -> str | None:
    """After a check-in on an experiment day: whether it matched, and tomorrow's assignment."""
    line = experiments.check_in_line(
        diary.database, record.day, list(record.exposures), today=diary.now().date()
    )
    return plain(line) if line else None


def week_page(diary: Diary, week: str | None) -> str:
    today = diary.now().date()
    start, chosen = (parse_iso_week(week)[0], "") if week else default_week(today)
    summary = services.weekly_report(
        diary.database, start, today=today, thresholds=diary.config.thresholds, chosen=chosen
    )
    following = start + timedelta(days=7)
    # Calm mode: days with twitching instead of counts (and this opening is counted).
    quiet = calm.open_weekly(
        diary.database,
        start,
        now=diary.now(),
        thresholds=diary.config.thresholds,
        days=summary.days_so_far,
    )
    # In calm mode the week shows no list of entries, so none is read.
    listed = (
        []
        if quiet
        else list(
            services.labelled_episodes(
                diary.database, start, start + timedelta(6), thresholds=diary.config.thresholds
            )
        )
    )
    return render_template(
        "week.html",
        calm=None if quiet is None else [plain(line) for line in quiet.body()],
        calm_week=quiet,
        calm_words=_calm_words(quiet),
        page="week",
        title=f"Week {iso_week_name(start)}",
        start=start,
        end=start + timedelta(days=6),
        chosen=summary.chosen,
        view=week_view(summary),
        entries=listed,
        back=request.full_path.rstrip("?"),
        previous=iso_week_name(start - timedelta(days=7)),
        next=iso_week_name(following) if following <= today else None,
    )
