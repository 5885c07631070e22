"""Features: skeletons across scripts, batch encoding, and per-word caches that stay bounded."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from scipy import sparse

from kiz_bot.knowledge.model import frozen_map
from kiz_bot.matching.features import (
    BARE,
    WORD,
    WORD_CACHE,
    clear_caches,
    encode,
    encode_phrasings,
    skeletons,
    stem_features,
    token_features,
)
from kiz_bot.matching.index import MatchIndex
from kiz_bot.matching.normalize import fold_word, normalize
from kiz_bot.matching.postings import Postings
from tests.advisor.test_advisor import text as entry_text
from tests.advisor.test_advisor import tiny_catalogue


def texts_by_feature(postings: Postings) -> sparse.csr_matrix:
    """Return the texts x features matrix of features x texts posting lists, for checks."""
    matrix = sparse.csr_matrix((postings.data, postings.indices, postings.indptr), postings.shape)
    return matrix.T.tocsr()


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("madrase", "مدرسه"),  # Finglish and Persian
        ("el madrasa", "ال مدرسة"),  # Arabizi and Arabic
        ("zapysaty", "записати"),  # Latin Ukrainian
        ("sa7ib", "صاحب"),  # Arabizi digits: 7 is ha
        ("5edma", "خدمة"),  # 5 is kha
    ],
)
def test_latin_typing_shares_a_skeleton_with_the_native_script(typed: str, written: str) -> None:
    latin = {s for word in typed.split() for s in skeletons(fold_word(word))}
    native = {s for word in written.split() for s in skeletons(fold_word(word))}
    assert latin & native


def test_nine_is_tried_as_qaf_and_as_sad() -> None:
    assert set(skeletons(fold_word("9anon"))) == set(skeletons(fold_word("قانون"))) | {"snn"}
    assert set(skeletons(fold_word("9af"))) >= set(skeletons(fold_word("صف")))


def test_vowels_and_a_final_h_are_dropped_and_short_words_have_none() -> None:
    assert skeletons("madraseh") == ("mdrs",)
    assert skeletons("ya") == ()


def test_encoding_many_phrasings_at_once_equals_one_by_one() -> None:
    texts = [
        ("Wie melde ich mein Kind in der Kita an?", "de"),
        ("", "de"),
        ("كيفاش نسجل ولدي فالمدرسة؟", "ar"),
        ("kita kita kita", "tr"),
        ("Як записати дитину до школи", "uk"),
        ("🙂", "en"),
    ]
    together, normalized = encode_phrasings(texts, chunk=4)  # two chunks
    assert normalized == [normalize(text) for text, _ in texts]
    assert together.indptr.size == len(texts) + 1
    for i, (text, language) in enumerate(texts):
        keys, counts, kinds = together.text(i)
        alone = encode(text, query=False, language=language)
        assert keys.tolist() == alone[0].tolist()
        assert counts.tolist() == alone[1].tolist()
        assert kinds.tolist() == alone[2].tolist()


def test_postings_budgets_keep_the_heaviest_features_and_the_ranking(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kiz_bot.knowledge.loader import require_catalogue
    from kiz_bot.matching import index as index_module
    from kiz_bot.settings import BUNDLED_FAQ_DIR

    built = index_module.MatchIndex.build(require_catalogue(BUNDLED_FAQ_DIR))
    questions = {
        "Wie melde ich mein Kind in der Kita an?": "kita-registration",
        "kindergeld beantragen": "child-benefit",
        "kak zapisat rebenka v shkolu": "school-enrolment-newcomers",
    }
    # A budget far below what the bundled questions read: only cheap features get through.
    monkeypatch.setattr(index_module, "POSTINGS_BUDGET", 640)
    monkeypatch.setattr(index_module, "PHRASE_POSTINGS_BUDGET", 2_000)
    for question, entry in questions.items():
        assert built.rank(question, 3)[0].entry_id == entry


def test_arabic_words_with_and_without_the_article_share_a_stem() -> None:
    from kiz_bot.matching.features import STEM, encode

    def stems(word: str) -> set[int]:
        keys, _, kinds = encode(word, query=False, language="ar")
        return set(keys[kinds == STEM].tolist())

    assert stems("المدرسة") == stems("مدرسة") == stems("بالمدرسه")
    assert stems("الشهادة") == stems("شهادات")


def test_an_arabic_word_with_its_article_also_brings_the_word_without_it() -> None:
    keys, _, kinds = encode("بالكيتا", query=True)
    plain_keys, _, plain_kinds = encode("كيتا", query=True)
    assert keys[kinds == BARE].tolist() == plain_keys[plain_kinds == WORD].tolist()
    assert not (plain_kinds == BARE).any()


def test_a_question_with_the_article_is_covered_by_a_phrasing_without_it() -> None:
    catalogue = tiny_catalogue()
    kita, fees = catalogue.entries
    kita = replace(kita, texts=frozen_map({**kita.texts, "ar": entry_text("تسجيل كيتا", ".")}))
    fees = replace(fees, texts=frozen_map({**fees.texts, "ar": entry_text("كم تكلف روضة", ".")}))
    index = MatchIndex.build(replace(catalogue, entries=(kita, fees)))
    parts = index.components("بالكيتا", 2)
    assert parts is not None
    coverage = dict(zip(parts.entries.tolist(), parts.coverage.tolist(), strict=True))
    assert coverage[0] > 0  # "in the Kita" is covered by "Kita"
    assert coverage.get(1, 0.0) == 0.0
    assert parts.words == 1  # the word without its article is no second word


def test_the_per_word_caches_stay_bounded_however_many_new_words_arrive() -> None:
    clear_caches()
    rng = random.Random(7)
    for _ in range(WORD_CACHE + 500):
        typo = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(9))
        encode(f"kita {typo}", query=True)
    assert token_features.cache_info().currsize == WORD_CACHE
    assert stem_features.cache_info().currsize == WORD_CACHE
    assert fold_word.cache_info().currsize <= fold_word.cache_info().maxsize


def test_indexing_does_not_fill_the_per_word_caches_of_messages() -> None:
    clear_caches()
    index = MatchIndex.build(tiny_catalogue())
    assert token_features.cache_info().currsize == 0
    assert stem_features.cache_info().currsize == 0
    assert index.match("Kita Anmeldung").best is not None


def test_each_phrasing_and_document_is_the_unit_tf_idf_vector_of_its_own_features() -> None:
    import numpy as np

    index = MatchIndex.build(tiny_catalogue())
    weight = index.idf * index.group

    def unit(keys: np.ndarray, counts: np.ndarray) -> dict[int, float]:
        columns = np.searchsorted(index.vocabulary, keys)
        values = (1 + np.log(counts)) * weight[columns]
        values = values / np.linalg.norm(values)
        return {int(c): float(v) for c, v in zip(columns, values, strict=True) if v > 0}

    def row(matrix: object, i: int) -> dict[int, float]:
        found = matrix[i]  # type: ignore[index]
        return dict(zip(found.indices.tolist(), found.data.tolist(), strict=True))

    documents = texts_by_feature(index.documents_t)
    phrases = texts_by_feature(index.phrases_t)
    for i, phrase in enumerate(index.phrases):
        keys, counts, _ = encode(phrase.text, query=False, language=phrase.language)
        assert row(phrases, i) == pytest.approx(unit(keys, counts))
    for d, language in enumerate(index.document_language):
        entry = int(np.searchsorted(index.document_starts, d, side="right")) - 1
        members = [p for p in index.phrases if p.entry == entry and p.language == language]
        summed: dict[int, float] = {}
        for p in members:
            keys, counts, _ = encode(p.text, query=False, language=language)
            for key, count in zip(keys.tolist(), counts.tolist(), strict=True):
                summed[key] = summed.get(key, 0.0) + count
        keys = np.asarray(sorted(summed), dtype=np.int64)
        counts = np.asarray([summed[k] for k in sorted(summed)], dtype=np.float32)
        assert row(documents, d) == pytest.approx(unit(keys, counts))


@pytest.mark.parametrize("question", ["Kita Anmeldung", "kita fees how much", "kreş ücreti"])
def test_the_best_phrasing_score_is_the_highest_cosine_with_the_question(question: str) -> None:
    import numpy as np

    index = MatchIndex.build(tiny_catalogue())
    query = index._query(question)
    parts = index.components(question, 2)
    assert query is not None
    assert parts is not None
    vector = np.zeros(index.vocabulary.size, dtype=np.float32)
    vector[query.rows] = query.weights
    cosines = texts_by_feature(index.phrases_t) @ vector * index.phrase_factor
    for entry, best in zip(parts.entries.tolist(), parts.phrase.tolist(), strict=True):
        members = index.entry_phrases[entry]
        assert best == pytest.approx(float(cosines[members].max()), abs=1e-6)
