"""The error family: every newsml error is a NewsmlError and the builtin a Python user expects."""

from __future__ import annotations

import pytest

import newsml
from newsml import errors
from newsml.errors import NewsmlError


@pytest.mark.parametrize(("cls", "builtin"), [
    (errors.InputError, ValueError), (errors.InputTypeError, TypeError),
    (errors.MissingInputError, FileNotFoundError), (errors.ConfigError, ValueError),
    (errors.UnknownKeyError, KeyError), (errors.RegistryError, KeyError), (errors.RegistryError, ValueError),
    (errors.NotFittedError, ValueError), (errors.NotFittedError, AttributeError),
    (errors.ModelLoadError, OSError),
])
def test_each_error_is_also_its_builtin(cls, builtin):
    assert issubclass(cls, NewsmlError) and issubclass(cls, builtin)
    with pytest.raises(builtin, match="^names the key 'x'$"):
        raise cls("names the key 'x'")


def test_every_public_error_is_in_the_family():
    for name in errors.__all__:
        assert issubclass(getattr(errors, name), NewsmlError)


def test_evaluate_raises_newsml_errors():
    from newsml.evaluate import bootstrap_ci, classification_report, paired_bootstrap, rouge_scores
    from newsml.evaluate.splits import iterative_stratified_folds

    with pytest.raises(errors.InputError, match="2 gold items but 1"):
        classification_report(["a", "b"], ["a"])
    with pytest.raises(errors.InputTypeError, match="n is required"):
        bootstrap_ci(lambda idx: 0.0)
    with pytest.raises(errors.InputError, match="different numbers of items"):
        paired_bootstrap([1.0, 0.0], [1.0])
    with pytest.raises(errors.InputError, match="1 predictions but 2 references"):
        rouge_scores(["a"], ["a", "b"])
    with pytest.raises(errors.ConfigError, match="n_splits"):
        iterative_stratified_folds([["a"], ["b"]], n_splits=1)


def test_unknown_taxonomy_topic_is_a_key_error_naming_the_topics():
    from newsml.taxonomy import load_taxonomy

    tax = load_taxonomy("news_events")
    with pytest.raises(errors.UnknownKeyError, match="no topic 'no_such_topic'; topics: "):
        tax["no_such_topic"]
    with pytest.raises(KeyError):
        tax["no_such_topic"]


def test_unknown_component_and_missing_input():
    with pytest.raises(KeyError, match="unknown classifier 'tfidff'"):
        newsml.get_classifier("tfidff")
    from newsml.data import read_documents

    with pytest.raises(FileNotFoundError, match="no such file or folder"):
        list(read_documents(["/no/such/folder/here"]))
