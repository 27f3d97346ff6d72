"""The rules of FORMAT.md's "What validation checks", each a small function yielding
Problems that name the file, the line or row, and the field.

Posts are checked as `Entry`s: the values of one post as read, whether from
campaign.yaml or a spreadsheet row, under the same keys ("text.bm", "template.fr"), each
able to say where it was read. The campaign and kit sections are checked on the YAML
document itself (check_document).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from content.places import DEFAULT_PLACES, OTHER
from content.problems import Problem, Severity
from content.sms import WARN_ABOVE, count_segments, fit_gsm
from content.yaml_source import YamlDoc, YamlPath

LANGUAGES = ("fr", "bm")
LANGUAGE_NAMES = {"fr": "français", "bm": "bambara"}
CHANNELS = ("telegram", "whatsapp", "sms")
ROLES = ("relay", "organiser")
STATUSES = ("draft", "ready")
DEFAULT_PLACE_SLUGS = (*(place.slug for place in DEFAULT_PLACES), OTHER)

TELEGRAM_TEXT, TELEGRAM_CAPTION, WHATSAPP_TEXT = 4096, 1024, 1600
MB = 1_000_000  # Twilio counts in decimal megabytes: the stricter reading is the safe one
PHOTO_LIMIT, MEDIA_LIMIT = 5 * MB, 16 * MB

MediaKind = Literal["photo", "voice", "video", "document"]
MEDIA_KINDS: dict[str, MediaKind] = {
    **dict.fromkeys((".jpg", ".jpeg", ".png"), "photo"),
    **dict.fromkeys((".ogg", ".oga", ".opus", ".mp3", ".m4a", ".amr"), "voice"),
    **dict.fromkeys((".mp4", ".3gp"), "video"),
    ".pdf": "document",
}

SLUG = re.compile(r"[a-z0-9-]{1,40}")
SID = re.compile(r"HX[0-9a-fA-F]{32}")
HASHTAG = re.compile(r"#\w+")
TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
FRENCH_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")  # what French Excel writes in CSV

Rule = Callable[[object], str | None]  # a value → why it is wrong, or None


# Reading values: None when the value is not of the expected shape.


def as_text(value: object) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str | int | float):
        return str(value).strip() or None
    return None


def as_lines(value: object) -> str | None:
    """One text, or a list of lines joined with newlines."""
    if isinstance(value, list) and all(isinstance(line, str) for line in value):
        return "\n".join(str(line).strip() for line in value).strip() or None
    return as_text(value)


def as_date(value: object) -> date | None:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    text = as_text(value) or ""
    try:
        if ISO_DATE.fullmatch(text):
            return date.fromisoformat(text)
        if match := FRENCH_DATE.fullmatch(text):
            day, month, year = map(int, match.groups())
            return date(year, month, day)
    except ValueError:
        return None
    return None


def as_time(value: object) -> time | None:
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    match = TIME.fullmatch(as_text(value) or "")
    return time(int(match[1]), int(match[2])) if match else None


def as_list(value: object) -> list[str] | None:
    """A YAML list, or one text separated by commas or spaces (a spreadsheet cell)."""
    if value is None:
        return []
    if isinstance(value, list):
        items = [as_text(item) for item in value]
        return [item for item in items if item] if None not in items else None
    text = as_text(value)
    return [item for item in re.split(r"[,;\s]+", text) if item] if text else None


def media_kind(path: str | Path) -> MediaKind:
    """What a campaign file is sent as (audio goes as a voice note); ValueError if none."""
    kind = MEDIA_KINDS.get(Path(path).suffix.lower())
    if kind is None:
        raise ValueError(f"not a campaign media type: {path}")
    return kind


# Rules on single values.


def slug_rule(value: object) -> str | None:
    text = as_text(value)
    if text is not None and SLUG.fullmatch(text):
        return None
    return f"identifiant invalide « {value} » : minuscules, chiffres et tirets, 40 au plus"


def text_rule(value: object) -> str | None:
    return None if as_text(value) is not None else "texte attendu"


def date_rule(value: object) -> str | None:
    return None if as_date(value) else f"date invalide « {value} » : attendu AAAA-MM-JJ"


def time_rule(value: object) -> str | None:
    return None if as_time(value) else f"heure invalide « {value} » : attendu HH:MM"


def one_of(allowed: Iterable[str], what: str) -> Rule:
    choices = tuple(allowed)

    def rule(value: object) -> str | None:
        if as_text(value) in choices:
            return None
        return f"{what} « {value} » : {', '.join(choices)}"

    return rule


def each(rule: Rule) -> Rule:
    """A list (or comma-separated text) whose every item passes `rule`."""

    def check(value: object) -> str | None:
        items = as_list(value)
        if items is None:
            return "liste attendue, par exemple [a, b]"
        return next((message for item in items if (message := rule(item))), None)

    return check


def hashtag_rule(value: object) -> str | None:
    if HASHTAG.fullmatch(as_text(value) or ""):
        return None
    return f"« {value} » n'est pas un hashtag : # suivi de lettres ou de chiffres, sans espace"


def hashtags_rule(value: object) -> str | None:
    problem = each(hashtag_rule)(value)
    if problem is None and len(items := as_list(value) or []) > 3:
        return f"{len(items)} hashtags : trois au plus par publication"
    return problem


def localized_rule(value: object) -> str | None:
    if not isinstance(value, dict):
        return "attendu : un texte par langue (fr: …, bm: …)"
    for language, text in value.items():
        if language not in LANGUAGES:
            return f"langue inconnue « {language} » : fr ou bm"
        if text is not None and as_lines(text) is None:
            return f"{language} : texte attendu"
    return None


# Files: media and the posts spreadsheet must stay inside the campaign folder.


def outside_problem(folder: Path, relative: str) -> str | None:
    """Why `relative` does not name a place inside `folder`, or None."""
    if relative.startswith(("/", "\\")) or PureWindowsPath(relative).drive:
        return "chemin absolu refusé : indiquez un chemin dans le dossier de la campagne"
    if ".." in PurePosixPath(relative.replace("\\", "/")).parts:
        return "« .. » refusé : le fichier doit être dans le dossier de la campagne"
    root = folder.resolve()
    if not (root / relative).resolve().is_relative_to(root):
        return "ce chemin mène hors du dossier de la campagne (lien symbolique ?)"
    return None


def media_problem(folder: Path, value: object) -> str | None:
    relative = as_text(value)
    if relative is None:
        return "chemin de fichier attendu (ex. media/j01.png)"
    if refused := outside_problem(folder, relative):
        return refused
    kind = MEDIA_KINDS.get(PurePosixPath(relative).suffix.lower())
    if kind is None:
        return (
            f"type de fichier non pris en charge « {relative} » : images .jpg .png, audio .ogg"
            " .opus .mp3 .m4a .amr, vidéo .mp4 .3gp, document .pdf"
        )
    path = folder.resolve() / relative
    if not path.is_file():
        return f"fichier introuvable : {relative}"
    size, limit = path.stat().st_size, PHOTO_LIMIT if kind == "photo" else MEDIA_LIMIT
    if size > limit:
        what = "une image" if kind == "photo" else "un fichier"
        return f"fichier trop lourd ({size / MB:.1f} Mo) : {limit // MB} Mo au plus pour {what}"
    return None


def channel_limit(channel: str, text: str, sms: str | None, with_media: bool) -> str | None:
    """Why this text does not fit `channel`, or None; for SMS, only past WARN_ABOVE."""
    if channel == "telegram" and with_media and len(text) > TELEGRAM_CAPTION:
        return (
            f"{len(text)} caractères : sous une image, une note vocale ou une vidéo, Telegram"
            f" n'en montre que {TELEGRAM_CAPTION}"
        )
    if channel == "telegram" and len(text) > TELEGRAM_TEXT:
        return f"{len(text)} caractères : Telegram en accepte {TELEGRAM_TEXT}"
    if channel == "whatsapp" and len(text) > WHATSAPP_TEXT:
        return f"{len(text)} caractères : WhatsApp (Twilio) en accepte {WHATSAPP_TEXT}"
    if channel == "sms":
        # Counted as the SMS sender sends it: French gets its GSM stand-ins first.
        segments = count_segments(fit_gsm(sms or text))
        if segments.count > WARN_ABOVE:
            return (
                f"SMS de {segments.count} segments ({segments.encoding}) : au-delà de"
                f" {WARN_ABOVE}, il coûte cher et arrive souvent découpé ; donnez une version"
                " sms plus courte"
            )
    return None


# Posts.


@dataclass(frozen=True)
class Entry:
    """One post as read, before it becomes a model.Post."""

    source: str  # for Post.source: "campaign.yaml:42" or "calendar.xlsx row 7"
    values: dict[str, object]  # "id", "date", "text.fr", "template.bm", "languages", …
    locate: Callable[[str, tuple[str | int, ...]], tuple[str, str, str]]  # → file, where, field

    def problem(
        self, key: str, message: str, severity: Severity = "error", at: tuple[str | int, ...] = ()
    ) -> Problem:
        return Problem(*self.locate(key, at), message, severity)

    def text(self, key: str) -> str | None:
        return as_text(self.values.get(key))


@dataclass(frozen=True)
class Context:
    """What a post is checked against, from the campaign section (None when invalid there)."""

    folder: Path
    start: date | None
    end: date | None
    phases: tuple[str, ...]
    places: tuple[str, ...]
    channels: tuple[str, ...]


POST_RULES: dict[str, Rule] = {
    "id": slug_rule,
    "date": date_rule,
    "time": time_rule,
    "phase": text_rule,
    "languages": each(one_of(LANGUAGES, "langue inconnue")),
    "roles": each(one_of(ROLES, "rôle inconnu")),
    "places": each(slug_rule),
    "hashtags": hashtags_rule,
    "single_language": one_of(LANGUAGES, "langue inconnue"),
    "status": one_of(STATUSES, "statut inconnu"),
    **{f"{kind}.{language}": text_rule for kind in ("text", "sms") for language in LANGUAGES},
}
REQUIRED_POST_KEYS = ("id", "date", "phase")


def check_values(entry: Entry) -> Iterator[Problem]:
    for key in REQUIRED_POST_KEYS:
        if entry.values.get(key) in (None, ""):
            yield entry.problem(key, "champ obligatoire")
    for key, rule in POST_RULES.items():
        value = entry.values.get(key)
        if value not in (None, "") and (message := rule(value)):
            yield entry.problem(key, message)


def check_templates(entry: Entry) -> Iterator[Problem]:
    """A Content SID, alone (spreadsheet) or as {sid, variables} (campaign.yaml)."""
    for key in (f"template.{language}" for language in LANGUAGES):
        value = entry.values.get(key)
        if value in (None, ""):
            continue
        sid, variables, at = value, None, tuple[str, ...]()
        if isinstance(value, dict):
            sid, variables, at = value.get("sid"), value.get("variables"), ("sid",)
            for extra in sorted(set(value) - {"sid", "variables"}):
                yield entry.problem(key, "clé inconnue : sid et variables seulement", at=(extra,))
        if not SID.fullmatch(as_text(sid) or ""):
            message = f"Content SID invalide « {sid} » : HX suivi de 32 caractères hexadécimaux"
            yield entry.problem(key, message, at=at)
        if variables is not None and not (
            isinstance(variables, dict) and all(map(as_text, variables.values()))
        ):
            message = 'variables : une table numéro → valeur, par exemple {"1": "Kayes"}'
            yield entry.problem(key, message, at=("variables",))


def check_against_campaign(entry: Entry, context: Context) -> Iterator[Problem]:
    day = as_date(entry.values.get("date"))
    if day and context.start and context.end and not context.start <= day <= context.end:
        period = f"{context.start.isoformat()} au {context.end.isoformat()}"
        yield entry.problem("date", f"le {day.isoformat()} est hors de la campagne ({period})")
    phase = entry.text("phase")
    if phase and context.phases and phase not in context.phases:
        known = ", ".join(context.phases)
        yield entry.problem("phase", f"phase inconnue « {phase} » (phases : {known})")
    for place in as_list(entry.values.get("places")) or []:
        if SLUG.fullmatch(place) and place not in context.places:
            known = ", ".join(context.places)
            yield entry.problem("places", f"lieu inconnu « {place} » (lieux : {known})")


def check_languages(entry: Entry) -> Iterator[Problem]:
    single = entry.text("single_language")
    if single is not None and single not in LANGUAGES:
        return  # check_values reports it
    for language in (single,) if single else LANGUAGES:
        if entry.text(f"text.{language}") is None:
            hint = "" if single else " (ou indiquez single_language)"
            yield entry.problem(
                f"text.{language}", f"texte {LANGUAGE_NAMES[language]} manquant{hint}"
            )
    for language in LANGUAGES:
        if single and language != single and entry.text(f"text.{language}"):
            unused = f"le texte {LANGUAGE_NAMES[language]} ne sera pas utilisé"
            message = f"single_language vaut {single} : {unused}"
            yield entry.problem(f"text.{language}", message, "warning")


def check_channels(entry: Entry, context: Context) -> Iterator[Problem]:
    for language in LANGUAGES:
        text, sms = entry.text(f"text.{language}"), entry.text(f"sms.{language}")
        if text is None:
            continue
        with_media = entry.values.get(f"media.{language}") not in (None, "")
        for channel in context.channels:
            if message := channel_limit(channel, text, sms, with_media):
                key = f"sms.{language}" if channel == "sms" and sms else f"text.{language}"
                yield entry.problem(key, message, "warning" if channel == "sms" else "error")


def check_media(entry: Entry, context: Context) -> Iterator[Problem]:
    for language in LANGUAGES:
        value = entry.values.get(f"media.{language}")
        if value not in (None, "") and (message := media_problem(context.folder, value)):
            yield entry.problem(f"media.{language}", message)


def check_unique_ids(entries: Iterable[Entry]) -> Iterator[Problem]:
    first: dict[str, Entry] = {}
    for entry in entries:
        post_id = entry.text("id")
        if post_id is None:
            continue
        if post_id in first:
            file, where, _field = first[post_id].locate("id", ())
            yield entry.problem("id", f"identifiant « {post_id} » déjà utilisé ({file} {where})")
        else:
            first[post_id] = entry


def check_posts(entries: list[Entry], context: Context) -> list[Problem]:
    problems: list[Problem] = []
    for entry in entries:
        problems += check_values(entry)
        problems += check_templates(entry)
        problems += check_against_campaign(entry, context)
        problems += check_languages(entry)
        problems += check_channels(entry, context)
        problems += check_media(entry, context)
    problems += check_unique_ids(entries)
    return problems


# The campaign and kit sections of campaign.yaml.


def timezone_rule(value: object) -> str | None:
    try:
        ZoneInfo(as_text(value) or "")
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder, not a zone
        return f"fuseau horaire inconnu « {value} » (ex. Africa/Bamako)"
    return None


def count_rule(value: object) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return None
    return f"nombre entier positif attendu, pas « {value} »"


def kind_rule(kind: type, expected: str, also: tuple[object, ...] = ()) -> Rule:
    def rule(value: object) -> str | None:
        return None if isinstance(value, kind) or value in also else f"attendu : {expected}"

    return rule


def url_rule(value: object) -> str | None:
    if re.fullmatch(r"https?://\S+", as_text(value) or ""):
        return None
    return f"adresse invalide « {value} » : elle doit commencer par https://"


CAMPAIGN_RULES: dict[str, Rule] = {
    "slug": slug_rule,
    "name": text_rule,
    "hashtags": each(hashtag_rule),
    "start": date_rule,
    "end": date_rule,
    "timezone": timezone_rule,
    "channels": each(one_of(CHANNELS, "canal inconnu")),
    "fallback_language": one_of((*LANGUAGES, "none"), "langue inconnue"),
    "post_time": time_rule,
    "quiet_hours": kind_rule(dict, "{start: HH:MM, end: HH:MM} ou none", ("none",)),
    "max_gap_days": count_rule,
    "posts_per_week": kind_rule(dict, "{min: …, max: …}"),
    "places": each(slug_rule),
    "objectives": localized_rule,
    "audiences": localized_rule,
    "phases": kind_rule(list, "une liste de phases"),
    "posts_from": text_rule,
}
KIT_RULES: dict[str, Rule] = {
    **dict.fromkeys(("what", "who", "when", "why"), localized_rule),
    "accounts_to_follow": each(text_rule),
    "hashtags": each(hashtag_rule),
    "decision_makers": each(text_rule),
    "messages": kind_rule(dict, "une table plateforme → textes"),
    "links": kind_rule(list, "une liste de liens"),
}
PHASE_RULES: dict[str, Rule] = {"id": slug_rule, "name": localized_rule}
LINK_RULES: dict[str, Rule] = {"label": localized_rule, "url": url_rule}
TIME_RANGE_RULES: dict[str, Rule] = {"start": time_rule, "end": time_rule}
PER_WEEK_RULES: dict[str, Rule] = {"min": count_rule, "max": count_rule}


def value_at(data: object, path: YamlPath) -> object:
    for key in path:
        if isinstance(data, dict) and isinstance(key, str):
            data = data.get(key)
        elif isinstance(data, list) and isinstance(key, int) and key < len(data):
            data = data[key]
        else:
            return None
    return data


def unknown_keys(
    doc: YamlDoc, path: YamlPath, section: dict[str, object], known: Iterable[str]
) -> Iterator[Problem]:
    names = list(known)
    for key in section:
        if key not in names:
            close = difflib.get_close_matches(key, names, n=1)
            hint = f" (vouliez-vous dire « {close[0]} » ?)" if close else ""
            yield doc.problem((*path, key), f"clé inconnue{hint}")


def check_section(
    doc: YamlDoc, path: YamlPath, rules: dict[str, Rule], required: tuple[str, ...] = ()
) -> Iterator[Problem]:
    section = value_at(doc.data, path)
    if section is None:
        if required:
            yield doc.problem(path, "section obligatoire")
        return
    if not isinstance(section, dict):
        yield doc.problem(path, "table attendue (clé: valeur)")
        return
    yield from unknown_keys(doc, path, section, rules)
    for key in required:
        if section.get(key) in (None, ""):
            yield doc.problem((*path, key), "champ obligatoire")
    for key, rule in rules.items():
        value = section.get(key)
        if value is not None and (message := rule(value)):
            yield doc.problem((*path, key), message)


def check_items(
    doc: YamlDoc, path: YamlPath, rules: dict[str, Rule], required: tuple[str, ...]
) -> Iterator[Problem]:
    items = value_at(doc.data, path)
    for index in range(len(items) if isinstance(items, list) else 0):
        yield from check_section(doc, (*path, index), rules, required)


def _ordered(first: object, last: object) -> bool:
    low_day, high_day = as_date(first), as_date(last)
    if low_day and high_day:
        return low_day <= high_day
    if isinstance(first, int) and isinstance(last, int):
        return first <= last
    return True  # a malformed bound is reported on its own


def check_order(doc: YamlDoc, path: YamlPath, low: str, high: str, message: str) -> Problem | None:
    if _ordered(value_at(doc.data, (*path, low)), value_at(doc.data, (*path, high))):
        return None
    return doc.problem((*path, high), message)


def check_document(doc: YamlDoc) -> list[Problem]:
    """Everything in campaign.yaml but its posts (which check_posts judges as Entries)."""
    if not isinstance(doc.data, dict):
        return [doc.problem((), "campaign.yaml doit contenir les sections campaign, kit, posts")]
    problems = list(unknown_keys(doc, (), doc.data, ("campaign", "kit", "posts")))
    required = ("slug", "name", "start", "end", "phases")
    problems += check_section(doc, ("campaign",), CAMPAIGN_RULES, required)
    problems += check_items(doc, ("campaign", "phases"), PHASE_RULES, ("id", "name"))
    if value_at(doc.data, ("campaign", "quiet_hours")) != "none":
        problems += check_section(doc, ("campaign", "quiet_hours"), TIME_RANGE_RULES)
    problems += check_section(doc, ("campaign", "posts_per_week"), PER_WEEK_RULES)
    problems += check_section(doc, ("kit",), KIT_RULES)
    problems += check_items(doc, ("kit", "links"), LINK_RULES, ("label", "url"))
    messages = value_at(doc.data, ("kit", "messages"))
    for platform, texts in messages.items() if isinstance(messages, dict) else ():
        if message := slug_rule(platform) or localized_rule(texts):
            problems.append(doc.problem(("kit", "messages", platform), message))
    seen: set[object] = set()
    phases = value_at(doc.data, ("campaign", "phases"))
    for index, phase in enumerate(phases if isinstance(phases, list) else []):
        phase_id = value_at(phase, ("id",))
        if phase_id in seen:
            message = f"phase « {phase_id} » déclarée deux fois"
            problems.append(doc.problem(("campaign", "phases", index, "id"), message))
        seen.add(phase_id)
    orders = [
        (("campaign",), "start", "end", "la fin précède le début de la campagne"),
        (("campaign", "posts_per_week"), "min", "max", "max est plus petit que min"),
    ]
    problems += filter(None, (check_order(doc, *order) for order in orders))
    if not isinstance(doc.data.get("posts"), list | None):
        problems.append(doc.problem(("posts",), "liste de publications attendue"))
    return problems
