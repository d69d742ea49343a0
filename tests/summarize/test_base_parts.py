"""The summariser base split into parts: class-level optional defaults, ``_store``, budgets and selection."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone

import newsml
from newsml.errors import ConfigError
from newsml.limits import DEFAULT_MAX_INPUT_CHARS, DEFAULT_MAX_INPUT_SENTENCES
from newsml.summarize._budget import select, sentence_limit
from newsml.summarize.base import BaseSummarizer


class _Plugin(BaseSummarizer):  # takes only the required keywords, like a minimal plug-in
    name = "plugin"

    def __init__(self, default_sentences=2, dedup_threshold=0.7, focus_weight=0.7, focus_encoder=None,
                 batch_size=8, progress=False):
        self._store(locals())

    def _score_docs(self, docs):
        return [np.arange(len(d.sentences), dtype=float) for d in docs]  # prefers later sentences


def test_plugin_without_optional_keywords_gets_the_class_defaults():
    p = _Plugin()
    assert p._caps() == (DEFAULT_MAX_INPUT_CHARS, DEFAULT_MAX_INPUT_SENTENCES)
    assert p.get_params() == {"default_sentences": 2, "dedup_threshold": 0.7, "focus_weight": 0.7,
                              "focus_encoder": None, "batch_size": 8, "progress": False}
    s = p.summarize(["One fact here. Two facts here. Three facts here."])[0]
    assert s.sentences == [1, 2] and s.method == "plugin"
    p.max_input_sentences = 1  # an instance value overrides the class default (the CLI's set_caps does this)
    assert p.summarize(["One fact here. Two facts here."])[0].truncated["scored_sentences"] == 1
    p.splitter = "nltk"  # an unknown splitter is an error, not a silent fallback
    with pytest.raises(ConfigError, match="splitter"):
        p.summarize(["One fact here. Two facts here."])


@pytest.mark.parametrize("wrong", ["max_input_char", "max_input_sentence", "spliter"])
def test_misspelt_optional_keyword_fails_at_definition(wrong):
    src = (f"def __init__(self, default_sentences=1, focus_weight=0.7, focus_encoder=None, batch_size=8, "
           f"progress=False, {wrong}=None):\n    pass\n")
    ns: dict = {}
    exec(src, ns)  # noqa: S102 - builds an __init__ with the misspelt keyword
    with pytest.raises(TypeError, match="did you mean"):
        type("Misspelt", (BaseSummarizer,), {"__init__": ns["__init__"]})


@pytest.mark.parametrize("name", ["lead", "textrank", "lexrank", "centroid", "mmr", "supervised"])
def test_store_keeps_every_keyword_unchanged(name):
    s = newsml.get_summarizer(name, default_sentences=5, max_input_sentences=40)
    params = s.get_params()
    assert params["default_sentences"] == 5 and params["max_input_sentences"] == 40
    assert clone(s).get_params() == params  # sklearn's clone checks each keyword is stored as given


def test_sentence_limit_and_select():
    assert sentence_limit(20, None, None, None, default=3) == 3
    assert sentence_limit(20, None, 50, None, default=3) is None  # a word budget alone: no sentence cap
    assert sentence_limit(20, 8, None, 0.2, default=3) == 4  # the strictest wins
    sents = ["Rain fell on the town.", "Rain fell on the town again.", "Troops left the town at dawn."]
    assert select(sents, [0, 1, 2], 2, None, 0.5) == ([0, 2], "Rain fell on the town. Troops left the town at dawn.")
    # nothing fits three words: the best sentence is cut at a word boundary
    assert select(sents, [2, 0, 1], 1, 3, 0.7) == ([2], "Troops left the")
