"""The pure retriever: normalisation, typos, SMS shorthand, confidence, speed."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from actions.core.faq.answer import default_retriever
from actions.core.faq.knowledge import FaqEntry, load_faq
from actions.core.faq.retriever import FaqMatch, FaqRetriever, Lexicon, _edit_distance, stem


@pytest.fixture(scope="module")
def retriever() -> FaqRetriever:
    return FaqRetriever(load_faq())


def confident_id(retriever: FaqRetriever, text: str) -> str | None:
    m = retriever.match(text)
    return m.entry.id if m.confident and m.entry else None


@pytest.mark.parametrize(
    ("word", "expected"),
    [("refills", "refill"), ("running", "run"), ("cancellation", "cancel"),
     ("pharmacies", "pharmacy"), ("changed", "chang"), ("change", "chang"), ("days", "day"),
     ("bus", "bus"), ("is", "is"), ("glass", "glass"), ("vaccines", "vaccin")],
)
def test_stemmer(word: str, expected: str) -> None:
    assert stem(word) == expected


def test_edit_distance_counts_transpositions_and_stops_early() -> None:
    assert _edit_distance("prak", "park", 2) == 1
    assert _edit_distance("insurence", "insurance", 2) == 1
    assert _edit_distance("parking", "billing", 1) == 2  # > limit: limit + 1


def test_lexicon_maps_phrases_words_and_drops_stop_words(retriever: FaqRetriever) -> None:
    words = retriever._content("Do u take BCBS? whats ur appt cost")
    assert words == ["take", "bluecross", "appointment", "cost"]
    assert retriever._content("X-ray after-hours walk in") == ["xray", "afterhours", "walkin"]


def test_lexicon_rejects_unquoted_yes_no(tmp_path: Path) -> None:
    path = tmp_path / "_synonyms.yml"
    path.write_text("stop_words: [a, no, the]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="quote yes/no/on/off"):
        Lexicon.load(path)


@pytest.mark.parametrize(
    ("text", "entry_id"),
    [
        # typos
        ("need a refil on my perscripton", "refill_request"),
        ("wher can i prak", "parking"),
        ("do you acept medicaid insurence", "insurance_accepted"),
        ("intepreter for my visit", "interpreters"),
        # SMS shorthand
        ("hrs?", "opening_hours"),
        ("r u open sat?", "weekend_hours"),
        ("parking?", "parking"),
        ("bcbs ok?", "insurance_accepted"),
        ("flu shot?", "flu_shot"),
        ("covid vax?", "covid_vaccine"),
        ("xray?", "imaging_xray"),
        ("appt no show fee?", "cancellation_policy"),
        # plain paraphrases
        ("which days are you closed for the holidays", "holiday_hours"),
        ("how do I change the pharmacy my prescriptions go to", "change_pharmacy"),
        ("can i get my immunization record printed", "vaccine_records"),
    ],
)
def test_confident_on_paraphrases_typos_and_shorthand(retriever: FaqRetriever, text: str,
                                                      entry_id: str) -> None:
    assert confident_id(retriever, text) == entry_id


@pytest.mark.parametrize(
    "text",
    [
        "what's the weather", "who won the game", "tell me a joke", "can you order me a pizza",
        "do you offer acupuncture", "can i bring my dog", "do you have a sleep clinic",
        "is there wifi in the waiting room", "can i get a massage", "what is the capital of France",
    ],
)
def test_never_confident_on_questions_the_faq_does_not_cover(retriever: FaqRetriever,
                                                              text: str) -> None:
    assert confident_id(retriever, text) is None


def test_nothing_matched_at_all() -> None:
    m = default_retriever().match("the and ?!")
    assert m == FaqMatch(entry=None, score=0.0, margin=0.0, confident=False)
    assert default_retriever().match("zzzz qqqq").entry is None


def test_scores_are_bounded_and_ranked(retriever: FaqRetriever) -> None:
    ranked = retriever.scores("how much does parking cost at northside")
    assert ranked and ranked[0].score >= ranked[-1].score
    assert all(0.0 <= s.score <= 1.0 and 0.0 <= s.coverage <= 1.0 for s in ranked)
    m = retriever.match("how much does parking cost at northside")
    assert m.margin == pytest.approx(ranked[0].score - ranked[1].score, abs=1e-3)
    assert 0.0 <= m.score <= 1.0


def _entry(entry_id: str, question: str, *alternates: str) -> FaqEntry:
    return FaqEntry(entry_id, "t", question, alternates, (), "An answer.", "Page",
                    "https://x.example/" + entry_id, None)


def test_a_close_runner_up_means_not_confident() -> None:
    twins = FaqRetriever([
        _entry("refill_a", "How do I get a refill?", "refill?", "refill please", "need a refill",
               "refill my pills"),
        _entry("refill_b", "Can I get a refill?", "refill", "refills?", "a refill", "refill now"),
        _entry("parking", "Where can I park?", "parking?", "car park", "parking lot", "garage"),
    ])
    m = twins.match("refill")
    assert m.entry is not None and m.entry.id.startswith("refill_")
    assert m.margin < 0.10
    assert not m.confident
    assert twins.match("where is the parking lot").confident


def test_unknown_words_lower_the_confidence(retriever: FaqRetriever) -> None:
    plain = retriever.match("can i bring my kids")
    diluted = retriever.match("can i bring my kids hamster iguana ferret")
    assert diluted.score < plain.score
    assert not diluted.confident


def test_works_with_any_entry_list() -> None:
    entries = [
        FaqEntry("a_parking", "t", "Where do I park?", ("parking?", "car lot", "park", "garage"),
                 (), "Behind the building.", "Parking", "https://x.example/p", None),
        FaqEntry("b_hours", "t", "When are you open?", ("hours?", "opening times", "open today",
                                                        "closing time"), (), "9 to 5.", "Hours",
                 "https://x.example/h", None),
    ]
    r = FaqRetriever(entries)
    assert r.match("where can I park my car").entry.id == "a_parking"
    assert r.match("what are your opening times").entry.id == "b_hours"


def test_default_retriever_is_loaded_once() -> None:
    assert default_retriever() is default_retriever()
    assert len(default_retriever().entries) == len(load_faq())


def test_fast_after_load(retriever: FaqRetriever) -> None:
    questions = [e.question for e in retriever.entries] + [
        "wat time u close on fridays", "do u take humana", "my video visit wont connect",
        "how do i get a copy of my kids immunization record for school",
    ]
    retriever.match("warm up")
    start = time.perf_counter()
    for q in questions:
        retriever.match(q + " please")
    per_query_ms = (time.perf_counter() - start) * 1000 / len(questions)
    assert per_query_ms < 5.0, per_query_ms
