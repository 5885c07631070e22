"""The transport-free conversation core: a question in, an immutable Reply out."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from pathlib import Path

from babel import Locale, UnknownLocaleError

from kiz_bot.knowledge.model import Catalogue, Entry, EntryText, NotCovered, Partner
from kiz_bot.matching.index import MatchIndex
from kiz_bot.matching.language import Detection, LanguageDetector
from kiz_bot.matching.normalize import normalize
from kiz_bot.matching.result import Confidence, MatchResult
from kiz_bot.matching.transliteration import transliterated_language
from kiz_bot.small_talk import SmallTalk, find_small_talk, small_talk_table
from kiz_bot.stats.events import Outcome, TopicEvent

CONTACT_PARTNER = "integration-centre"
SECOND_LANGUAGE = "en"
TRANSLITERATION_MIN_WORDS = 3
TRANSLITERATION_MAX_PROBABILITY = 0.9995
TELLING_WORDS_OVER_DETECTION = 2  # telling words of a transliteration that beat a sure guess


class ReplyKind(StrEnum):
    """What kind of reply the adapter has to render."""

    ANSWER = "answer"
    CHOICES = "choices"
    NOT_FOUND = "not_found"
    REFERRAL = "referral"
    GREETING = "greeting"
    THANKS = "thanks"
    HELP = "help"
    EMPTY = "empty"


_SMALLTALK = {"greeting": ReplyKind.GREETING, "thanks": ReplyKind.THANKS, "help": ReplyKind.HELP}


@dataclass(frozen=True, slots=True)
class ShownText:
    """An entry text to show, with its language."""

    language: str
    text: EntryText


@dataclass(frozen=True, slots=True)
class Reply:
    """Everything an adapter needs to answer, and the statistics to record."""

    kind: ReplyKind
    language: str
    entry: Entry | None = None
    shown: tuple[ShownText, ...] = ()
    fallback: bool = False
    unreviewed: bool = False
    alternatives: tuple[Entry, ...] = ()
    partners: tuple[Partner, ...] = ()
    score: float = 0.0
    events: tuple[TopicEvent, ...] = ()
    ranked: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Examined:
    """The costly part of answering a question: its detected language and the match.

    Computed by `Advisor.examine`, possibly in another process; `Advisor.ask` takes it.
    """

    detection: Detection
    result: MatchResult


@dataclass(frozen=True, slots=True)
class Conversation:
    """What the advisor may remember of one chat between two messages: the last entry shown.

    Only an entry id, never the family's words; adapters keep it in memory for the chat.
    """

    last_entry: str | None = None

    def after(self, reply: Reply) -> Conversation:
        """Return the conversation after a reply: an entry shown becomes the subject."""
        if reply.kind is ReplyKind.ANSWER and reply.entry is not None:
            return Conversation(reply.entry.id)
        return self


@dataclass(frozen=True, slots=True)
class Knowledge:
    """A catalogue together with its search index; replaced whole on reload."""

    catalogue: Catalogue
    index: MatchIndex
    smalltalk: Mapping[str, SmallTalk] = field(default_factory=dict)

    @classmethod
    def build(cls, catalogue: Catalogue, cache: Path | None = None) -> Knowledge:
        """Index a catalogue and its small-talk phrases (the index kept in cache, if given)."""
        return cls(catalogue, MatchIndex.build(catalogue, cache=cache), small_talk_table(catalogue))


def client_language(code: str | None, languages: tuple[str, ...]) -> str | None:
    """Map a client language code such as 'uk-UA' or 'prs' onto a served language."""
    if not code:
        return None
    if code.lower().replace("_", "-").split("-")[0] == "prs":
        code = "fa"  # Dari is written and read as Persian; CLDR has no separate locale data
    try:
        locale = Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return None
    return locale.language if locale.language in languages else None


class Advisor:
    """Answers questions from the current knowledge; knows nothing about Telegram."""

    def __init__(
        self,
        knowledge: Callable[[], Knowledge],
        detector: LanguageDetector,
        today: Callable[[], date] = date.today,
    ) -> None:
        self._knowledge = knowledge
        self._detector = detector
        self._today = today

    @property
    def catalogue(self) -> Catalogue:
        """Return the catalogue currently in use."""
        return self._knowledge().catalogue

    @property
    def knowledge(self) -> Knowledge:
        """Return the knowledge currently in use (replaced whole on reload)."""
        return self._knowledge()

    def language_for(self, text: str, chosen: str | None = None, client: str | None = None) -> str:
        """Pick the reply language: choice, then confident detection, then client, then source."""
        return self._language(text, chosen, client)[0]

    def _language(
        self,
        text: str,
        chosen: str | None,
        client: str | None,
        detection: Detection | None = None,
        small_talk: str | None = None,
    ) -> tuple[str, Detection | None]:
        """Return the reply language and the detection it rests on, if any.

        `small_talk` is the language of a small-talk phrase in the message ("merhaba"):
        too short for the detector, it is taken before the source language.
        """
        languages = self.catalogue.languages
        if chosen in languages:
            return chosen, None
        detection = detection or self._detector.detect(text)
        if detection.confident and detection.language in languages:
            return detection.language, detection
        client_choice = client_language(client, languages)
        if detection.candidates:
            # The letters leave a few languages (Cyrillic: Russian or Ukrainian); the client's
            # language decides among them, else the detector's best guess.
            if client_choice in detection.candidates:
                return client_choice, detection
            if detection.language in languages:
                return detection.language, detection
        return client_choice or small_talk or self.catalogue.source_language, detection

    def examine(self, text: str, conversation: Conversation | None = None) -> Examined:
        """Detect a question's language and match it: the costly part of `ask`."""
        knowledge = self._knowledge()
        return Examined(self._detector.detect(text), self._match(text, conversation, knowledge))

    def ask(
        self,
        text: str,
        chosen: str | None = None,
        client: str | None = None,
        conversation: Conversation | None = None,
        examined: Examined | None = None,
    ) -> Reply:
        """Answer a free-text question, a short one in the light of the conversation.

        `examined` is what `examine` returned for the same text and conversation, when it
        was done elsewhere (in the bot: in a worker process); else it is done here.
        """
        knowledge = self._knowledge()
        detected = examined.detection if examined else None
        said = normalize(text)
        small = find_small_talk(said, knowledge.smalltalk)
        hint = small.language if small else None
        language, detection = self._language(text, chosen, client, detected, hint)
        if not said:
            return Reply(ReplyKind.EMPTY, language)
        if small is not None and small.whole:
            return Reply(_SMALLTALK[small.kind], language)
        if examined is not None:
            result = examined.result
        else:
            result = self._match(text, conversation, knowledge)
        if small is not None and result.confidence is Confidence.NONE and not result.declined:
            return Reply(_SMALLTALK[small.kind], language)  # "thank you so much"
        if detection is not None:
            signed = transliterated_language(said, knowledge.index.latin_signatures)
            language = self._transliteration_language(said, detection, result, language, signed)
        return self._reply_for(result, language, knowledge.catalogue)

    @staticmethod
    def _match(text: str, conversation: Conversation | None, knowledge: Knowledge) -> MatchResult:
        """Match a text in the light of the conversation's last entry and its topic."""
        last_id = conversation.last_entry if conversation else None
        last = knowledge.catalogue.entry(last_id) if last_id else None
        if last is None:
            return knowledge.index.match(text)
        related = tuple(e.id for e in knowledge.catalogue.entries_in(last.topic))
        return knowledge.index.match(text, related=related, last=last.id)

    def show(self, entry_id: str, language: str) -> Reply | None:
        """Show an entry picked from the menu or a did-you-mean button."""
        catalogue = self.catalogue
        entry = catalogue.entry(entry_id)
        if entry is None:
            return None
        return self._answer(entry, language, catalogue, score=1.0)

    def rate(self, entry_id: str, language: str, *, helpful: bool) -> Reply | None:
        """Record a rating; a 'not helpful' leads to a referral to a person."""
        catalogue = self.catalogue
        entry = catalogue.entry(entry_id)
        if entry is None:
            return None
        outcome = Outcome.HELPFUL if helpful else Outcome.NOT_HELPFUL
        events = [self._event(language, outcome, entry)]
        if helpful:
            return Reply(ReplyKind.THANKS, language, entry=entry, events=tuple(events))
        partners = self._partners(entry, catalogue, with_contact=True)
        events += [self._event(language, Outcome.REFERRED, entry, p.id) for p in partners]
        return Reply(
            ReplyKind.REFERRAL, language, entry=entry, partners=partners, events=tuple(events)
        )

    def contact(self, language: str) -> Reply:
        """Return the integration centre's card."""
        partner = self.catalogue.partner(CONTACT_PARTNER)
        partners = (partner,) if partner else ()
        return Reply(ReplyKind.REFERRAL, language, partners=partners)

    def _reply_for(self, result: MatchResult, language: str, catalogue: Catalogue) -> Reply:
        entries = [catalogue.entry(c.entry_id) for c in result.candidates]
        found = [e for e in entries if e is not None]
        ranked = tuple(e.id for e in found)
        score = result.best.score if result.best else 0.0
        if result.confidence is Confidence.ANSWER and found:
            reply = self._answer(found[0], language, catalogue, score=score)
            return replace(reply, ranked=ranked)
        if result.confidence is Confidence.CHOICES and found:
            event = self._event(language, Outcome.CHOICES, found[0])
            return Reply(
                ReplyKind.CHOICES,
                language,
                alternatives=tuple(found[:3]),
                score=score,
                events=(event,),
                ranked=ranked,
            )
        # A question of a kind the centre does not cover goes to that kind's partners.
        declined = catalogue.not_covered_kind(result.declined.entry_id) if result.declined else None
        partners = self._partners(declined, catalogue, with_contact=True)
        return Reply(
            ReplyKind.NOT_FOUND,
            language,
            partners=partners,
            score=score,
            events=(self._event(language, Outcome.UNANSWERED, None),),
            ranked=ranked,
        )

    def _answer(self, entry: Entry, language: str, catalogue: Catalogue, score: float) -> Reply:
        own = entry.texts.get(language)
        if own is not None:
            shown: tuple[ShownText, ...] = (ShownText(language, own),)
        else:
            fallback_languages = dict.fromkeys([catalogue.source_language, SECOND_LANGUAGE])
            shown = tuple(
                ShownText(lang, entry.texts[lang])
                for lang in fallback_languages
                if lang in entry.texts
            )
        partners = self._partners(entry, catalogue, with_contact=False)
        events = [self._event(language, Outcome.ANSWERED, entry)]
        return Reply(
            ReplyKind.ANSWER,
            language,
            entry=entry,
            shown=shown,
            fallback=own is None,
            unreviewed=any(not s.text.reviewed for s in shown),
            partners=partners,
            score=score,
            events=tuple(events),
        )

    def _partners(
        self, entry: Entry | NotCovered | None, catalogue: Catalogue, *, with_contact: bool
    ) -> tuple[Partner, ...]:
        ids = list(entry.partners) if entry else []
        if with_contact and CONTACT_PARTNER not in ids:
            ids.append(CONTACT_PARTNER)
        found = (catalogue.partner(i) for i in ids)
        return tuple(p for p in found if p is not None)

    def _transliteration_language(
        self,
        said: str,
        detection: Detection,
        result: MatchResult,
        language: str,
        signed: tuple[str | None, int] = (None, 0),
    ) -> str:
        """Answer Latin-letter Russian, Ukrainian, Arabic or Persian in that language.

        `signed` is the language whose telling words (kiz_bot/matching/transliteration.py)
        the message uses, and how many: one decides an unsure detection, two a sure one.
        """
        telling, count = signed
        decisive = count >= TELLING_WORDS_OVER_DETECTION or (count and not detection.confident)
        if detection.script == "latin" and telling in self.catalogue.languages and decisive:
            return telling
        best = result.best
        if best is None or result.confidence is Confidence.NONE:
            return language
        native_latin = best.language in {"de", "en", "tr", "pl"}
        # The detector's unsure guess and the language of the phrasing that matched agree.
        agree = best.language == detection.language and len(said.split()) >= 2
        if detection.script == "latin" and not detection.confident and agree:
            return best.language
        # One or two Latin words are usually German terms ("Kindergeld", "Kita Anmeldung")
        # that every language's phrasings contain: no evidence of a transliteration.
        sentence = len(said.split()) >= TRANSLITERATION_MIN_WORDS
        # Latin-letter Ukrainian or Persian often looks like Polish or Turkish to the detector,
        # but rarely with the near-certainty that real Polish or Turkish sentences get.
        unsure = detection.probability < TRANSLITERATION_MAX_PROBABILITY
        # Without telling words, the client's language agreeing with the detector's guess
        # outweighs the language of the best phrasing: "what is ausbildung" from an English
        # client met a Ukrainian phrasing best, and is English all the same.
        agreed = telling is None and language == detection.language
        if detection.script == "latin" and sentence and not native_latin and unsure and not agreed:
            return best.language
        return language

    def _event(
        self, language: str, outcome: Outcome, entry: Entry | None, partner: str | None = None
    ) -> TopicEvent:
        return TopicEvent(
            day=self._today(),
            language=language,
            outcome=outcome,
            topic=entry.topic if entry else None,
            entry_id=entry.id if entry else None,
            partner_id=partner,
        )
