"""The default ``tagger``: modality filter, seed article, no state change in predict, fit and save/load."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import newsml
from newsml.classify.tagger import FEATURES, WEIGHTS_DIR, NewsEventTagger, asserts, modality, topic_thresholds
from newsml.errors import ConfigError, InputError

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "seeds" / "000_7720f7d8ad8d4f8e.txt"


@pytest.fixture(scope="module")
def tagger():
    return newsml.get_classifier("tagger")


@pytest.mark.parametrize("sentence, kind", [
    ("The foreign ministry denied that it had expelled the ambassador.", "denial"),
    ("Officials dismissed the allegations of torture as baseless.", "denial"),
    ("Sanctions could be imposed if the talks fail.", "hypothetical"),
    ("The president threatened to sever diplomatic relations with Kyiv.", "hypothetical"),
    ("In 1998 the army was routed at the border.", "history"),
    ("Rebels had overrun the town three decades ago.", "history"),
    ("Mali severed diplomatic relations with Ukraine on Sunday.", None),
    ("Police arrested five suspects on Monday.", None),
    ("Elections will be held in May 2026.", None),
])
def test_modality_of_sentences(sentence, kind):
    assert modality(sentence) == kind
    assert asserts(sentence) is (kind is None)


@pytest.mark.parametrize("asserted, modal, topic", [
    ("Mali severed diplomatic relations with Ukraine on Sunday.",
     "Mali denied that it had severed diplomatic relations with Ukraine.", "diplomatic_rupture"),
    ("Rebels overran the army base and the soldiers retreated.",
     "In 1998 rebels overran the army base and the soldiers retreated.", "military_defeat"),
    ("The European Union imposed sanctions and froze the assets of ten officials.",
     "The European Union could impose sanctions and freeze the assets of ten officials.", "sanctions"),
])
def test_denied_hypothetical_and_historical_sentences_do_not_fire(tagger, asserted, modal, topic):
    j = list(tagger.classes_).index(topic)
    P = tagger.predict_proba([asserted, modal])
    assert P[0, j] > P[1, j]
    assert topic not in tagger.predict([modal])[0]


def test_threat_still_fires_on_a_threatened_act(tagger):
    text = "Russia threatened to cut diplomatic ties with Moldova and warned of retaliation."
    j, k = (list(tagger.classes_).index(t) for t in ("threat", "diplomatic_rupture"))
    P = tagger.predict_proba([text])[0]
    assert P[j] > P[k]
    assert "diplomatic_rupture" not in tagger.predict([text])[0]


def test_seed_article_keeps_its_topics_with_evidence(tagger):
    text = SEED.read_text()
    labels = tagger.predict([text])[0]
    assert {"diplomatic_rupture", "military_defeat", "accusation"} <= set(labels)
    assert not {"election", "protest", "coup"} & set(labels)
    ev = tagger.explain(text, top_k=1, labels=["diplomatic_rupture", "military_defeat", "accusation"])
    words = {"diplomatic_rupture": ("diplomatic", "ties", "relations"), "military_defeat": ("defeat", "losses"),
             "accusation": ("accus", "complicit", "support", "condemn")}
    for topic, cues in words.items():
        sentence = ev[topic][0].sentence.lower()
        assert any(c in sentence for c in cues), (topic, sentence)


def test_predict_sets_no_state(tagger):
    clf = NewsEventTagger()
    before = dict(vars(clf))
    clf.predict(["Troops clashed with rebels near the border."])
    assert vars(clf) == before  # learned attributes are read from the shipped default, never set
    for name in ("zero-shot", "keyword"):
        other = newsml.get_classifier(name)
        before = dict(vars(other))
        other.predict(["Troops clashed with rebels near the border."])
        assert vars(other).keys() == before.keys()


def test_shipped_weights_are_json_and_safetensors(tagger):
    meta = json.loads((WEIGHTS_DIR / "news_events.json").read_text())
    assert meta["features"] == FEATURES and meta["classes"] == list(tagger.classes_)
    assert (WEIGHTS_DIR / "news_events.safetensors").exists()
    assert tagger.distant_coef_.shape == (18, 384) and tagger.stack_coef_.shape == (len(FEATURES),)
    assert tagger.has_distant_.sum() >= 10  # most topics have mapped distant-supervision data


def test_fit_save_load_round_trip(tmp_path):
    texts = ["Troops clashed with rebels near the border.", "Police arrested two suspects over the bombing.",
             "Thousands marched in the capital to demand reforms.", "Shares rose on Monday.",
             "The ministers met in Geneva for talks.", "Rebels attacked a police post, killing four.",
             "Protesters rallied outside parliament.", "The court charged the former minister with fraud.",
             "Fighting broke out between the army and militias.", "The film topped the box office."]
    labels = [["armed_clash"], ["legal_action"], ["protest"], [], ["consultation"], ["insurgent_attack"],
              ["protest"], ["legal_action"], ["armed_clash"], []]
    clf = NewsEventTagger().fit(texts, labels)
    assert list(clf.classes_) == list(NewsEventTagger().classes_)  # all taxonomy topics
    assert np.abs(clf.lex_coef_).sum() > 0 and len(clf.lex_vocab_) == clf.lex_coef_.shape[1]
    assert 0 < clf.threshold_ < 1
    clf.save(tmp_path / "m")
    back = newsml.load_classifier(tmp_path / "m")
    np.testing.assert_allclose(back.predict_proba(texts[:3]), clf.predict_proba(texts[:3]), atol=1e-6)


def test_weights_that_do_not_fit_the_code_are_refused_with_the_file_named(tmp_path):
    import shutil

    for ext in (".json", ".safetensors"):
        shutil.copy(WEIGHTS_DIR / f"news_events{ext}", tmp_path / f"news_events{ext}")
    meta = json.loads((tmp_path / "news_events.json").read_text())
    meta["lex_vocab"] = meta["lex_vocab"][:-1]  # one term fewer than the lexical head's columns
    (tmp_path / "news_events.json").write_text(json.dumps(meta))
    with pytest.raises(ConfigError, match=r"news_events\.json.*lex_coef has .* columns.*train_tagger"):
        NewsEventTagger(weights=str(tmp_path)).predict(["Troops clashed at the border."])


def test_lexical_head_reads_words_and_ignores_unknown_text():
    from newsml.classify.tagger import fit_lexical_head, lexical_logits

    texts = ["the embassy summoned the envoy", "envoy summoned over remarks", "shares rose", "the film opened",
             "ministry summoned the ambassador", "rain fell"]
    Y = np.array([[1], [1], [0], [0], [1], [0]])
    head = fit_lexical_head(texts, Y)
    L = lexical_logits(head, ["they summoned the envoy", "completely unrelated words"])
    assert L[0, 0] > 0 and L[1, 0] == 0.0  # words carry evidence; no known word = no evidence either way
    empty = fit_lexical_head(["alpha beta", "gamma delta"], np.array([[1], [0]]))  # no term in 2 texts
    assert empty["vocab"] == [] and lexical_logits(empty, ["alpha"]).tolist() == [[0.0]]


def test_errors_name_the_problem(tmp_path):
    with pytest.raises(InputError, match="not topics of taxonomy"):
        NewsEventTagger().fit(["a text", "another"], [["war"], []])
    with pytest.raises(InputError, match="shape"):
        NewsEventTagger().fit_distant(np.zeros((3, 384)), np.zeros((3, 2)))
    with pytest.raises(ConfigError, match="does not exist"):
        NewsEventTagger(weights=str(tmp_path / "nope.json")).predict(["x"])


def test_one_batched_encode_per_call_each_sentence_once_and_bounded(monkeypatch):
    """predict on a list encodes all documents' sentences in one call of the tagger's own backend
    (ONNX int8 where available, never a second torch pass for the zero-shot features), each distinct
    sentence once, and at most ``max_sentences`` per document."""
    import newsml.encoders as enc
    from newsml.classify._vectors import CACHE

    calls = []
    real = enc.encode

    def spy(sentences, *args, **kwargs):  # records, then encodes for real
        calls.append((list(sentences), kwargs.get("backend", "torch"), kwargs.get("quantize", False)))
        return real(sentences, *args, **kwargs)

    monkeypatch.setattr(enc, "encode", spy)
    tag = "qzv" + str(len(CACHE))  # sentences no earlier test has cached
    long_doc = " ".join(f"Rebels attacked checkpoint {tag} number {i} near the border town." for i in range(15))
    short_doc = (f"Rebels attacked checkpoint {tag} number 0 near the border town. Police arrested {tag} suspects. "
                 "The army said fighters seized the district headquarters after a long night of heavy fighting in "
                 f"the hills, accusing the {tag} state of arming the rebels.")
    clf = NewsEventTagger(max_sentences=12, clauses=True)
    clf.predict([long_doc, short_doc])
    doc_calls = [c for c in calls if any(tag in s for s in c[0])]
    assert all(backend == clf.backend and q == clf.quantize for _, backend, q in calls)  # no torch pass
    encoded = [s for c in doc_calls for s in c[0]]
    assert len(encoded) == len(set(encoded))  # each distinct sentence (and clause) once
    assert len(doc_calls[0][0]) == 14  # 12 of the long document + the short one's 2 new sentences, one batch
    assert len(doc_calls) == 2 and len(doc_calls[1][0]) == 2  # then the two clauses of its long sentence
    assert not any(f"number {i} " in s for s in encoded for i in range(12, 15))  # bounded per document


def test_topic_thresholds_are_shrunk_towards_the_global_one():
    rng = np.random.default_rng(0)
    y_common = np.r_[np.ones(40), np.zeros(160)]
    p_common = np.where(y_common > 0, rng.uniform(0.72, 0.95, 200), rng.uniform(0.0, 0.68, 200))
    y_rare = np.zeros(200)
    y_rare[0] = 1
    p_rare = np.where(y_rare > 0, 0.9, rng.uniform(0.0, 0.85, 200))
    Y, P = np.c_[y_common, y_rare], np.c_[p_common, p_rare]
    free = topic_thresholds(Y, P, 0.3, shrink=0.0)
    assert 0.68 <= free[0] <= 0.72 and free[1] >= 0.8  # each topic's own best cut
    shrunk = topic_thresholds(Y, P, 0.3, shrink=10.0)
    assert shrunk[0] == pytest.approx((40 * free[0] + 10 * 0.3) / 50)  # 40 positives: mostly its own
    assert shrunk[1] == pytest.approx((free[1] + 10 * 0.3) / 11)  # 1 positive: stays near the global one
    texts = ["Troops clashed with rebels near the border.", "Police arrested two suspects over the bombing.",
             "Thousands marched in the capital to demand reforms.", "Shares rose on Monday."] * 3
    labels = [["armed_clash"], ["legal_action"], ["protest"], []] * 3
    clf = NewsEventTagger(topic_shrink=2.0).fit(texts, labels)
    assert clf.thresholds_.shape == (18,) and np.allclose(clf.thresholds_, clf.topic_threshold_)
