"""CPU efficiency of the transformer classifier: threads, one tokenisation, dynamic padding, batching.

All on the tiny local BERT (random weights, built by a fixture); each test runs in a second or two.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from tiny_models import TRANSFORMER_LABELS, tiny_transformer_classifier
from transformers import PreTrainedTokenizerBase

from newsml.classify.transformer import TransformerClassifier
from newsml.errors import ConfigError

TEXTS = [
    "The army admitted heavy losses.",
    "The central bank raised interest rates by half a percentage point on Monday.",
    "Rebels claimed to have killed dozens of soldiers near the border town after talks collapsed.",
    "The ministry summoned the ambassador.",
    "Thousands marched in the capital.",
    "The striker scored twice as the home side won the cup final in front of a full stadium.",
    "Police arrested opposition leaders.",
    "Both sides agreed to a ceasefire after talks mediated by regional leaders.",
]
LABELS = TRANSFORMER_LABELS


def _clf(tiny_bert_dir, **kw):
    return tiny_transformer_classifier(tiny_bert_dir, **{**dict(
        epochs=2, batch_size=3, learning_rate=1e-2, max_length=64), **kw})


def _record_inputs(clf):
    """Forward pre-hook on the fitted model: (input_ids, attention_mask, torch threads) per call."""
    seen = []

    def hook(_module, _args, kwargs):
        seen.append((kwargs["input_ids"].clone(), kwargs["attention_mask"].clone(), torch.get_num_threads()))

    clf.model_.register_forward_pre_hook(hook, with_kwargs=True)
    return seen


def test_num_threads_applies_inside_fit_and_predict_then_restores(tiny_bert_dir, monkeypatch):
    before = torch.get_num_threads()
    seen_fit = []
    original_fit_loop = TransformerClassifier._fit_loop

    def spy(self, *args, **kwargs):
        seen_fit.append(torch.get_num_threads())
        return original_fit_loop(self, *args, **kwargs)

    monkeypatch.setattr(TransformerClassifier, "_fit_loop", spy)
    clf = _clf(tiny_bert_dir, num_threads=1).fit(TEXTS, LABELS)
    assert seen_fit == [1] and torch.get_num_threads() == before
    seen = _record_inputs(clf)
    clf.predict(TEXTS)
    assert seen and all(n == 1 for *_, n in seen)
    assert torch.get_num_threads() == before
    with pytest.raises(ConfigError, match="num_threads"):
        _clf(tiny_bert_dir, num_threads=0).fit(TEXTS, LABELS)


def test_texts_are_tokenised_once_per_fit_not_per_epoch(tiny_bert_dir, monkeypatch):
    counted = []
    original_call = PreTrainedTokenizerBase.__call__

    def counting_call(self, text=None, *args, **kwargs):
        counted.append(len(text) if isinstance(text, list) else 1)
        return original_call(self, text, *args, **kwargs)

    monkeypatch.setattr(PreTrainedTokenizerBase, "__call__", counting_call)
    _clf(tiny_bert_dir, epochs=4).fit(TEXTS[:6], LABELS[:6], validation=(TEXTS[6:], LABELS[6:]))
    # 6 training + 2 validation texts, whatever the number of epochs
    assert sum(counted) == 8


def test_dynamic_padding_and_length_sorted_prediction(tiny_bert_dir):
    clf = _clf(tiny_bert_dir).fit(TEXTS, LABELS)
    seen = _record_inputs(clf)
    clf.predict_proba(TEXTS)
    lengths = sorted(len(ids) for ids in clf.tokenizer_(TEXTS)["input_ids"])
    widths = [ids.shape[1] for ids, _, _ in seen]
    # batches of 3 in length order, each padded to its own longest text (not to max_length=64)
    assert widths == [lengths[2], lengths[5], lengths[7]]
    for _, mask, _ in seen:
        assert bool(mask[:, -1].any())  # no all-padding column


def test_batched_probabilities_match_one_at_a_time(tiny_bert_dir):
    clf = _clf(tiny_bert_dir).fit(TEXTS, LABELS)
    P = clf.predict_proba(TEXTS)  # length-sorted, padded batches, then put back in input order
    clf.batch_size = 1
    single = np.vstack([clf.predict_proba([t]) for t in TEXTS])
    np.testing.assert_allclose(P, single, atol=1e-5)


def test_training_batches_grouped_by_length(tiny_bert_dir):
    clf = _clf(tiny_bert_dir, batch_size=2)
    lengths = np.array([5, 40, 7, 38, 6, 39, 8, 41, 9, 37] * 20)  # 200 texts, 2 buckets of 100
    batches = clf._train_order(lengths, np.random.default_rng(0))
    flat = np.concatenate(batches)
    assert sorted(flat.tolist()) == list(range(200))  # every text once per epoch
    spread = np.mean([np.ptp(lengths[b]) for b in batches])
    assert spread < 5  # neighbours in length share a batch: little padding
    again = clf._train_order(lengths, np.random.default_rng(0))
    assert all((a == b).all() for a, b in zip(batches, again))  # seeded
    clf.group_by_length = False
    plain = clf._train_order(lengths, np.random.default_rng(0))
    assert np.mean([np.ptp(lengths[b]) for b in plain]) > 10


def test_left_padding_tokenizer(tiny_bert_dir):
    clf = _clf(tiny_bert_dir).fit(TEXTS, LABELS)
    clf.tokenizer_.padding_side = "left"
    items = clf._tokenize(TEXTS[:2])
    batch = clf._collate(items)
    short = len(items[0]["input_ids"])
    assert batch["attention_mask"][0, -short:].all() and not batch["attention_mask"][0, 0]
    assert batch["input_ids"][0, 0] == clf.tokenizer_.pad_token_id
