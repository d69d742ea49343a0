"""The Examples sections of the corpus-job modules run as written."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["newsml.corpus", "newsml.corpus.predictor", "newsml.corpus.source", "newsml.corpus.store",
           "newsml.corpus.local", "newsml.corpus.job", "newsml.corpus.cli"]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
