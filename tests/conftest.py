"""Shared fixtures: tiny local models (built once per session), paths, and the slow/shared markers."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = (REPO / ".." / "shared" / "data").resolve()
SEEDS = REPO / "seeds"
sys.path.insert(0, str(Path(__file__).resolve().parent))  # makes `import tiny_models` work


def pytest_collection_modifyitems(config, items):
    if os.environ.get("NEWSML_SLOW") == "1":
        return
    skip_slow = pytest.mark.skip(reason="slow test: set NEWSML_SLOW=1 to run")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip_slow)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is absent")
    return SHARED_DATA


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
