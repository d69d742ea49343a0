"""The keyword tagger: cues, negation, hedging, evidence, learned cues, save/load."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone

import newsml
from newsml.classify.keyword import KeywordClassifier, learn_cue_words, match_weight
from newsml.taxonomy import compile_cue, load_taxonomy

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_7720f7d8ad8d4f8e.txt"


@pytest.fixture(scope="module")
def kw():
    return KeywordClassifier()


def test_prefitted_from_taxonomy(kw):
    assert kw.predict_proba(["x."]).shape == (1, 18)
    assert "diplomatic_rupture" in kw.classes_
    assert len(kw.classes_) == 18 and kw.multi_label_


def test_seed_article_labels_and_evidence(kw):
    text = SEED.read_text()
    labels = kw.predict([text])[0]
    assert {"diplomatic_rupture", "military_defeat", "accusation"} <= set(labels)
    assert not {"election", "protest", "coup"} & set(labels)
    ev = kw.explain(text, top_k=1)
    assert "severed diplomatic relations" in ev["diplomatic_rupture"][0].sentence
    cues = {m["label"]: m["cue"] for m in kw.matches(text)}
    assert cues["diplomatic_protest"].lower().startswith("summoned")


@pytest.mark.parametrize("sentence", [
    "The ministry denied that it had expelled the diplomats.",
    "Officials said they had not severed ties with Paris.",
    "There was no coup, the army insisted.",
    "The government ruled out a ceasefire.",
])
def test_negation_cancels_the_match(kw, sentence):
    assert kw.predict([sentence]) == [[]]
    assert kw.sentence_weights([sentence]).max() == 0.0


def test_hedged_event_is_not_asserted_but_threat_is(kw):
    s = "The president threatened to cut diplomatic ties with Rwanda."
    W = dict(zip(kw.classes_, kw.sentence_weights([s])[0]))
    assert W["diplomatic_rupture"] == pytest.approx(0.3)
    assert W["threat"] == 1.0  # the hedge word is this topic's own cue
    assert kw.predict([s]) == [["threat"]]
    # attributed claims still count
    assert "accusation" in kw.predict(["According to the army, the rebels accused the government of lying."])[0]


def test_switches_change_behaviour():
    s = "The ministry denied that it had expelled the diplomats."
    assert KeywordClassifier(negation=False).predict([s]) == [["diplomatic_rupture"]]
    h = "The president could cut diplomatic ties with Rwanda."
    assert KeywordClassifier(hedging=False).predict([h]) == [["diplomatic_rupture"]]


def test_scores_grow_with_supporting_sentences(kw):
    one = kw.predict_proba(["Rebels attacked the base."])[0]
    two = kw.predict_proba(["Rebels attacked the base. Jihadists claimed responsibility."])[0]
    j = list(kw.classes_).index("insurgent_attack")
    assert one[j] == pytest.approx(0.6) and two[j] == pytest.approx(0.84)


def test_match_weight_and_learned_cues():
    assert match_weight("Kenya expelled diplomats.", [compile_cue("expel* diplomat*")]) == (1.0, "expelled diplomats")
    words = learn_cue_words(["troops clashed", "troops fired", "shares rose"], np.array([1, 1, 0]), 3)
    assert words[0] == "troops" and "shares" not in words


def test_fit_on_new_labels_learns_cues_single_label():
    texts = ["Troops clashed with rebels.", "Rebels shelled the town.", "Shares rose on Monday.",
             "Stocks and shares fell.", "The striker scored twice.", "The striker missed a penalty."]
    labels = ["war", "war", "markets", "markets", "sport", "sport"]
    clf = KeywordClassifier(multi_label=False).fit(texts, labels)
    assert list(clf.classes_) == ["markets", "sport", "war"]
    assert "rebels" in clf.cues_["war"]
    assert clf.predict(["Rebels attacked.", "Shares jumped.", "A striker signed."]) == ["war", "markets", "sport"]
    np.testing.assert_allclose(clf.predict_proba(texts).sum(1), 1.0, atol=1e-5)


def test_taxonomy_labels_keep_taxonomy_cues_after_fit():
    clf = KeywordClassifier().fit(["Mali cut ties with Kyiv.", "Voters went to the polls."],
                                  [["diplomatic_rupture"], ["election"]])
    assert clf.cues_["election"] == list(load_taxonomy()["election"].cues)
    assert clf.predict(["The country severed diplomatic relations."]) == [["diplomatic_rupture"]]


def test_save_load_and_clone(kw, tmp_path):
    texts = [SEED.read_text(), "The cup final ended 2-1."]
    kw.save(tmp_path / "kw")
    again = newsml.load_classifier(tmp_path / "kw")
    assert isinstance(again, KeywordClassifier)
    np.testing.assert_allclose(again.predict_proba(texts), kw.predict_proba(texts))
    assert clone(kw).get_params() == kw.get_params()


def test_user_taxonomy_file(tmp_path):
    p = tmp_path / "weather.yaml"
    p.write_text("name: weather\ntopics:\n  - id: flood\n    name: flood\n    definition: Water covers land.\n"
                 "    cues: [flood*, burst ... banks]\n  - id: drought\n    name: drought\n"
                 "    definition: No rain.\n    cues: [drought]\n")
    clf = newsml.get_classifier("keyword", taxonomy=str(p))
    assert clf.predict(["The river burst its banks overnight."]) == [["flood"]]


# ------------------------------------------------------------------ fast cue matching (CueMatcher)
def _reference_weights(sentences, cue_lists, **opts):
    """The plain per-topic, per-pattern loop that CueMatcher must reproduce exactly."""
    pats = [[compile_cue(c) for c in cues] for cues in cue_lists]
    W = np.zeros((len(sentences), len(pats)), dtype=np.float32)
    for i, s in enumerate(sentences):
        for j, p in enumerate(pats):
            if p:
                W[i, j] = match_weight(s, p, **opts)[0]
    return W


TRICKY_CUES = [["war", "warn*", "cease-fire", "re:\\bcoups?\\b"], ["expel* ... diplomat*", "démarche"],
               ["threaten* to", "cut* ... ties"], ["cut* ties with", "strike*"], []]
TRICKY = [
    "A ceasefire was agreed.", "The cease fire held.", "The CEASE-FIRE collapsed.", "They warned of war.",
    "The army staged a coup.", "No coups here.", "Kenya ex\u017fpelled nobody but expelled two diplomats.",
    "They did not expel the diplomats.", "He threatened to cut ties with Paris.", "He could cut ties with Paris.",
    "A démarche was delivered.", "A DÉMARCHE was delivered.", "Workers went on \u017fTRIKE.",
    "Workers went on \u212a strike.", "Nothing happened at all.", "", "warwarn warning",
    "The \u0130STANBUL strike", "Strikes; no war", "They rejected the cease-fire but warned of war.",
]


def test_cue_matcher_equals_the_plain_loop():
    from newsml.classify.keyword import CueMatcher

    m = CueMatcher(TRICKY_CUES)
    for opts in ({}, {"negation": False}, {"hedging": False}, {"hedge_weight": 0.5}):
        np.testing.assert_array_equal(m.weights(TRICKY, **opts), _reference_weights(TRICKY, TRICKY_CUES, **opts))
    pats = m.patterns
    for s in TRICKY:
        for j in range(len(TRICKY_CUES)):
            assert m.match(s, j) == match_weight(s, pats[j])
    assert m.weights(["The cease fire held."])[0, 0] == 1.0  # hyphen cue still matches its variants


def test_cue_matcher_equals_the_plain_loop_on_taxonomy_sentences():
    """Random sentences built from the taxonomy's own cue words, negators and hedges."""
    import random

    from newsml.classify.keyword import cue_matcher

    tax = load_taxonomy()
    cue_lists = [list(tax[t].cues) for t in tax.ids]
    words = sorted({w.strip("*") for cues in cue_lists for c in cues if not c.startswith("re:")
                    for w in c.split() if w != "..."})
    words += ["not", "denied", "could", "threatened", "to", "the", "and", ",", "IS", "ISIS", "aid", "Coup",
              "army", "defeated", "fierce", "fighting", "protest", "ambassador", "\u212aILLED", "Stri\u017fe"]
    rng = random.Random(7)
    sents = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 14))) for _ in range(300)]
    sents = [s.capitalize() if i % 3 else s.upper() for i, s in enumerate(sents)]
    W = cue_matcher(cue_lists).weights(sents)
    np.testing.assert_array_equal(W, _reference_weights(sents, cue_lists))
    assert (W > 0).any(axis=1).mean() > 0.3  # the test exercises real matches


def test_regex_cues_are_prefiltered_by_their_literals_without_missing_a_match():
    """``re:`` cues are keyed by the literals their regex requires; the weights stay those of the plain loop."""
    import random

    from newsml.classify.keyword import CueMatcher, _required_literals

    tax = load_taxonomy()
    cue_lists = [[c for c in tax[t].cues if c.startswith("re:")] for t in tax.ids]
    keyed = [c for cues in cue_lists for c in cues if _required_literals(c)]
    assert len(keyed) >= 0.9 * sum(map(len, cue_lists))  # nearly all regex cues get a prefilter
    words = sorted({w for c in keyed for lit in _required_literals(c) for w in lit.split()})
    words += ["the", "were", "was", "by", "to", "of", "not", "a", "an", "their", "would", "will", "face", "that",
              "protesters", "arrested", "militants", "attacked", "backed", "killed", "offensive", "repelled",
              "food", "ruled", "warned", "military", "band", "humanitarian", "supplies", "IS", "JNIM", "world bank"]
    rng = random.Random(11)
    sents = [" ".join(rng.choice(words) for _ in range(rng.randint(2, 12))) for _ in range(600)]
    sents = [s.capitalize() if i % 4 else s.upper() for i, s in enumerate(sents)]
    m = CueMatcher(cue_lists)
    assert not m._always or len(m._always) <= 0.1 * sum(map(len, cue_lists))
    W = m.weights(sents)
    np.testing.assert_array_equal(W, _reference_weights(sents, cue_lists))
    assert (W > 0).any(axis=1).mean() > 0.1  # the test exercises real regex matches


def test_cue_matcher_is_cached_and_classifier_state_untouched(kw):
    from newsml.classify.keyword import cue_matcher

    before = dict(vars(kw))
    kw.predict(["Mali severed diplomatic relations with Ukraine."])
    assert vars(kw) == before
    assert kw._matcher() is kw._matcher()
    assert cue_matcher([["a*"], ["b"]]) is not cue_matcher([["a*"], ["c"]])


def test_fold_table_known_characters():
    import re

    from newsml.classify.keyword import _FOLD

    for code, letter in _FOLD.items():
        assert re.fullmatch(letter, chr(code), re.IGNORECASE)
        assert chr(code).lower() != letter or code == 0x212A


@pytest.mark.slow
def test_fold_table_is_complete():
    from newsml.classify.keyword import _FOLD, _fold_table_from_re

    assert _fold_table_from_re() == _FOLD
