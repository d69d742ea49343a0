"""The examples in the summariser docstrings run and give what they show."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["newsml.summarize", "newsml.summarize.base", "newsml.summarize.lead", "newsml.summarize.graph",
           "newsml.summarize.supervised", "newsml.summarize.train", "newsml.summarize.focus",
           "newsml.summarize._prepare", "newsml.summarize._budget", "newsml.summarize.oracle"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
