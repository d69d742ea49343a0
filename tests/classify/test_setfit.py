"""SetFit-style classifier: pair sampling, contrastive tuning on a tiny sentence-transformer, save/load."""

from __future__ import annotations

import numpy as np

import newsml
from newsml.classify.setfit import SetFitClassifier, make_pairs

TEXTS = [
    "The army admitted heavy losses after its positions were overrun.",
    "Rebels claimed to have killed dozens of soldiers near the border town.",
    "The central bank raised interest rates by half a percentage point.",
    "The striker scored twice as the home side won the cup final.",
    "Police arrested opposition leaders and imposed a curfew in the city.",
    "Both sides agreed to a ceasefire after talks mediated by regional leaders.",
]
LABELS = ["war", "war", "economy", "sport", "politics", "politics"]


def test_pairs_single_and_multi_label():
    Y = np.array([[1, 0], [1, 0], [0, 1], [0, 1]], dtype=np.float32)
    pairs = make_pairs(Y, num_iterations=3, seed=0)
    assert len(pairs) == 3 * 4 * 2  # one positive and one negative per example and round
    for i, j, t in pairs:
        assert i != j
        assert t == (1.0 if (Y[i] == Y[j]).all() else 0.0)
    Ym = np.array([[1, 1], [1, 0], [0, 1]], dtype=np.float32)
    targets = {(i, j): t for i, j, t in make_pairs(Ym, 2, 0)}
    assert all(t in (0.0, 0.5) for t in targets.values())  # Jaccard of {a,b} vs {a} is 0.5


def test_contrastive_tuning_pulls_same_label_texts_together(tiny_st_dir):
    untuned = SetFitClassifier(encoder=str(tiny_st_dir), num_iterations=0).fit(TEXTS, LABELS)
    tuned = SetFitClassifier(encoder=str(tiny_st_dir), num_iterations=10, epochs=2, learning_rate=3e-3,
                             batch_size=8).fit(TEXTS, LABELS)
    assert tuned.loss_history_[-1] < tuned.loss_history_[0]

    def gap(clf):
        E = clf._embed(TEXTS)
        S = E @ E.T
        same = np.array([[a == b for b in LABELS] for a in LABELS]) & ~np.eye(len(LABELS), dtype=bool)
        diff = np.array([[a != b for b in LABELS] for a in LABELS])
        return S[same].mean() - S[diff].mean()

    assert gap(tuned) > gap(untuned) + 0.05
    assert tuned.predict(TEXTS) == LABELS


def test_shared_encoder_is_not_modified(tiny_st_dir):
    from newsml.encoders import encode

    before = encode(TEXTS[:2], str(tiny_st_dir))
    SetFitClassifier(encoder=str(tiny_st_dir), num_iterations=5, learning_rate=5e-3).fit(TEXTS, LABELS)
    np.testing.assert_allclose(encode(TEXTS[:2], str(tiny_st_dir)), before, atol=1e-6)


def test_multilabel_and_save_load(tiny_st_dir, tmp_path):
    labels = [[lab] for lab in LABELS]
    labels[0] = ["war", "politics"]
    clf = SetFitClassifier(multi_label=True, encoder=str(tiny_st_dir), num_iterations=10, learning_rate=2e-3,
                           C=10.0).fit(TEXTS, labels)
    assert len(clf.thresholds_) == 4
    clf.save(tmp_path)
    assert (tmp_path / "encoder" / "modules.json").exists()
    again = newsml.load_classifier(tmp_path)
    np.testing.assert_allclose(again.predict_proba(TEXTS), clf.predict_proba(TEXTS), atol=1e-5)
    assert again.predict(TEXTS) == clf.predict(TEXTS)
