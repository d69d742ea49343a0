"""Shared fixtures: tiny local models (built once per session), paths, and the slow/shared markers.

Tests on the real benchmark data use one mechanism: ``@pytest.mark.shared`` (optionally naming the
sub-folders they read, ``@pytest.mark.shared("bbc_news_summary")``) plus the ``shared_data`` fixture for the
path. The folder is the library's own :func:`newsml.data.recipes.shared_data_dir` (``NEWSML_DATA_DIR``, else
``../shared/data``); a test marked ``shared`` is skipped, not failed, when the folder (or a named
sub-folder) is absent.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
sys.path.insert(0, str(Path(__file__).resolve().parent))  # makes `import tiny_models` work


def shared_data_path() -> Path:
    """The shared benchmark data folder (``NEWSML_DATA_DIR`` or ``../shared/data``), as the library finds it."""
    from newsml.data.recipes import shared_data_dir

    return shared_data_dir()


def _shared_missing(item) -> str | None:
    """Why a ``shared``-marked test cannot run here (None when it can)."""
    root = shared_data_path()
    if not root.is_dir():
        return f"shared data is absent ({root}; set NEWSML_DATA_DIR)"
    for mark in item.iter_markers("shared"):
        for sub in mark.args:
            if not (root / sub).exists():
                return f"shared data {sub!r} is absent under {root}"
    return None


def pytest_collection_modifyitems(config, items):
    run_slow = os.environ.get("NEWSML_SLOW") == "1"
    skip_slow = pytest.mark.skip(reason="slow test: set NEWSML_SLOW=1 to run")
    for item in items:
        if "slow" in item.keywords and not run_slow:
            item.add_marker(skip_slow)
        if item.get_closest_marker("shared") is not None:
            why = _shared_missing(item)
            if why:
                item.add_marker(pytest.mark.skip(reason=why))


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The shared data folder; use it with ``@pytest.mark.shared`` (skips when the folder is absent)."""
    path = shared_data_path()
    if not path.is_dir():
        pytest.skip(f"shared data is absent ({path}; set NEWSML_DATA_DIR)")
    return path


@pytest.fixture(scope="session")
def tiny_tokenizer_dir(tmp_path_factory) -> Path:
    import tiny_models

    return tiny_models.build_tiny_tokenizer(tmp_path_factory.mktemp("tiny_tok"), "bert")


@pytest.fixture(scope="session")
def tiny_bert_dir(tmp_path_factory) -> Path:
    import tiny_models

    return tiny_models.build_tiny_bert_classifier(tmp_path_factory.mktemp("tiny_bert"))


@pytest.fixture(scope="session")
def tiny_nli_dir(tmp_path_factory) -> Path:
    import tiny_models

    return tiny_models.build_tiny_nli(tmp_path_factory.mktemp("tiny_nli"))


@pytest.fixture(scope="session")
def tiny_bart_dir(tmp_path_factory) -> Path:
    import tiny_models

    return tiny_models.build_tiny_bart(tmp_path_factory.mktemp("tiny_bart"))


@pytest.fixture(scope="session")
def tiny_st_dir(tmp_path_factory) -> Path:
    import tiny_models

    return tiny_models.build_tiny_sentence_transformer(tmp_path_factory.mktemp("tiny_st"))
