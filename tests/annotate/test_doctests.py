"""The Examples sections of the corpus-job modules run as written."""

from __future__ import annotations

import doctest
import importlib

import pytest

# the modules whose Examples run (job, local and cli examples need a corpus and are skipped as doctests)
MODULES = ["newsml.corpus", "newsml.corpus.predictor", "newsml.corpus.source", "newsml.corpus.store"]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
