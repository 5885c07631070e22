from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from kiz_bot.advisor import Advisor, Knowledge, ReplyKind, client_language
from kiz_bot.knowledge.loader import require_catalogue
from kiz_bot.knowledge.model import (
    Catalogue,
    Entry,
    EntryText,
    NotCovered,
    Partner,
    PartnerText,
    Topic,
)
from kiz_bot.knowledge.model import frozen_map as fm
from kiz_bot.matching.index import MatchIndex, MatchParams
from kiz_bot.matching.language import LanguageDetector
from kiz_bot.matching.result import Candidate, Confidence
from kiz_bot.settings import BUNDLED_FAQ_DIR
from kiz_bot.stats.events import Outcome

DAY = date(2026, 11, 25)


def text(question: str, answer: str, *alternatives: str, reviewed: bool = False) -> EntryText:
    return EntryText(question, answer, alternatives, reviewed=reviewed)


def tiny_catalogue() -> Catalogue:
    kita = Entry(
        "kita-registration",
        "early-childhood",
        fm(
            {
                "de": text(
                    "Wie melde ich mein Kind in der Kita an?",
                    "Beim Jugendamt.",
                    "Kita Anmeldung",
                    "Kindergartenplatz finden",
                    reviewed=True,
                ),
                "en": text(
                    "How do I register my child for a Kita?",
                    "At the youth office.",
                    "kindergarten place",
                    "daycare registration",
                ),
            }
        ),
        partners=("youth-welfare-office",),
    )
    fees = Entry(
        "kita-fees",
        "early-childhood",
        fm(
            {
                "de": text(
                    "Was kostet die Kita?",
                    "Das hängt vom Einkommen ab.",
                    "Kita Gebühren",
                    "Elternbeitrag Kita",
                    reviewed=True,
                ),
                "en": text("How much does a Kita cost?", "It depends on income.", "kita fees"),
                "tr": text("Kreş ne kadar?", "Gelire bağlı.", "kita ücreti"),
            }
        ),
        partners=("youth-welfare-office",),
    )
    partners = (
        Partner("youth-welfare-office", fm({"de": PartnerText("Jugendamt", "Kita")})),
        Partner(
            "integration-centre", fm({"de": PartnerText("KI", "Beratung")}), phone="0212 290 2225"
        ),
    )
    topic = Topic("early-childhood", "👶", fm({"de": "Kita"}))
    smalltalk = fm(
        {
            "greeting": fm({"de": ("hallo",), "tr": ("merhaba",)}),
            "thanks": fm({"de": ("danke",)}),
            "help": fm({"en": ("help",)}),
        }
    )
    return Catalogue(("de", "en", "tr"), (topic,), (kita, fees), partners, smalltalk)


# Thresholds for the two-entry catalogue; the bundled ones are tuned on the devset.
TINY = MatchParams(
    answer_threshold=0.5,
    answer_margin=0.1,
    choices_threshold=0.3,
    w_length=0.0,
    decline_margin=0.02,
    kind_penalty=0.0,
)


@pytest.fixture
def advisor() -> Advisor:
    built = Knowledge.build(tiny_catalogue())
    knowledge = Knowledge(built.catalogue, MatchIndex.build(built.catalogue, TINY), built.smalltalk)
    return Advisor(lambda: knowledge, LanguageDetector(("de", "en", "tr")), today=lambda: DAY)


def test_confident_question_gets_the_answer_with_partners_and_event(advisor: Advisor) -> None:
    reply = advisor.ask("Wie melde ich mein Kind in der Kita an?")
    assert reply.kind is ReplyKind.ANSWER
    assert reply.entry is not None
    assert reply.entry.id == "kita-registration"
    assert reply.language == "de"
    assert [p.id for p in reply.partners] == ["youth-welfare-office"]
    assert [(e.outcome, e.entry_id, e.topic, e.day) for e in reply.events] == [
        (Outcome.ANSWERED, "kita-registration", "early-childhood", DAY)
    ]
    assert not reply.unreviewed


@pytest.mark.parametrize(
    ("scores", "expected"),
    [((0.9, 0.5), Confidence.ANSWER), ((0.9, 0.85), Confidence.CHOICES),
     ((0.4, 0.1), Confidence.CHOICES), ((0.2, 0.1), Confidence.NONE), ((), Confidence.NONE)],
)  # fmt: skip
def test_scores_are_decided_by_threshold_and_margin(
    scores: tuple[float, ...], expected: Confidence
) -> None:
    index = MatchIndex.build(tiny_catalogue(), TINY)
    candidates = [Candidate(f"e{i}", score, "de") for i, score in enumerate(scores)]
    assert index.decide(candidates) is expected


@pytest.mark.parametrize(
    ("kind", "expected"),
    [(0.0, Confidence.ANSWER), (0.2, Confidence.ANSWER), (0.4, Confidence.CHOICES),
     (0.8, Confidence.NONE)],
)  # fmt: skip
def test_the_closer_a_kind_of_out_of_scope_question_the_more_evidence_an_answer_needs(
    kind: float, expected: Confidence
) -> None:
    index = MatchIndex.build(tiny_catalogue(), replace(TINY, kind_penalty=0.5))
    candidates = [Candidate("e0", 0.65, "de"), Candidate("e1", 0.3, "de")]
    assert index.decide(candidates, kind) is expected


def test_unrelated_question_is_not_found_and_refers_to_a_person(advisor: Advisor) -> None:
    reply = advisor.ask("Wie wird das Wetter morgen in Berlin?")
    assert reply.kind is ReplyKind.NOT_FOUND
    assert reply.entry is None
    assert "integration-centre" in [p.id for p in reply.partners]
    assert reply.events[0].outcome is Outcome.UNANSWERED
    assert reply.events[0].entry_id is None


@pytest.fixture
def declining() -> Advisor:
    salary = NotCovered(
        "salaries",
        fm({"de": ("Was verdient eine Erzieherin in der Kita?", "Gehalt Erzieherin Kita")}),
        partners=("youth-welfare-office",),
    )
    catalogue = replace(tiny_catalogue(), not_covered=(salary,))
    knowledge = Knowledge(catalogue, MatchIndex.build(catalogue, TINY), {})
    return Advisor(lambda: knowledge, LanguageDetector(("de", "en", "tr")), today=lambda: DAY)


def test_a_not_covered_question_is_declined_with_that_kinds_partners(declining: Advisor) -> None:
    reply = declining.ask("Wie viel verdient eine Erzieherin in einer Kita?")
    assert reply.kind is ReplyKind.NOT_FOUND
    assert reply.entry is None
    assert [p.id for p in reply.partners] == ["youth-welfare-office", "integration-centre"]
    assert [(e.outcome, e.entry_id) for e in reply.events] == [(Outcome.UNANSWERED, None)]
    assert "salaries" not in reply.ranked


def test_entries_are_still_answered_next_to_not_covered_kinds(declining: Advisor) -> None:
    reply = declining.ask("Was kostet die Kita?")
    assert reply.kind is ReplyKind.ANSWER
    assert reply.entry is not None
    assert reply.entry.id == "kita-fees"


def test_a_declined_match_names_the_kind_and_lists_entries_only() -> None:
    salary = NotCovered("salaries", fm({"de": ("Gehalt Erzieherin Kita",)}))
    index = MatchIndex.build(replace(tiny_catalogue(), not_covered=(salary,)), TINY)
    result = index.match("Gehalt Erzieherin Kita")
    assert result.confidence is Confidence.NONE
    assert result.declined is not None
    assert result.declined.entry_id == "salaries"
    assert "salaries" not in [c.entry_id for c in result.candidates]


@pytest.mark.parametrize(
    ("ranked", "expected"),
    [
        ((("kita-fees", 0.9), ("rival", 0.85)), Confidence.CHOICES),
        ((("kita-fees", 0.9), ("rival", 0.5)), Confidence.ANSWER),
        ((("rival", 0.9), ("kita-fees", 0.85)), Confidence.NONE),
    ],
)
def test_a_close_not_covered_kind_turns_an_answer_into_choices(
    monkeypatch: pytest.MonkeyPatch, ranked: tuple[tuple[str, float], ...], expected: Confidence
) -> None:
    rival = NotCovered("rival", fm({"de": ("Gehalt Erzieherin",)}))
    index = MatchIndex.build(replace(tiny_catalogue(), not_covered=(rival,)), TINY)
    candidates = tuple(Candidate(entry, score, "de") for entry, score in ranked)
    monkeypatch.setattr(index, "_scored", lambda text, related=(), last=None: candidates)
    result = index.match("any question")
    assert result.confidence is expected
    assert [c.entry_id for c in result.candidates] == ["kita-fees"]


def test_two_close_entries_are_offered_as_choices(advisor: Advisor) -> None:
    reply = advisor.ask("Kita Anmeldung oder Kita Gebühren")
    assert reply.kind is ReplyKind.CHOICES
    assert {e.id for e in reply.alternatives} == {"kita-registration", "kita-fees"}
    assert reply.events[0].outcome is Outcome.CHOICES


def test_missing_translation_falls_back_to_german_and_english(advisor: Advisor) -> None:
    reply = advisor.ask("Kita Anmeldung, Kindergartenplatz finden", chosen="tr")
    assert reply.kind is ReplyKind.ANSWER
    assert reply.entry is not None
    assert reply.entry.id == "kita-registration"
    assert reply.fallback
    assert [s.language for s in reply.shown] == ["de", "en"]
    assert reply.unreviewed  # the English text is not reviewed


def test_unreviewed_translation_is_marked(advisor: Advisor) -> None:
    reply = advisor.ask("How much does a Kita cost?")
    assert reply.language == "en"
    assert reply.unreviewed
    assert not reply.fallback


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("Hallo!", ReplyKind.GREETING),
        ("merhaba", ReplyKind.GREETING),
        ("Danke", ReplyKind.THANKS),
        ("help", ReplyKind.HELP),
        ("   ", ReplyKind.EMPTY),
        ("👍👍", ReplyKind.EMPTY),
    ],
)
def test_small_talk_gets_a_friendly_reply_not_an_entry(
    advisor: Advisor, message: str, kind: ReplyKind
) -> None:
    reply = advisor.ask(message)
    assert reply.kind is kind
    assert reply.entry is None
    assert reply.events == ()


def test_explicit_choice_wins_over_detection_and_client(advisor: Advisor) -> None:
    assert advisor.language_for("Wie melde ich mein Kind an?", chosen="tr", client="en") == "tr"


def test_confident_detection_wins_over_client_language(advisor: Advisor) -> None:
    assert advisor.language_for("Wie melde ich mein Kind in der Kita an?", client="en") == "de"


def test_client_language_used_when_detection_is_unsure(advisor: Advisor) -> None:
    assert advisor.language_for("Kita?", client="tr-TR") == "tr"


def test_source_language_when_nothing_is_known(advisor: Advisor) -> None:
    assert advisor.language_for("Kita?", client="ja") == "de"


def test_client_language_codes_are_negotiated() -> None:
    served = ("de", "en", "tr", "fa", "uk")
    assert client_language("uk-UA", served) == "uk"
    assert client_language("prs", served) == "fa"
    assert client_language("pt-BR", served) is None
    assert client_language("not a locale!", served) is None
    assert client_language(None, served) is None


def test_helpful_rating_records_helpful(advisor: Advisor) -> None:
    reply = advisor.rate("kita-fees", "en", helpful=True)
    assert reply is not None
    assert [e.outcome for e in reply.events] == [Outcome.HELPFUL]


def test_not_helpful_rating_refers_to_people(advisor: Advisor) -> None:
    reply = advisor.rate("kita-fees", "en", helpful=False)
    assert reply is not None
    assert reply.kind is ReplyKind.REFERRAL
    assert [p.id for p in reply.partners] == ["youth-welfare-office", "integration-centre"]
    outcomes = [(e.outcome, e.partner_id) for e in reply.events]
    assert outcomes == [
        (Outcome.NOT_HELPFUL, None),
        (Outcome.REFERRED, "youth-welfare-office"),
        (Outcome.REFERRED, "integration-centre"),
    ]


def test_unknown_entry_ids_are_refused_politely(advisor: Advisor) -> None:
    assert advisor.show("no-such-entry", "de") is None
    assert advisor.rate("no-such-entry", "de", helpful=True) is None


def test_contact_shows_the_integration_centre(advisor: Advisor) -> None:
    reply = advisor.contact("de")
    assert [p.phone for p in reply.partners] == ["0212 290 2225"]


@pytest.fixture(scope="module")
def bundled() -> Advisor:
    knowledge = Knowledge.build(require_catalogue(BUNDLED_FAQ_DIR))
    languages = knowledge.catalogue.languages
    return Advisor(lambda: knowledge, LanguageDetector(languages), today=lambda: DAY)


@pytest.mark.parametrize(
    ("question", "entry", "language"),
    [
        ("kita platz nasil bulurum", "kita-registration", "tr"),
        ("kak zapisat rebenka v shkolu", "school-enrolment-newcomers", "ru"),
        ("Kindergeld beantragen wie", "child-benefit", "de"),
        ("كيف أحصل على Kindergeld", "child-benefit", "ar"),
        (
            "Jestem elektrykiem, jak uznać moje kwalifikacje zawodowe?",
            "qualification-recognition",
            "pl",
        ),
        ("Як записатися на інтеграційний курс?", "integration-course", "uk"),
    ],
)
def test_bundled_knowledge_answers_real_phrasings_in_their_language(
    bundled: Advisor, question: str, entry: str, language: str
) -> None:
    reply = bundled.ask(question)
    shown = reply.entry or (reply.alternatives[0] if reply.alternatives else None)
    assert shown is not None
    assert shown.id == entry
    assert reply.language == language


def test_one_word_question_is_answered_or_offers_its_topic(bundled: Advisor) -> None:
    reply = bundled.ask("Kita?")
    shown = [reply.entry] if reply.entry else list(reply.alternatives)
    assert shown
    assert {e.topic for e in shown} == {"early-childhood"}


@pytest.mark.parametrize(
    "question",
    [
        "What will the weather be like tomorrow?",
        "Wer hat gestern das Fußballspiel gewonnen?",
        "рецепт борща",
    ],
)
def test_bundled_knowledge_does_not_answer_out_of_scope(bundled: Advisor, question: str) -> None:
    assert bundled.ask(question).kind is ReplyKind.NOT_FOUND


def test_core_packages_never_import_telegram() -> None:
    import ast

    root = Path(__file__).resolve().parents[2] / "kiz_bot"
    core = [p for p in root.rglob("*.py") if "bot" not in p.relative_to(root).parts[:1]]
    offenders = []
    for path in core:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] == "telegram"]
    assert core, "no core modules found"
    assert offenders == []


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("Kindergeld?", "de"),
        ("yak zapysaty dytynu do shkoly", "uk"),
        ("madrese baraye bachehaye taze vared", "fa"),
        ("kak zapisat rebenka v shkolu", "ru"),
        ("jak zapisac dziecko do szkoly", "pl"),
        ("cocugumu okula nasil kaydettiririm", "tr"),
    ],
)
def test_latin_letter_questions_are_answered_in_the_language_they_are_typed_in(
    bundled: Advisor, question: str, language: str
) -> None:
    assert bundled.ask(question).language == language


@pytest.mark.parametrize(
    ("client", "language"), [("uk", "uk"), ("ru", "ru"), ("de", "ru"), (None, "ru")]
)
def test_a_cyrillic_word_is_answered_in_russian_or_ukrainian_whatever_the_client(
    bundled: Advisor, client: str | None, language: str
) -> None:
    # "стипендия" is Russian spelling but also what a Ukrainian may type: the client decides.
    assert bundled.ask("стипендия", client=client).language == language


def test_german_terms_around_an_arabic_word_do_not_make_a_message_german(
    bundled: Advisor,
) -> None:
    assert bundled.ask("شو هي Schulpflicht؟").language == "ar"
    assert bundled.ask("Praktikum для школьника", client="de").language == "ru"


def test_an_unsure_guess_agreeing_with_the_matched_phrasing_decides_the_language(
    bundled: Advisor,
) -> None:
    # Too short for a confident detection alone; the phrasing it matched is Turkish too.
    assert bundled.ask("calisma izni").language == "tr"


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("kak poluchit kindergeld", "ru"),
        ("kindergeld chetori begiram", "fa"),
        ("dopomoha z pidtrymkoiu dlia dytyny z invalidnistiu v shkoli", "uk"),
    ],
)
def test_telling_words_of_a_transliteration_decide_its_language(
    bundled: Advisor, question: str, language: str
) -> None:
    assert bundled.ask(question).language == language


@pytest.mark.parametrize(
    ("question", "client", "language"),
    [
        # German terms with a few words of the client's language, met best by a phrasing
        # of a transliteration: the client and the detector's guess agree.
        ("what is ausbildung", "en", "en"),
        ("praktikum how do i get one", "en", "en"),
        ("Tagesmutter co to jest", "pl", "pl"),
        ("tagesmutter nasil bulunur", "tr", "tr"),
        # Telling words of a transliteration still decide against another client.
        ("yak zapysaty dytynu do shkoly", "en", "uk"),
        ("ebni bado mosa3ade bel wajibat", "de", "ar"),
    ],
)
def test_a_client_language_agreeing_with_the_detector_is_not_taken_for_a_transliteration(
    bundled: Advisor, question: str, client: str, language: str
) -> None:
    assert bundled.ask(question, client=client).language == language


def test_a_close_not_covered_kind_declines_even_below_the_candidates_shown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rival = NotCovered("rival", fm({"de": ("Gehalt Erzieherin",)}))
    index = MatchIndex.build(replace(tiny_catalogue(), not_covered=(rival,)), TINY)
    scores = (0.9, 0.899, 0.898, 0.897, 0.896)
    candidates = (
        *(Candidate(f"e{i}", score, "de") for i, score in enumerate(scores)),
        Candidate("rival", 0.89, "de"),
    )
    monkeypatch.setattr(index, "_scored", lambda text, related=(), last=None: candidates)
    result = index.match("any question")
    assert result.confidence is Confidence.NONE
    assert result.declined is not None
    assert result.declined.entry_id == "rival"
    assert len(result.candidates) == TINY.max_candidates
