"""Fixtures of the corpus-job tests: generated documents (our own wording) and one shared local Ray."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # makes `import corpus_docs` work

from corpus_docs import make_documents, write_jsonl  # noqa: E402


@pytest.fixture(scope="session")
def corpus_jsonl(tmp_path_factory) -> Path:
    """200 generated documents plus one malformed line and one empty text (two error rows)."""
    d = tmp_path_factory.mktemp("corpus")
    recs = make_documents(200)
    recs.insert(120, {"id": "empty-1", "text": "   "})
    return write_jsonl(d / "corpus.jsonl", recs, bad_lines={50: "{not json"})


#: the fast components of the corpus benchmark
FAST = {"classifier": "keyword", "summarizer": "lead", "max_sentences": 2}


@pytest.fixture(scope="session")
def local_run(corpus_jsonl, tmp_path_factory):
    """The generated corpus through the local engine (one process) with the fast components."""
    import newsml

    out = tmp_path_factory.mktemp("local") / "out"
    return newsml.annotate(corpus_jsonl, out, batch_size=32, rows_per_part=100, **FAST)


@pytest.fixture(scope="session")
def ray_session():
    """One local Ray (2 CPUs, no dashboard) shared by every Ray test; skipped when Ray is not installed."""
    ray = pytest.importorskip("ray", reason="ray is not installed (pip install 'newsml[ray]')")
    pytest.importorskip("ray.data")
    import logging

    if not ray.is_initialized():
        ray.init(num_cpus=2, include_dashboard=False, logging_level=logging.WARNING)
    yield ray
    ray.shutdown()
