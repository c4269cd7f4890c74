"""Body sites and triggers (docs/clinical-rules.md), with the aliases people type."""

from __future__ import annotations

import difflib
import re
from functools import lru_cache

from diary.domain import TriggerEntry
from diary.errors import BadInput

# Canonical site names, grouped by what the documents say about them.
SMALL_MUSCLE_SITES = frozenset({"eyelid", "face", "thumb", "finger"})  # 001, 003
LARGE_MUSCLE_SITES = frozenset(  # 001 "back, legs, or arms"
    {
        "upper back",
        "lower back",
        "upper arm",
        "forearm",
        "thigh",
        "hamstring",
        "calf",
        "shin",
        "buttock",
    }
)
SMOOTH_MUSCLE_SITES = frozenset({"abdomen", "pelvis"})  # 001 menstrual, intestinal cramps
LEG_SITES = frozenset(
    {"thigh", "hamstring", "knee", "calf", "shin", "ankle", "foot", "toe", "buttock", "hip"}
)

SITES: tuple[str, ...] = (
    "eyelid",
    "face",
    "jaw",
    "tongue",
    "neck",
    "shoulder",
    "upper arm",
    "elbow",
    "forearm",
    "wrist",
    "hand",
    "thumb",
    "finger",
    "chest",
    "upper back",
    "lower back",
    "abdomen",
    "pelvis",
    "hip",
    "buttock",
    "thigh",
    "hamstring",
    "knee",
    "calf",
    "shin",
    "ankle",
    "foot",
    "toe",
)

SITE_ALIASES: dict[str, str] = {
    "tounge": "tongue",
    "my tongue": "tongue",
    "tongue muscle": "tongue",
    "side of the tongue": "tongue",
    "eye": "eyelid",
    "eyes": "eyelid",
    "eyelids": "eyelid",
    "lid": "eyelid",
    "cheek": "face",
    "lip": "face",
    "lips": "face",
    "mouth": "face",
    "brow": "face",
    "eyebrow": "face",
    "jaws": "jaw",
    "bicep": "upper arm",
    "biceps": "upper arm",
    "tricep": "upper arm",
    "triceps": "upper arm",
    "fingers": "finger",
    "thumbs": "thumb",
    "hands": "hand",
    "palm": "hand",
    "ribs": "chest",
    "rib": "chest",
    "pecs": "chest",
    "stomach": "abdomen",
    "belly": "abdomen",
    "tummy": "abdomen",
    "abs": "abdomen",
    "gut": "abdomen",
    "groin": "pelvis",
    "uterus": "pelvis",
    "womb": "pelvis",
    "glute": "buttock",
    "glutes": "buttock",
    "bum": "buttock",
    "buttocks": "buttock",
    "quad": "thigh",
    "quads": "thigh",
    "quadriceps": "thigh",
    "thighs": "thigh",
    "hamstrings": "hamstring",
    "calves": "calf",
    "calf muscle": "calf",
    "shins": "shin",
    "feet": "foot",
    "arch": "foot",
    "foot arch": "foot",
    "arch of the foot": "foot",
    "instep": "foot",
    "heel": "foot",
    "upper eyelid": "eyelid",
    "lower eyelid": "eyelid",
    "upper lid": "eyelid",
    "lower lid": "eyelid",
    "under the eye": "eyelid",
    "under eye": "eyelid",
    "below the eye": "eyelid",
    "eye lid": "eyelid",
    "big toe": "toe",
    "little toe": "toe",
    "small toe": "toe",
    "pinky toe": "toe",
    "sole": "foot",
    "toes": "toe",
    "knees": "knee",
    "shoulders": "shoulder",
    "ankles": "ankle",
}

TRIGGERS: tuple[str, ...] = (
    "caffeine",
    "stress",
    "anxiety",
    "fatigue",
    "poor sleep",
    "exercise",
    "overuse",
    "dehydration",
    "sweating",
    "alcohol",
    "medication",
    "pregnancy",
    "cold",
    "posture",
    "prolonged sitting",
    "prolonged standing",
    "stretch",
    "menstruation",
    "low electrolytes",
)

# alias -> (canonical trigger, detail)
TRIGGER_ALIASES: dict[str, tuple[str, str | None]] = {
    "coffee": ("caffeine", None),
    "espresso": ("caffeine", None),
    "coffees": ("caffeine", None),
    "red bull": ("caffeine", "Red Bull"),
    "redbull": ("caffeine", "Red Bull"),
    "monster": ("caffeine", "Monster"),
    "energy drinks": ("caffeine", None),
    "caffeinated": ("caffeine", None),
    "pre workout": ("caffeine", "pre-workout"),
    "tea": ("caffeine", None),
    "energy drink": ("caffeine", None),
    "cola": ("caffeine", None),
    "stressed": ("stress", None),
    "anxious": ("anxiety", None),
    "worry": ("anxiety", None),
    "tired": ("fatigue", None),
    "tiredness": ("fatigue", None),
    "exhaustion": ("fatigue", None),
    "sleep": ("poor sleep", None),
    "lack of sleep": ("poor sleep", None),
    "no sleep": ("poor sleep", None),
    "bad sleep": ("poor sleep", None),
    "insomnia": ("poor sleep", None),
    "sleep deprivation": ("poor sleep", None),
    "workout": ("exercise", None),
    "gym": ("exercise", None),
    "running": ("exercise", None),
    "run": ("exercise", None),
    "sport": ("exercise", None),
    "training": ("exercise", None),
    "repetitive strain": ("overuse", None),
    "strain": ("overuse", None),
    "dehydrated": ("dehydration", None),
    "thirst": ("dehydration", None),
    "sweat": ("sweating", None),
    "heat": ("sweating", None),
    "beer": ("alcohol", None),
    "wine": ("alcohol", None),
    "drinking": ("alcohol", None),
    "meds": ("medication", None),
    "medicine": ("medication", None),
    "statin": ("medication", "statin"),
    "statins": ("medication", "statin"),
    "atorvastatin": ("medication", "atorvastatin"),
    "simvastatin": ("medication", "simvastatin"),
    "rosuvastatin": ("medication", "rosuvastatin"),
    "diuretic": ("medication", "diuretic"),
    "diuretics": ("medication", "diuretic"),
    "furosemide": ("medication", "furosemide"),
    "pregnant": ("pregnancy", None),
    "cold weather": ("cold", None),
    "chill": ("cold", None),
    "bad posture": ("posture", None),
    "slouching": ("posture", None),
    "sitting": ("prolonged sitting", None),
    "desk": ("prolonged sitting", None),
    "standing": ("prolonged standing", None),
    "stretching": ("stretch", None),
    "period": ("menstruation", None),
    "menstrual": ("menstruation", None),
    "electrolytes": ("low electrolytes", None),
    "low potassium": ("low electrolytes", None),
    "low magnesium": ("low electrolytes", None),
    "low calcium": ("low electrolytes", None),
}

# What the daily check-in asks about by default, with the unit an amount is given in
# (None: had or not). Configurable in the config file's [check-in] table.
TRACKED_EXPOSURES: dict[str, str | None] = {
    "caffeine": "cups",
    "alcohol": "units",
    "poor sleep": None,
    "stress": None,
    "exercise": None,
    "dehydration": None,
}

# What the documents say each trigger points to (docs/clinical-rules.md, "Classification").
TWITCH_TRIGGERS = frozenset({"caffeine", "stress", "anxiety", "fatigue", "poor sleep"})
SPASM_TRIGGERS = frozenset(
    {
        "dehydration",
        "sweating",
        "overuse",
        "exercise",
        "alcohol",
        "pregnancy",
        "menstruation",
        "low electrolytes",
    }
)
MAX_FREE_TEXT_TRIGGER = 60
# Marks people (or spreadsheets) put before a word: list bullets, signs, formula starts.
LEADING_MARKS = "-+=@*#•'\" \t"


def _normalise(text: str) -> str:
    """The key a typed name is matched by: 'Lower_Back' and 'lower-back' -> 'lower back'."""
    return re.sub(r"[\s_\-]+", " ", text.lower()).strip()


@lru_cache(maxsize=1024)
def resolve_site(text: str) -> str:
    """Map what a person typed to a canonical site, or fail with suggestions."""
    key = _normalise(text)
    key = re.sub(r"^(?:my|the|in my|in the|on my|on the)\s+", "", key)
    if key in SITES:
        return key
    if key in SITE_ALIASES:
        return SITE_ALIASES[key]
    squashed = key.replace(" ", "")
    for site in SITES:
        if site.replace(" ", "") == squashed:
            return site
    choices = [*SITES, *SITE_ALIASES]
    close = difflib.get_close_matches(key, choices, n=3, cutoff=0.7)
    suggestions = list(dict.fromkeys(SITE_ALIASES.get(c, c) for c in close))
    if not suggestions:  # 'inner thigh', 'left eye area': a known site among the words
        words = key.split()
        suggestions = list(
            dict.fromkeys(
                SITE_ALIASES.get(name, name)
                for name in choices
                if all(part in words for part in name.split())
            )
        )
    if key in {"back", "arm", "leg", "legs", "arms"}:
        suggestions = [s for s in SITES if key.rstrip("s") in s.split()] or suggestions
        if key.startswith("leg"):
            suggestions = ["thigh", "hamstring", "calf", "shin"]
    hint = f"; did you mean {' or '.join(repr(s) for s in suggestions)}?" if suggestions else ""
    raise BadInput(f"unknown site {text!r}{hint} (accepted: {', '.join(SITES)})")


def split_side(text: str) -> tuple[str | None, str]:
    """'left calf' -> ('left', 'calf'); text without a leading side is returned as it is."""
    first, _, rest = text.strip().partition(" ")
    side = first.lower()
    if rest.strip() and side in ("left", "right", "both"):
        return side, rest.strip()
    return None, text


@lru_cache(maxsize=4096)
def resolve_trigger(text: str) -> TriggerEntry:
    """Map a typed trigger to the vocabulary; unknown triggers are kept as free text.

    A detail can follow a colon or equals sign: ``medication:atorvastatin``.
    """
    raw = text.strip().lstrip(LEADING_MARKS)  # '-stress', '+caffeine', '=x', '* coffee'
    detail: str | None = None
    for sep in (":", "="):
        if sep in raw:
            raw, _, rest = raw.partition(sep)
            detail = rest.strip() or None
            break
    key = _normalise(raw)
    if not key:
        raise BadInput(f"empty trigger {text!r}; give a name such as caffeine or stress")
    if ";" in text:
        raise BadInput(f"trigger {text!r} contains ';'; give each trigger its own --trigger")
    if key in TRIGGERS:
        return TriggerEntry(key, detail)
    if key in TRIGGER_ALIASES:
        name, alias_detail = TRIGGER_ALIASES[key]
        return TriggerEntry(name, detail or alias_detail)
    free_text = " ".join(raw.lower().split())  # kept as typed, but for case and spacing
    if len(free_text) > MAX_FREE_TEXT_TRIGGER:
        raise BadInput(
            f"trigger {text[:20]!r}... is {len(free_text)} characters; free-text triggers take "
            f"at most {MAX_FREE_TEXT_TRIGGER}"
        )
    return TriggerEntry(free_text, detail)


# What a person can do for a spasm or cramp (documents 000, 002, 003): drink water or a
# sports drink, stretch gently, massage, heat to relax the muscle and ice after it stops, walk
# or use the muscle, rest, and medicines from a doctor.
RELIEF_MEASURES: tuple[str, ...] = (
    "water",
    "stretch",
    "massage",
    "heat",
    "ice",
    "walk",
    "rest",
    "medication",
)
# alias -> (measure, detail)
RELIEF_ALIASES: dict[str, tuple[str, str | None]] = {
    "drink": ("water", None),
    "drank": ("water", None),
    "drinking water": ("water", None),
    "fluids": ("water", None),
    "hydration": ("water", None),
    "sports drink": ("water", "sports drink"),
    "electrolytes": ("water", "electrolytes"),
    "electrolyte drink": ("water", "electrolytes"),
    "stretching": ("stretch", None),
    "stretched": ("stretch", None),
    "massaged": ("massage", None),
    "massaging": ("massage", None),
    "rub": ("massage", None),
    "rubbed": ("massage", None),
    "heat pack": ("heat", None),
    "heating pad": ("heat", None),
    "hot water bottle": ("heat", None),
    "warm bath": ("heat", "warm bath"),
    "hot bath": ("heat", "warm bath"),
    "warmth": ("heat", None),
    "cold pack": ("ice", None),
    "ice pack": ("ice", None),
    "cold": ("ice", None),
    "walking": ("walk", None),
    "walked": ("walk", None),
    "walk it off": ("walk", None),
    "walked it off": ("walk", None),
    "resting": ("rest", None),
    "rested": ("rest", None),
    "medicine": ("medication", None),
    "meds": ("medication", None),
    "painkiller": ("medication", "painkiller"),
    "painkillers": ("medication", "painkiller"),
    "muscle relaxant": ("medication", "muscle relaxant"),
    "baclofen": ("medication", "baclofen"),
    "ibuprofen": ("medication", "ibuprofen"),
    "paracetamol": ("medication", "paracetamol"),
    "quinine": ("medication", "quinine"),
}
MAX_FREE_TEXT_RELIEF = 60


@lru_cache(maxsize=1024)
def resolve_relief(text: str) -> tuple[str, str | None]:
    """A typed measure as (measure, detail): the vocabulary, its aliases, `medication:NAME`,
    or free text kept as typed. A near miss of the vocabulary ('strech') is refused with a
    suggestion, so a typo never becomes a measure of its own."""
    raw = text.strip().lstrip(LEADING_MARKS)
    raw, sep, rest = raw.partition(":")
    detail = " ".join(rest.split()) or None if sep else None
    key = _normalise(raw)
    accepted = f"accepted: {', '.join(RELIEF_MEASURES)}; anything else is kept as free text"
    if not key:
        raise BadInput(f"empty relief measure {text!r}; give one such as stretch ({accepted})")
    if ";" in text or "=" in text:
        raise BadInput(
            f"relief measure {text!r} contains {';' if ';' in text else '='!r}; give each "
            "measure its own --relief, as MEASURE or MEASURE=yes|some|no"
        )
    if key in RELIEF_MEASURES:
        return key, detail
    if key in RELIEF_ALIASES:
        measure, alias_detail = RELIEF_ALIASES[key]
        return measure, detail or alias_detail
    close = difflib.get_close_matches(key, [*RELIEF_MEASURES, *RELIEF_ALIASES], n=1, cutoff=0.8)
    if close:
        near = RELIEF_ALIASES.get(close[0], (close[0], None))[0]
        raise BadInput(f"unknown relief measure {text!r}; did you mean {near!r}? ({accepted})")
    free_text = " ".join(raw.lower().split())
    if len(free_text) > MAX_FREE_TEXT_RELIEF:
        raise BadInput(
            f"relief measure {text[:20]!r}... is {len(free_text)} characters; free-text "
            f"measures take at most {MAX_FREE_TEXT_RELIEF}"
        )
    return free_text, detail


def split_typed(values: list[str]) -> list[str]:
    """Triggers as typed on the command line or the page: `--trigger coffee,stress` is two."""
    return [part for value in values for part in value.split(",") if part.strip()]


def merge_triggers(entries: list[TriggerEntry]) -> list[TriggerEntry]:
    """One entry per trigger name, details of repeats joined, first-seen order kept."""
    if len(entries) < 2 or len({entry.name for entry in entries}) == len(entries):
        return entries
    merged: dict[str, list[str]] = {}
    for entry in entries:
        details = merged.setdefault(entry.name, [])
        if entry.detail and entry.detail not in details:
            details.append(entry.detail)
    return [TriggerEntry(name, ", ".join(d) or None) for name, d in merged.items()]


# Medicines that raise serotonin, matched (case-insensitively, as a word) against the
# name given with a medication trigger (`--trigger medication:sertraline`). Name or brand
# -> its class. Sources: Boyer & Shannon, "The serotonin syndrome", N Engl J Med 2005;
# 352:1112-20 (drugs and interactions associated with the syndrome); Dunkley et al. 2003
# (Hunter criteria: "in the presence of a serotonergic agent"); brand names as on the
# NHS medicines pages and FDA labels.
SEROTONERGIC_MEDICINES: dict[str, str] = {
    **dict.fromkeys(
        [
            "ssri",
            "fluoxetine",
            "prozac",
            "sertraline",
            "zoloft",
            "lustral",
            "paroxetine",
            "paxil",
            "seroxat",
            "citalopram",
            "celexa",
            "cipramil",
            "escitalopram",
            "lexapro",
            "cipralex",
            "fluvoxamine",
            "faverin",
            "luvox",
        ],
        "SSRI",
    ),
    **dict.fromkeys(
        [
            "snri",
            "venlafaxine",
            "effexor",
            "desvenlafaxine",
            "pristiq",
            "duloxetine",
            "cymbalta",
            "milnacipran",
        ],
        "SNRI",
    ),
    **dict.fromkeys(
        [
            "maoi",
            "phenelzine",
            "nardil",
            "tranylcypromine",
            "parnate",
            "isocarboxazid",
            "moclobemide",
            "selegiline",
            "rasagiline",
            "linezolid",
            "zyvox",
            "methylene blue",
            "methylthioninium",
        ],
        "MAO inhibitor",
    ),
    **dict.fromkeys(
        [
            "triptan",
            "sumatriptan",
            "imitrex",
            "imigran",
            "zolmitriptan",
            "zomig",
            "rizatriptan",
            "maxalt",
            "naratriptan",
            "eletriptan",
            "relpax",
            "almotriptan",
            "frovatriptan",
        ],
        "triptan",
    ),
    **dict.fromkeys(
        [
            "tramadol",
            "ultram",
            "zydol",
            "tapentadol",
            "pethidine",
            "meperidine",
            "demerol",
            "fentanyl",
            "methadone",
            "dextromethorphan",
        ],
        "opioid or cough suppressant acting on serotonin",
    ),
    **dict.fromkeys(
        [
            "clomipramine",
            "anafranil",
            "imipramine",
            "amitriptyline",
            "trazodone",
            "mirtazapine",
            "vortioxetine",
            "lithium",
            "buspirone",
            "st john's wort",
            "hypericum",
            "ondansetron",
            "metoclopramide",
            "mdma",
            "ecstasy",
            "amphetamine",
        ],
        "other serotonergic medicine",
    ),
}


def serotonergic_class(name: str, known: dict[str, str] | None = None) -> str | None:
    """The class of a medicine name if it is serotonergic ('Sertraline 50mg' -> 'SSRI')."""
    words = name.lower()
    for medicine, kind in (known or SEROTONERGIC_MEDICINES).items():
        if re.search(rf"(?<![a-z]){re.escape(medicine)}(?![a-z])", words):
            return kind
    return None
