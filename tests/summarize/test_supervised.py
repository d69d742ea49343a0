"""The supervised summariser: oracle labels, features, fit, save/load, the shipped model."""

from __future__ import annotations

import numpy as np
import pytest

import newsml
from newsml.data.article import split_document
from newsml.errors import InputError, ModelLoadError, NotFittedError
from newsml.summarize import load_summarizer
from newsml.summarize.supervised import BASE_FEATURES, SupervisedSummarizer, greedy_oracle, sentence_features

# (article, reference) pairs written by the newsml team: the key fact is always in a long sentence
# that is NOT first, after a short scene-setting opener, so a model must learn more than position.
PAIRS = [
    ("It was a cold morning. Rebels seized the northern town of Kidal after a night of heavy fighting "
     "with government troops. Shops stayed shut. Residents fled.",
     "Rebels seized Kidal after heavy fighting with troops."),
    ("The day began quietly. Parliament passed the national budget after a long and bitter debate "
     "over fuel subsidies. Some members left early. It rained.",
     "Parliament passed the budget after a debate on fuel subsidies."),
    ("Crowds gathered early. Police fired tear gas at thousands of protesters demanding the release "
     "of the jailed opposition leader. Traffic was slow. Schools closed.",
     "Police fired tear gas at protesters demanding the opposition leader's release."),
    ("Nobody expected it. The central bank raised interest rates by half a point to fight "
     "inflation that reached a ten-year high. Markets were calm. Analysts shrugged.",
     "The central bank raised rates to fight inflation at a ten-year high."),
    ("Talks started late. The two neighbours signed a ceasefire agreement ending months of "
     "border clashes that killed dozens of soldiers. Journalists waited outside. Dinner followed.",
     "The neighbours signed a ceasefire ending months of border clashes."),
    ("Skies were grey. Floodwaters destroyed hundreds of homes across the delta and forced "
     "thousands of families into temporary camps. Roads were closed. Help arrived.",
     "Floods destroyed hundreds of homes and displaced thousands of families."),
]


def test_greedy_oracle_picks_the_covering_sentences():
    sents = ["The weather was mild.", "Rebels seized the town of Kidal.", "Troops fled the town of Kidal.",
             "A market opened."]
    assert greedy_oracle(sents, "Rebels seized Kidal and troops fled.", 2) == [1, 2]
    assert greedy_oracle(sents, "Rebels seized Kidal.", 3) == [1]
    assert greedy_oracle(sents, "", 3) == []


def test_features_shape_and_meaning(toy_text):
    from newsml.summarize.base import _Doc

    sents, firsts = split_document(toy_text)
    F = sentence_features(_Doc(sents, "Floods in Kenya", firsts))
    assert F.shape == (len(sents), len(BASE_FEATURES))
    col = {n: i for i, n in enumerate(BASE_FEATURES)}
    assert F[0, col["pos0"]] == 1 and F[1, col["pos0"]] == 0
    assert F[0, col["title_overlap"]] > 0 and F[:, col["has_title"]].all()
    assert F[4, col["attribution"]] == 0
    assert np.all(np.isfinite(F))


def test_features_are_the_same_on_original_and_tokenised_form():
    from newsml.summarize.base import _Doc
    from newsml.summarize.supervised import canonical_sentence

    orig = ["Rebels didn't hold the town of Kidal, the army said on Monday.",
            'A spokesman called it "a great day," and added that troops were safe.',
            "It's the third town the army has taken this year."]
    tok = ["rebels did n't hold the town of kidal , the army said on monday .",
           'a spokesman called it " a great day , " and added that troops were safe .',
           "it 's the third town the army has taken this year ."]
    assert [canonical_sentence(s) for s in orig] == tok
    assert [canonical_sentence(s) for s in tok] == tok  # idempotent on the training form
    F_orig = sentence_features(_Doc(orig, "Army takes Kidal", [True, False, False]))
    F_tok = sentence_features(_Doc(tok, "army takes kidal", [True, False, False]))
    np.testing.assert_allclose(F_orig, F_tok)


def test_fit_learns_beyond_position_and_round_trips(tmp_path):
    texts, refs = [p[0] for p in PAIRS], [p[1] for p in PAIRS]
    model = SupervisedSummarizer(model="logistic", pretrained=None, lead_prior=0.0).fit(texts, refs)
    assert model.n_train_docs_ == len(PAIRS) and len(model.feature_names_) == len(BASE_FEATURES)
    new = ("The sun rose. Engineers restored power to the capital after a blackout that lasted "
           "three days and closed hospitals. People cheered. Birds sang.")
    s = model.summarize([new], max_sentences=1)[0]
    assert s.sentences == [1]
    assert model.set_params(lead_prior=50.0).summarize([new], max_sentences=1)[0].sentences == [0]
    model.set_params(lead_prior=0.0)
    model.save(tmp_path / "sup")
    back = load_summarizer(tmp_path / "sup")
    assert isinstance(back, SupervisedSummarizer)
    assert np.allclose(back.summarize([new])[0].scores, model.summarize([new])[0].scores)
    assert (tmp_path / "sup" / "weights.safetensors").exists()
    assert not list((tmp_path / "sup").glob("*.pkl"))


def test_mlp_variant_fits_and_saves(tmp_path):
    texts, refs = [p[0] for p in PAIRS] * 3, [p[1] for p in PAIRS] * 3
    model = SupervisedSummarizer(model="mlp", hidden=8, pretrained=None).fit(texts, refs)
    assert len(model.weights_) == 2
    model.save(tmp_path / "mlp")
    back = load_summarizer(tmp_path / "mlp")
    doc = PAIRS[0][0]
    assert np.allclose(back.summarize([doc])[0].scores, model.summarize([doc])[0].scores)


def test_errors():
    with pytest.raises(NotFittedError, match="fit"):
        SupervisedSummarizer(pretrained=None).summarize(["One. Two."])
    with pytest.raises(InputError, match="summaries"):
        SupervisedSummarizer(pretrained=None).fit(["a b c."], [])
    with pytest.raises(ModelLoadError, match="allowed"):
        SupervisedSummarizer(pretrained="/no/such/dir").summarize(["One. Two."])
    with pytest.raises(ModelLoadError, match="newsml_summarizer.json"):
        load_summarizer("/no/such/dir")


def test_shipped_model_summarises_the_seed(seed_text):
    s = newsml.get_summarizer("supervised")
    out = s.summarize([seed_text])[0]
    assert len(out.sentences) == 3 and out.sentences == sorted(out.sentences)
    assert "Ukraine" in out.text and not out.text.startswith("Gambiaj")
    assert 0 in out.sentences  # the lead sentence carries the news here
    assert s.n_train_docs_ > 1000


def test_hgb_scorer_round_trips_as_arrays(tmp_path):
    texts, refs = [p[0] for p in PAIRS] * 4, [p[1] for p in PAIRS] * 4
    model = SupervisedSummarizer(model="hgb", n_trees=20, min_samples_leaf=2, pretrained=None).fit(texts, refs)
    assert model.forest_ and not model.weights_
    new = ("The sun rose. Engineers restored power to the capital after a blackout that lasted "
           "three days and closed hospitals. People cheered. Birds sang.")
    assert model.summarize([new], max_sentences=1)[0].sentences == [1]
    model.save(tmp_path / "hgb")
    back = load_summarizer(tmp_path / "hgb")
    assert np.allclose(back.summarize([new])[0].scores, model.summarize([new])[0].scores)
    assert not list((tmp_path / "hgb").glob("*.pkl"))


def test_forest_arrays_match_sklearn():
    from sklearn.ensemble import HistGradientBoostingClassifier

    from newsml.summarize.supervised import forest_predict, forest_to_arrays

    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 5))
    y = ((X[:, 0] * X[:, 1] > 0) ^ (X[:, 2] > 1)).astype(int)
    est = HistGradientBoostingClassifier(max_iter=30, random_state=0).fit(X, y)
    X_new = rng.normal(size=(50, 5))
    assert np.allclose(forest_predict(forest_to_arrays(est), X_new), est.decision_function(X_new))


def test_trigram_blocking_skips_a_repeated_fact():
    texts, refs = [p[0] for p in PAIRS], [p[1] for p in PAIRS]
    model = SupervisedSummarizer(model="logistic", pretrained=None).fit(texts, refs)
    doc = ("The sun rose. Engineers restored power to the capital after a blackout. "
           "Engineers restored power to the capital after a long blackout in the city. Birds sang.")
    picked = model.summarize([doc], max_sentences=2)[0].sentences
    assert not {1, 2} <= set(picked)
    free = model.set_params(block_trigrams=False, dedup_threshold=1.0).summarize([doc], max_sentences=2)[0]
    assert {1, 2} <= set(free.sentences)


def test_soft_labels_mix_oracle_and_own_rouge():
    from newsml.summarize.supervised import sentence_labels

    y = sentence_labels(["Rebels seized Kidal.", "Rebels were seen.", "It rained."], "Rebels seized Kidal.", 1,
                        "soft")
    assert y[0] == 1.0 and 0 < y[1] < 0.5 and y[2] == 0.0


def test_shipped_model_records_its_training_documents():
    from newsml.summarize.train import ids_digest, training_ids

    model = SupervisedSummarizer()
    model._ensure_fitted()
    info = model.train_info_
    ids = training_ids()
    assert info["documents"] == len(ids) > 10000
    assert info["ids"] == ids_digest(ids)
    assert set(info["datasets"]) == {"cnn_dailymail", "bbc"}
    assert all(d["split"] == "train" for d in info["datasets"].values())
    assert not any("-val-" in i for i in ids)


@pytest.mark.shared
def test_shipped_model_trained_on_prepare_train_split_only(shared_data, tmp_path):
    from newsml.data.recipes import recipe_files
    from newsml.summarize.train import training_ids

    ids = training_ids()
    # no validation document of the CNN / Daily Mail files is among the training ids
    from newsml.data import read_documents

    val = {d.id for d in read_documents(recipe_files("cnn_dailymail", shared_data)[1:])}
    assert val and not (val & ids)


@pytest.mark.shared
def test_shipped_model_beats_lead_on_held_out_bbc(shared_data, tmp_path):
    from rouge_score import rouge_scorer

    from newsml.summarize.train import prepared_split, training_ids

    rows = prepared_split("bbc", "test", tmp_path, shared_data)[0][:40]
    assert not ({r["id"] for r in rows} & training_ids())
    scorer = rouge_scorer.RougeScorer(["rouge1"], use_stemmer=True)
    docs = [{"text": r["text"], "title": r["title"]} for r in rows]
    refs = [r["summary"] for r in rows]

    def r1(name):
        preds = newsml.get_summarizer(name).summarize(docs, ratio=0.4)
        return np.mean([scorer.score(r, p.text)["rouge1"].fmeasure for p, r in zip(preds, refs)])

    assert r1("supervised") > r1("lead") + 0.03


def test_pretrained_training_ids_only_for_the_shipped_weights():
    shipped = SupervisedSummarizer()
    shipped.summarize(["Rain fell in Accra on Monday. Roads flooded. Schools shut."])
    ids = shipped.pretrained_training_ids()
    assert len(ids) == shipped.train_info_["documents"] and any(i.startswith("cnndm-") for i in ids)
    texts, refs = [p[0] for p in PAIRS], [p[1] for p in PAIRS]
    own = SupervisedSummarizer(model="logistic", pretrained=None).fit(texts, refs)
    assert own.pretrained_training_ids() == set()
