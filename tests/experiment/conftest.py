"""Fixtures for experiment tests: a small labelled/summarised corpus (our own sentences) and plug-in components."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from newsml.registry import classifiers, summarizers

SPORT = ["The home side scored twice in the second half and won the cup final.",
         "The striker signed a new contract with the club on Monday.",
         "Fans filled the stadium as the team clinched the league title.",
         "The coach praised the defence after a goalless draw away from home.",
         "A late penalty sent the champions through to the semi-final.",
         "The captain was injured in training and will miss the derby.",
         "The relay team broke the national record at the athletics meeting.",
         "The tennis player won in straight sets to reach the quarter-final."]
MARKETS = ["Shares in the bank fell sharply after it reported a quarterly loss.",
           "The central bank raised interest rates to curb inflation.",
           "Oil prices rose as traders worried about supply cuts.",
           "The currency slipped against the dollar for a third day.",
           "Investors sold bonds after stronger than expected jobs data.",
           "The retailer's profits beat forecasts and its stock jumped.",
           "Markets in Asia closed lower amid fears of a slowdown.",
           "The company announced a share buyback worth two billion dollars."]


def corpus_rows() -> list[dict]:
    rows = []
    for i in range(24):
        topic = "sport" if i % 2 == 0 else "markets"
        pool = SPORT if topic == "sport" else MARKETS
        a, b, c = pool[i % 8], pool[(i + 3) % 8], pool[(i + 5) % 8]
        rows.append({"id": f"d{i:02d}", "text": f"{a} {b} {c}", "labels": [topic], "summary": a,
                     "split": "test" if i >= 16 else "train"})
    return rows


@pytest.fixture(scope="session")
def corpus_path(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("corpus")
    path = d / "news.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in corpus_rows()), encoding="utf-8")
    return path


class CountingClassifier:
    """A plug-in classifier (registered in the test): predicts the majority training label.

    ``fail=True`` makes prediction crash, to simulate a run dying half way.
    """

    calls = {"fit": 0, "predict": 0}

    def __init__(self, multi_label: bool = False, fail: bool = False, random_state: int | None = None):
        self.multi_label = multi_label
        self.fail = fail
        self.random_state = random_state

    def fit(self, texts, labels):
        type(self).calls["fit"] += 1
        values, counts = np.unique([str(y) for y in labels], return_counts=True)
        self.classes_ = np.array(sorted(set(values)), dtype=object)
        self.majority_ = values[counts.argmax()]
        return self

    def predict_proba(self, texts):
        type(self).calls["predict"] += 1
        if self.fail:
            raise RuntimeError("simulated crash in the middle of a run")
        P = np.zeros((len(texts), len(self.classes_)))
        P[:, list(self.classes_).index(self.majority_)] = 1.0
        return P

    def decide(self, P):
        return [str(self.classes_[j]) for j in P.argmax(axis=1)]


class UpperSummarizer:
    """A plug-in summariser: the first ``n_words`` words of the text."""

    def __init__(self, n_words: int = 8):
        self.n_words = n_words

    def fit(self, texts, summaries):
        return self

    def summarize(self, texts, max_sentences=None, max_words=None, ratio=None, focus=None):
        return [" ".join(str(t).split()[: self.n_words]) for t in texts]


@pytest.fixture(scope="session", autouse=True)
def plugins():
    classifiers.register("test-counting", CountingClassifier)
    summarizers.register("test-first-words", UpperSummarizer)
    yield
    classifiers._items.pop("test-counting", None)
    summarizers._items.pop("test-first-words", None)


@pytest.fixture()
def counting():
    CountingClassifier.calls.update(fit=0, predict=0)
    return CountingClassifier
