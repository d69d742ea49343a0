"""Metrics against hand-computed values and against scikit-learn / rouge-score on the same inputs."""

from __future__ import annotations

import numpy as np
import pytest

from newsml.evaluate import (
    classification_report,
    compare_classifiers,
    compare_summarizers,
    expected_calibration_error,
    length_stats,
    novel_ngram_ratio,
    rouge_scores,
    summarization_report,
)
from newsml.evaluate.classification import _weighted_ranking


def v(rep, key):
    return rep["metrics"][key]["value"]


def test_single_label_hand_computed():
    # gold a a b b c / pred a b b b a
    rep = classification_report(["a", "a", "b", "b", "c"], ["a", "b", "b", "b", "a"], n_boot=200)
    assert rep["multi_label"] is False
    assert v(rep, "accuracy") == pytest.approx(0.6)
    pl = rep["per_label"]
    assert (pl["a"]["precision"], pl["a"]["recall"], pl["a"]["f1"]) == pytest.approx((0.5, 0.5, 0.5))
    assert (pl["b"]["precision"], pl["b"]["recall"], pl["b"]["f1"]) == pytest.approx((2 / 3, 1.0, 0.8))
    assert (pl["c"]["precision"], pl["c"]["recall"], pl["c"]["f1"]) == (0.0, 0.0, 0.0)
    assert [pl[k]["support"] for k in "abc"] == [2, 2, 1]
    assert v(rep, "macro_f1") == pytest.approx((0.5 + 0.8 + 0) / 3)
    assert v(rep, "weighted_f1") == pytest.approx((0.5 * 2 + 0.8 * 2) / 5)
    assert v(rep, "micro_f1") == pytest.approx(0.6)
    assert rep["confusion_matrix"]["matrix"] == [[1, 1, 0], [0, 2, 0], [1, 0, 0]]
    for m in rep["metrics"].values():
        assert m["low"] <= m["value"] + 1e-9 and m["value"] <= m["high"] + 1e-9


def test_multi_label_hand_computed():
    gold = [["a", "b"], ["b"], [], ["c"]]
    pred = [["a"], ["b", "c"], [], ["a"]]
    rep = classification_report(gold, pred, n_boot=100)
    assert rep["multi_label"] is True
    assert v(rep, "subset_accuracy") == pytest.approx(0.25)
    assert v(rep, "hamming_loss") == pytest.approx(4 / 12)
    assert v(rep, "example_f1") == pytest.approx((2 / 3 + 2 / 3 + 1 + 0) / 4)
    assert v(rep, "micro_precision") == pytest.approx(0.5)
    assert v(rep, "micro_recall") == pytest.approx(0.5)
    assert rep["confusion_matrix"]["matrices"]["a"] == [[2, 1], [0, 1]]


def test_agrees_with_sklearn_on_random_data():
    from sklearn.metrics import f1_score, hamming_loss, precision_score, recall_score
    from sklearn.preprocessing import MultiLabelBinarizer

    rng = np.random.default_rng(3)
    labels = list("abcdef")
    gold = [str(x) for x in rng.choice(labels, 300)]
    pred = [g if rng.random() < 0.6 else str(rng.choice(labels[:5])) for g in gold]
    rep = classification_report(gold, pred, n_boot=0)
    for avg in ("micro", "macro", "weighted"):
        assert v(rep, f"{avg}_f1") == pytest.approx(f1_score(gold, pred, average=avg, zero_division=0))
        assert v(rep, f"{avg}_precision") == pytest.approx(precision_score(gold, pred, average=avg, zero_division=0))
        assert v(rep, f"{avg}_recall") == pytest.approx(recall_score(gold, pred, average=avg, zero_division=0))
    g_ml = [list(set(rng.choice(labels, rng.integers(1, 3)))) for _ in range(200)]
    p_ml = [list(set(rng.choice(labels, rng.integers(0, 3)))) for _ in range(200)]
    mlb = MultiLabelBinarizer(classes=sorted(labels)).fit([labels])
    Yt, Yp = mlb.transform(g_ml), mlb.transform(p_ml)
    rep = classification_report(g_ml, p_ml, classes=sorted(labels), n_boot=0)
    assert v(rep, "hamming_loss") == pytest.approx(hamming_loss(Yt, Yp))
    assert v(rep, "macro_f1") == pytest.approx(f1_score(Yt, Yp, average="macro", zero_division=0))
    assert v(rep, "micro_f1") == pytest.approx(f1_score(Yt, Yp, average="micro", zero_division=0))
    # gold never empty here, so example F1 matches sklearn's samples average
    assert v(rep, "example_f1") == pytest.approx(f1_score(Yt, Yp, average="samples", zero_division=0))


def test_ranking_metrics_match_sklearn_with_ties_and_weights():
    from sklearn.metrics import average_precision_score, roc_auc_score

    rng = np.random.default_rng(0)
    y = rng.random(80) < 0.3
    s = np.round(rng.random(80), 1)  # many ties
    auc, ap = _weighted_ranking(y, s, np.ones((1, 80)))
    assert auc[0] == pytest.approx(roc_auc_score(y, s))
    assert ap[0] == pytest.approx(average_precision_score(y, s))
    w = rng.integers(0, 3, 80).astype(float)
    auc, ap = _weighted_ranking(y, s, w[None, :])
    assert auc[0] == pytest.approx(roc_auc_score(y, s, sample_weight=w))
    assert ap[0] == pytest.approx(average_precision_score(y, s, sample_weight=w))


def test_probability_metrics_in_report():
    from sklearn.metrics import roc_auc_score

    gold = [["a"], ["a", "b"], ["b"], [], ["a"], ["b"]]
    P = np.array([[0.9, 0.2], [0.8, 0.7], [0.3, 0.6], [0.1, 0.1], [0.4, 0.5], [0.6, 0.9]])
    pred = [["a"], ["a", "b"], ["b"], [], [], ["a", "b"]]
    rep = classification_report(gold, pred, proba=P, proba_classes=["a", "b"], n_boot=100)
    Y = np.array([[1, 0], [1, 1], [0, 1], [0, 0], [1, 0], [0, 1]])
    expected = np.mean([roc_auc_score(Y[:, j], P[:, j]) for j in range(2)])
    assert v(rep, "roc_auc_macro") == pytest.approx(expected)
    assert v(rep, "ece") == pytest.approx(expected_calibration_error(P.ravel(), Y.ravel()))
    assert 0 <= rep["metrics"]["pr_auc_macro"]["low"] <= rep["metrics"]["pr_auc_macro"]["high"] <= 1


def test_ece_hand_computed():
    # bin 9: conf 0.9, accuracy 0.5 -> 0.4 * 2/4; bin 2: conf 0.2, accuracy 0 -> 0.2 * 2/4
    assert expected_calibration_error([0.9, 0.9, 0.2, 0.2], [1, 0, 0, 0]) == pytest.approx(0.3)
    assert expected_calibration_error([1.0, 0.0], [1, 0]) == pytest.approx(0.0)


def test_single_label_wrong_shape_errors():
    with pytest.raises(ValueError, match="2 gold items but 1"):
        classification_report(["a", "b"], ["a"])
    with pytest.raises(ValueError, match="multi_label=True"):
        classification_report([["a", "b"]], ["a"], multi_label=False)


def test_rouge_hand_computed_and_stemming():
    r = rouge_scores(["the cat sat"], ["the cat sat on the mat"])
    assert r["rouge1"]["precision"][0] == pytest.approx(1.0)
    assert r["rouge1"]["recall"][0] == pytest.approx(0.5)
    assert r["rouge1"]["f1"][0] == pytest.approx(2 / 3)
    assert r["rouge2"]["f1"][0] == pytest.approx(2 * 1 * 0.4 / 1.4)
    assert rouge_scores(["fighting troops"], ["fight troop"])["rouge1"]["f1"][0] == pytest.approx(1.0)


def test_rouge_lsum_uses_sentence_splitting():
    pred = "Rebels took the town. Aid convoys were halted."
    ref = "Aid convoys were halted. Rebels took the town."
    r = rouge_scores([pred], [ref])
    assert r["rougeLsum"]["f1"][0] == pytest.approx(1.0)
    assert r["rougeL"]["f1"][0] < 0.7


def test_novel_ngrams_and_lengths():
    assert novel_ngram_ratio("the town fell", "the town fell quickly", 1) == 0.0
    assert novel_ngram_ratio("a b c d", "a b x d", 2) == pytest.approx(2 / 3)
    assert novel_ngram_ratio("one", "two", 3) == 0.0
    s = length_stats(["One two three. Four.", "Five six."])
    assert (s["words_mean"], s["sentences_mean"], s["words_max"]) == (3.0, 1.5, 4.0)


def test_summarization_report_fields_and_cis():
    preds = ["Rebels took the town.", "Prices rose.", ""]
    refs = ["Rebels seized the town.", "Prices rose sharply in May.", "Talks collapsed."]
    srcs = ["At dawn rebels seized the town. Many fled.", "Prices rose sharply in May. Bread was scarce.",
            "Talks collapsed on Friday."]
    rep = summarization_report(preds, refs, srcs, n_boot=200)
    assert rep["n"] == 3
    r1 = rouge_scores(preds, refs)["rouge1"]["f1"]
    assert rep["metrics"]["rouge1"]["value"] == pytest.approx(r1.mean())
    assert rep["per_doc"]["rouge1"][2] == 0.0
    assert rep["metrics"]["compression"]["value"] == pytest.approx(np.mean([4 / 8, 2 / 8, 0]))
    assert rep["per_doc"]["novel_1gram"][0] == pytest.approx(0.25)
    for k in ("rouge1", "rouge2", "rougeL", "rougeLsum"):
        m = rep["metrics"][k]
        assert m["low"] <= m["value"] <= m["high"]
    assert rep["length"]["reference"]["words_mean"] == pytest.approx((4 + 5 + 2) / 3)


def test_embedding_similarity():
    rep = summarization_report(["Troops left the capital."], ["Troops left the capital."],
                               ["Troops left the capital. Shops reopened."], embeddings=True, n_boot=10)
    assert rep["metrics"]["sim_reference"]["value"] == pytest.approx(1.0, abs=1e-4)
    assert 0.3 < rep["metrics"]["sim_source"]["value"] < 1.0


def test_compare_summarizers_and_classifiers():
    rng = np.random.default_rng(1)
    a = {"rouge1": (0.4 + 0.1 * rng.random(60)).tolist()}
    b = {"rouge1": (0.3 + 0.1 * rng.random(60)).tolist()}
    res = compare_summarizers(a, b, keys=["rouge1"], n_boot=300)["rouge1"]
    assert res["diff"]["low"] > 0 and res["p_value"] < 0.01 and res["permutation_p_value"] < 0.01
    same = compare_summarizers(a, a, keys=["rouge1"], n_boot=100)["rouge1"]
    assert same["diff"]["value"] == 0 and same["p_value"] == 1.0
    gold = ["x", "y"] * 30
    res = compare_classifiers(gold, gold, ["x"] * 60, n_boot=200)
    assert res["diff"]["value"] == pytest.approx(1.0 - (2 / 3) / 2)
    assert res["p_value"] < 0.05


def test_macro_intervals_cover_the_estimate_with_rare_labels():
    rng = np.random.default_rng(7)
    labels = [f"l{i}" for i in range(30)]
    weights = np.array([0.5 ** (i / 3) for i in range(30)])
    weights /= weights.sum()
    gold = [list(set(rng.choice(labels, rng.integers(1, 3), p=weights))) for _ in range(150)]
    P = rng.random((150, 30)) * 0.6
    for i, g in enumerate(gold):
        for lab in g:
            P[i, labels.index(lab)] += rng.random() * 0.6
    pred = [[labels[j] for j in np.flatnonzero(row >= 0.55)] for row in P]
    rep = classification_report(gold, pred, proba=P, proba_classes=labels, n_boot=300)
    for key in ("macro_f1", "roc_auc_macro", "pr_auc_macro", "micro_f1"):
        m = rep["metrics"][key]
        assert m["low"] <= m["value"] <= m["high"], (key, m)
