"""Read faq/*.yaml into a validated Catalogue, collecting every problem with file and line."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from kiz_bot.knowledge.html_check import TELEGRAM_LIMIT, html_problems
from kiz_bot.knowledge.model import (
    Catalogue,
    Entry,
    EntryText,
    NotCovered,
    Partner,
    PartnerText,
    SourceRef,
    Topic,
    frozen_map,
)
from kiz_bot.knowledge.problems import KnowledgeError, Problem, Severity, errors_in
from kiz_bot.knowledge.yaml_source import MarkedMap, YamlSyntaxError, line_of, read_yaml

TOPICS_FILE = "topics.yaml"
PARTNERS_FILE = "partners.yaml"
SMALLTALK_FILE = "smalltalk.yaml"
NOT_COVERED_FILE = "not-covered.yaml"
STALE_AFTER = timedelta(days=365)
DEFAULT_LANGUAGES = ("de", "en", "tr", "ar", "uk", "ru", "fa", "pl")
# Room for the question heading, the review mark and partner names around an answer.
RENDER_OVERHEAD = 400
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

ENTRY_KEYS = {"id", "partners", "last_reviewed", "needs_review", "texts"}
TEXT_KEYS = {"question", "alternatives", "keywords", "answer", "links", "reviewed"}
PARTNER_KEYS = {
    "id",
    "website",
    "phone",
    "email",
    "address",
    "languages_spoken",
    "needs_review",
    "texts",
}
PARTNER_TEXT_KEYS = {"name", "helps_with"}
TOPIC_KEYS = {"id", "emoji", "names"}
NOT_COVERED_KEYS = {"id", "partners", "texts"}
SMALLTALK_KINDS = {"greeting", "thanks", "help"}


@dataclass
class _Context:
    """Problems found so far and the file being read."""

    root: Path
    today: date
    problems: list[Problem] = field(default_factory=list)
    file: str = ""

    def add(
        self, node: Any, key: str | int | None, message: str, code: str, *, error: bool
    ) -> None:
        severity = Severity.ERROR if error else Severity.WARNING
        self.problems.append(Problem(severity, self.file, line_of(node, key), message, code))

    def error(self, node: Any, key: str | int | None, message: str, code: str) -> None:
        self.add(node, key, message, code, error=True)

    def warn(self, node: Any, key: str | int | None, message: str, code: str) -> None:
        self.add(node, key, message, code, error=False)


def _read(path: Path, ctx: _Context) -> Any:
    ctx.file = path.relative_to(ctx.root).as_posix() if path.is_relative_to(ctx.root) else str(path)
    try:
        return read_yaml(path.read_text(encoding="utf-8"))
    except YamlSyntaxError as exc:
        ctx.problems.append(
            Problem(Severity.ERROR, ctx.file, exc.line, f"YAML syntax error: {exc.reason}", "yaml")
        )
    except UnicodeDecodeError:
        ctx.problems.append(
            Problem(Severity.ERROR, ctx.file, 1, "the file is not UTF-8 text", "encoding")
        )
    except Exception as exc:
        ctx.problems.append(Problem(Severity.ERROR, ctx.file, 1, f"cannot read: {exc}", "yaml"))
    return None


def _unknown_keys(node: MarkedMap, allowed: set[str], what: str, ctx: _Context) -> None:
    for key in node:
        if key not in allowed:
            hint = ", ".join(sorted(allowed))
            ctx.error(node, key, f"unknown key {key!r} in {what} (allowed: {hint})", "unknown-key")


def _text(node: MarkedMap, key: str, what: str, ctx: _Context, *, required: bool) -> str:
    value = node.get(key)
    if value is None:
        if required:
            ctx.error(node, None, f"{what} is missing {key!r}", "missing-field")
        return ""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        ctx.error(node, key, f"{key!r} in {what} must be text", "type")
        return ""
    text = str(value).strip()
    if required and not text:
        ctx.error(node, key, f"{key!r} in {what} is empty", "empty")
    return text


def _texts(node: MarkedMap, key: str, what: str, ctx: _Context) -> tuple[str, ...]:
    value = node.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        return (value.strip(),) if value.strip() else ()
    if not isinstance(value, list):
        ctx.error(node, key, f"{key!r} in {what} must be a list", "type")
        return ()
    items = []
    for index, item in enumerate(value):
        if (
            not isinstance(item, str | int | float)
            or isinstance(item, bool)
            or not str(item).strip()
        ):
            ctx.error(value, index, f"item {index + 1} of {key!r} in {what} must be text", "type")
            continue
        items.append(str(item).strip())
    return tuple(items)


def _item_id(node: MarkedMap, allowed: set[str], what: str, ctx: _Context) -> str:
    """Check an item's keys and return its id, which must be lower-case words and -."""
    _unknown_keys(node, allowed, what, ctx)
    item_id = _text(node, "id", what, ctx, required=True)
    if item_id and not _ID.match(item_id):
        ctx.error(node, "id", f"id {item_id!r}: use lower-case words and -", "id")
    return item_id


def _needs_review(node: MarkedMap) -> str | None:
    value = node.get("needs_review")
    if value in (None, False, ""):
        return None
    return "needs review" if value is True else str(value)


def _languages(node: Any, ctx: _Context) -> tuple[str, ...]:
    value = node.get("languages") if isinstance(node, MarkedMap) else None
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        ctx.error(node, "languages", "topics.yaml needs 'languages: [de, en, ...]'", "languages")
        return ("de",)
    return tuple(str(v) for v in value)


def _names(
    node: Any, key: str, what: str, languages: tuple[str, ...], ctx: _Context
) -> dict[str, str]:
    value = node.get(key)
    if not isinstance(value, MarkedMap):
        ctx.error(node, None, f"{what} needs '{key}' with one text per language", "missing-field")
        return {}
    names: dict[str, str] = {}
    for language, text in value.items():
        if language not in languages:
            ctx.error(value, language, f"language {language!r} is not configured", "language")
        elif not isinstance(text, str) or not text.strip():
            ctx.error(value, language, f"{what} has an empty {key} in {language!r}", "empty")
        else:
            names[language] = text.strip()
    missing = [lang for lang in languages if lang not in names]
    if missing:
        ctx.warn(node, key, f"{what} has no {key} in {', '.join(missing)}", "missing-translation")
    return names


def _load_topics(root: Path, ctx: _Context) -> tuple[tuple[str, ...], list[Topic]]:
    path = root / TOPICS_FILE
    if not path.is_file():
        ctx.file = TOPICS_FILE
        ctx.problems.append(
            Problem(Severity.ERROR, TOPICS_FILE, 1, "topics.yaml is missing", "missing-file")
        )
        return ("de",), []
    data = _read(path, ctx)
    if data is None:
        return ("de",), []
    languages = _languages(data, ctx)
    topics: list[Topic] = []
    seen: set[str] = set()
    for node in data.get("topics") or []:
        if not isinstance(node, MarkedMap):
            ctx.error(data, "topics", "each topic must be a mapping with id, emoji, names", "type")
            continue
        _unknown_keys(node, TOPIC_KEYS, "a topic", ctx)
        topic_id = _text(node, "id", "a topic", ctx, required=True)
        if topic_id in seen:
            ctx.error(node, "id", f"topic id {topic_id!r} is defined twice", "duplicate-id")
        seen.add(topic_id)
        names = _names(node, "names", f"topic {topic_id!r}", languages, ctx)
        emoji = _text(node, "emoji", f"topic {topic_id!r}", ctx, required=False)
        topics.append(Topic(topic_id, emoji, frozen_map(names)))
    return languages, topics


def _load_partners(root: Path, languages: tuple[str, ...], ctx: _Context) -> list[Partner]:
    path = root / PARTNERS_FILE
    if not path.is_file():
        ctx.problems.append(
            Problem(Severity.ERROR, PARTNERS_FILE, 1, "partners.yaml is missing", "missing-file")
        )
        return []
    data = _read(path, ctx)
    if data is None:
        return []
    partners: list[Partner] = []
    for node in data.get("partners") or []:
        if not isinstance(node, MarkedMap):
            ctx.error(data, "partners", "each partner must be a mapping", "type")
            continue
        _unknown_keys(node, PARTNER_KEYS, "a partner", ctx)
        partner_id = _text(node, "id", "a partner", ctx, required=True)
        what = f"partner {partner_id!r}"
        texts: dict[str, PartnerText] = {}
        for language, text_node, raw_texts in _language_nodes(node, what, languages, ctx):
            if not isinstance(text_node, MarkedMap):
                ctx.error(
                    raw_texts, language, f"{what} {language}: needs name and helps_with", "type"
                )
                continue
            _unknown_keys(text_node, PARTNER_TEXT_KEYS, f"{what} ({language})", ctx)
            name = _text(text_node, "name", f"{what} ({language})", ctx, required=True)
            helps = _text(text_node, "helps_with", f"{what} ({language})", ctx, required=True)
            texts[language] = PartnerText(name, helps)
        if languages[0] not in texts:
            ctx.error(node, "texts", f"{what} has no text in {languages[0]!r}", "missing-field")
        missing = [lang for lang in languages if lang not in texts]
        if missing and languages[0] in texts:
            ctx.warn(
                node, "texts", f"{what} has no text in {', '.join(missing)}", "missing-translation"
            )
        needs_review = _needs_review(node)
        if needs_review:
            ctx.warn(node, "needs_review", f"{what} needs review: {needs_review}", "needs-review")
        partners.append(
            Partner(
                id=partner_id,
                texts=frozen_map(texts),
                website=_text(node, "website", what, ctx, required=False) or None,
                phone=_text(node, "phone", what, ctx, required=False) or None,
                email=_text(node, "email", what, ctx, required=False) or None,
                address=_text(node, "address", what, ctx, required=False) or None,
                languages_spoken=_texts(node, "languages_spoken", what, ctx),
                needs_review=needs_review,
                source=SourceRef(ctx.file, line_of(node)),
            )
        )
    return partners


def _language_nodes(
    node: MarkedMap, what: str, languages: tuple[str, ...], ctx: _Context
) -> list[tuple[str, Any, MarkedMap]]:
    """Return the per-language texts of an entry or partner; report unconfigured languages."""
    raw_texts = node.get("texts")
    if not isinstance(raw_texts, MarkedMap):
        ctx.error(node, None, f"{what} needs 'texts' per language", "missing-field")
        return []
    found = []
    for language, text_node in raw_texts.items():
        if language in languages:
            found.append((str(language), text_node, raw_texts))
        else:
            message = f"{what}: language {language!r} is not configured"
            ctx.error(raw_texts, language, message, "language")
    return found


def _entry_text(node: Any, what: str, ctx: _Context) -> EntryText | None:
    if not isinstance(node, MarkedMap):
        ctx.error(node, None, f"{what} must be a mapping with question and answer", "type")
        return None
    _unknown_keys(node, TEXT_KEYS, what, ctx)
    question = _text(node, "question", what, ctx, required=True)
    answer = _text(node, "answer", what, ctx, required=True)
    for problem in html_problems(answer):
        ctx.error(node, "answer", f"{what}: invalid HTML in the answer: {problem}", "html")
    if len(question) + len(answer) + RENDER_OVERHEAD > TELEGRAM_LIMIT:
        ctx.error(
            node,
            "answer",
            f"{what}: the answer is too long for one Telegram message "
            f"({len(answer)} characters; keep it under {TELEGRAM_LIMIT - RENDER_OVERHEAD})",
            "too-long",
        )
    reviewed = node.get("reviewed", False)
    if not isinstance(reviewed, bool):
        ctx.error(node, "reviewed", f"{what}: 'reviewed' must be true or false", "type")
        reviewed = False
    return EntryText(
        question=question,
        answer=answer,
        alternatives=_texts(node, "alternatives", what, ctx),
        keywords=_texts(node, "keywords", what, ctx),
        links=_texts(node, "links", what, ctx),
        reviewed=bool(reviewed),
    )


def _last_reviewed(node: MarkedMap, what: str, ctx: _Context) -> date | None:
    value = node.get("last_reviewed")
    if value is None:
        ctx.warn(node, None, f"{what} has no last_reviewed date", "stale")
        return None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            ctx.error(node, "last_reviewed", f"{what}: last_reviewed must be YYYY-MM-DD", "type")
            return None
    if not isinstance(value, date):
        ctx.error(node, "last_reviewed", f"{what}: last_reviewed must be YYYY-MM-DD", "type")
        return None
    if ctx.today - value > STALE_AFTER:
        ctx.warn(node, "last_reviewed", f"{what} was last reviewed on {value}", "stale")
    return value


def _load_entries(
    path: Path, languages: tuple[str, ...], topics: set[str], ctx: _Context
) -> list[Entry]:
    data = _read(path, ctx)
    if data is None:
        return []
    if not isinstance(data, MarkedMap):
        ctx.error(data, None, "a topic file needs 'topic:' and 'entries:'", "type")
        return []
    _unknown_keys(data, {"topic", "entries"}, "a topic file", ctx)
    topic = _text(data, "topic", "the file", ctx, required=True)
    if topic and topic not in topics:
        ctx.error(data, "topic", f"unknown topic {topic!r} (not in topics.yaml)", "unknown-topic")
    entries: list[Entry] = []
    raw_entries = data.get("entries")
    if not isinstance(raw_entries, list):
        ctx.error(data, None, "the file needs a list 'entries:'", "missing-field")
        return []
    for node in raw_entries:
        if not isinstance(node, MarkedMap):
            ctx.error(raw_entries, None, "each entry must be a mapping", "type")
            continue
        entry_id = _item_id(node, ENTRY_KEYS, "an entry", ctx)
        what = f"entry {entry_id!r}"
        texts: dict[str, EntryText] = {}
        raw = node.get("texts")
        raw_texts: dict[Any, Any] = raw if isinstance(raw, MarkedMap) else {}
        for language, text_node, _ in _language_nodes(node, what, languages, ctx):
            text = _entry_text(text_node, f"{what} ({language})", ctx)
            if text is not None:
                texts[language] = text
        if raw_texts and languages[0] not in raw_texts:
            ctx.error(
                node,
                "texts",
                f"{what} has no text in the source language {languages[0]!r}",
                "missing-field",
            )
        missing = [lang for lang in languages if lang not in raw_texts]
        if missing:
            ctx.warn(
                node,
                "texts",
                f"{what} is not translated into {', '.join(missing)}",
                "missing-translation",
            )
        unreviewed = [lang for lang, t in texts.items() if not t.reviewed]
        if unreviewed:
            ctx.warn(
                node, "texts", f"{what}: not yet reviewed in {', '.join(unreviewed)}", "unreviewed"
            )
        needs_review = _needs_review(node)
        if needs_review:
            ctx.warn(node, "needs_review", f"{what} needs review: {needs_review}", "needs-review")
        partners = _texts(node, "partners", what, ctx)
        entries.append(
            Entry(
                id=entry_id,
                topic=topic,
                texts=frozen_map(texts),
                partners=partners,
                last_reviewed=_last_reviewed(node, what, ctx),
                needs_review=needs_review,
                source=SourceRef(ctx.file, line_of(node)),
            )
        )
        ctx.problems.extend(_partner_problems(node, partners, ctx))
    return entries


def _partner_problems(node: MarkedMap, partners: tuple[str, ...], ctx: _Context) -> list[Problem]:
    # Partner references are checked after all partners are known; remember where they are.
    ctx.pending_refs.append((ctx.file, line_of(node, "partners"), partners))  # type: ignore[attr-defined]
    return []


def _load_smalltalk(
    root: Path, languages: tuple[str, ...], ctx: _Context
) -> dict[str, dict[str, tuple[str, ...]]]:
    path = root / SMALLTALK_FILE
    if not path.is_file():
        return {}
    data = _read(path, ctx)
    if not isinstance(data, MarkedMap):
        return {}
    _unknown_keys(data, SMALLTALK_KINDS, "smalltalk.yaml", ctx)
    result: dict[str, dict[str, tuple[str, ...]]] = {}
    for kind, by_language in data.items():
        if not isinstance(by_language, MarkedMap):
            ctx.error(data, kind, f"{kind!r} needs phrases per language", "type")
            continue
        result[kind] = {}
        for language in by_language:
            if language not in languages:
                ctx.error(
                    by_language, language, f"language {language!r} is not configured", "language"
                )
                continue
            result[kind][language] = _texts(by_language, language, f"{kind} ({language})", ctx)
    return result


def _load_not_covered(root: Path, languages: tuple[str, ...], ctx: _Context) -> list[NotCovered]:
    path = root / NOT_COVERED_FILE
    if not path.is_file():
        return []
    data = _read(path, ctx)
    if data is None:
        return []
    if not isinstance(data, MarkedMap) or not isinstance(data.get("not_covered"), list):
        ctx.error(data, None, f"{NOT_COVERED_FILE} needs a list 'not_covered:'", "missing-field")
        return []
    kinds: list[NotCovered] = []
    for node in data["not_covered"]:
        if not isinstance(node, MarkedMap):
            ctx.error(data, "not_covered", "each item must be a mapping with id and texts", "type")
            continue
        kind_id = _item_id(node, NOT_COVERED_KEYS, "a not-covered item", ctx)
        what = f"not-covered {kind_id!r}"
        examples = {
            language: _texts(raw_texts, language, f"{what} ({language})", ctx)
            for language, _, raw_texts in _language_nodes(node, what, languages, ctx)
        }
        missing = [lang for lang in languages if not examples.get(lang)]
        if missing and examples:
            ctx.warn(
                node,
                "texts",
                f"{what} has no examples in {', '.join(missing)}",
                "missing-translation",
            )
        partners = _texts(node, "partners", what, ctx)
        _partner_problems(node, partners, ctx)
        kinds.append(
            NotCovered(kind_id, frozen_map(examples), partners, SourceRef(ctx.file, line_of(node)))
        )
    return kinds


def load_catalogue(
    root: Path, today: date | None = None
) -> tuple[Catalogue | None, tuple[Problem, ...]]:
    """Load and check a knowledge-base folder; the catalogue is None when there are errors."""
    ctx = _Context(root=root, today=today or date.today())  # noqa: DTZ011 - a local calendar day
    ctx.pending_refs = []  # type: ignore[attr-defined]
    if not root.is_dir():
        problem = Problem(
            Severity.ERROR, str(root), 1, "the knowledge-base folder does not exist", "missing-file"
        )
        return None, (problem,)
    languages, topics = _load_topics(root, ctx)
    partners = _load_partners(root, languages, ctx)
    _check_duplicates(((p.id, p.source) for p in partners), "partner", ctx)
    smalltalk = _load_smalltalk(root, languages, ctx)
    not_covered = _load_not_covered(root, languages, ctx)
    topic_ids = {t.id for t in topics}
    entries: list[Entry] = []
    special = {TOPICS_FILE, PARTNERS_FILE, SMALLTALK_FILE, NOT_COVERED_FILE}
    for path in sorted(root.glob("*.yaml")) + sorted(root.glob("*.yml")):
        if path.name not in special:
            entries.extend(_load_entries(path, languages, topic_ids, ctx))
    # Entries and not-covered kinds share one namespace: the matcher ranks them together.
    _check_duplicates(
        [(e.id, e.source) for e in entries] + [(n.id, n.source) for n in not_covered],
        "entry",
        ctx,
    )
    # Entries follow the topic order of topics.yaml (menus, export), then file order.
    topic_order = {t.id: n for n, t in enumerate(topics)}
    entries.sort(key=lambda e: topic_order.get(e.topic, len(topic_order)))
    known_partners = {p.id for p in partners}
    for file, line, refs in ctx.pending_refs:  # type: ignore[attr-defined]
        for ref in refs:
            if ref not in known_partners:
                ctx.problems.append(
                    Problem(
                        Severity.ERROR,
                        file,
                        line,
                        f"unknown partner {ref!r} (not in partners.yaml)",
                        "unknown-partner",
                    )
                )
    problems = tuple(ctx.problems)
    if errors_in(problems):
        return None, problems
    catalogue = Catalogue(
        languages=languages,
        topics=tuple(topics),
        entries=tuple(entries),
        partners=tuple(partners),
        smalltalk=frozen_map({k: frozen_map(v) for k, v in smalltalk.items()}),
        not_covered=tuple(not_covered),
    )
    return catalogue, problems


def _check_duplicates(
    items: Iterable[tuple[str, SourceRef | None]], what: str, ctx: _Context
) -> None:
    first: dict[str, SourceRef | None] = {}
    for item_id, source in items:
        if item_id in first:
            where = f" (first defined at {first[item_id]})" if first[item_id] else ""
            file, line = (source.file, source.line) if source else ("?", 1)
            ctx.problems.append(
                Problem(
                    Severity.ERROR,
                    file,
                    line,
                    f"{what} id {item_id!r} is defined twice{where}",
                    "duplicate-id",
                )
            )
        else:
            first[item_id] = source


def configured_languages(root: Path) -> tuple[str, ...]:
    """Return the languages listed in topics.yaml, without checking anything else."""
    try:
        data = read_yaml((root / TOPICS_FILE).read_text(encoding="utf-8"))
        languages = data["languages"]
    except Exception:
        return DEFAULT_LANGUAGES
    if not isinstance(languages, list) or not all(isinstance(x, str) for x in languages):
        return DEFAULT_LANGUAGES
    return tuple(languages) or DEFAULT_LANGUAGES


def require_catalogue(root: Path, today: date | None = None) -> Catalogue:
    """Load a knowledge base or raise KnowledgeError with every problem."""
    catalogue, problems = load_catalogue(root, today)
    if catalogue is None:
        raise KnowledgeError(problems)
    return catalogue


def as_mapping(problems: Iterable[Problem]) -> list[Mapping[str, object]]:
    """Return problems as plain data."""
    return [p.as_dict() for p in problems]
