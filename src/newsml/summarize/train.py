"""The recipe of the shipped supervised summariser, on the data layer's own splits.

The model shipped in ``newsml/summarize/models/news`` holds only learned numbers (feature means and
scales, tree arrays: no text). :func:`train_default` trains it on the **train split only** of the
datasets ``newsml prepare`` builds from ``../shared/data`` (:data:`DEFAULT_TRAINING`):

* ``cnn_dailymail`` train: 15,000 CNN / Daily Mail articles with highlights (tokenised, lower-cased);
* ``bbc`` train: the 80 % train split of ``newsml prepare bbc`` (extractive references).

Nothing here reads, cleans, splits sentences or splits datasets: :func:`newsml.data.prepare` does, and
the rows it writes (``sentences`` already split) are what the model learns from. The ids of every
training document are saved next to the model (``train_ids.txt.gz``) with their SHA-256 and each
dataset's fingerprint in the model's metadata, so an evaluation can drop them
(:func:`training_ids`).

Examples
--------
>>> sorted(DEFAULT_TRAINING)
['bbc', 'cnn_dailymail']
>>> ids_digest(["b", "a"]) == ids_digest(["a", "b"])
True
"""

from __future__ import annotations

import gzip
import hashlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

#: recipes (and how many train documents of each, None = all) the shipped model learns from
DEFAULT_TRAINING: dict[str, int | None] = {"cnn_dailymail": None, "bbc": None}
IDS_FILE = "train_ids.txt.gz"


def shared_data_dir() -> Path:
    """The shared data folder (see :func:`newsml.data.recipes.shared_data_dir`)."""
    from newsml.data.recipes import shared_data_dir as _sdd

    return _sdd()


def ids_digest(ids: Sequence[str]) -> str:
    """SHA-256 over the sorted ids, one per line (order does not matter)."""
    h = hashlib.sha256()
    for i in sorted(ids):
        h.update(str(i).encode("utf-8") + b"\n")
    return "sha256:" + h.hexdigest()


def prepared_split(recipe: str, split: str, cache_dir: str | Path | None = None,
                   data_dir: str | Path | None = None) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Rows of one split of ``newsml prepare RECIPE`` (prepared once into ``cache_dir``) and the manifest.

    Each row has ``id``, ``text``, ``title``, ``sentences`` and ``summary``.
    """
    import json

    from datasets import load_from_disk

    from newsml.data import prepare

    out = Path(cache_dir) / f"prepared_{recipe}" if cache_dir else None
    if out is not None and (out / "manifest.json").is_file():
        dsd = load_from_disk(str(out))
        manifest = json.loads((out / "manifest.json").read_text())
    else:
        dsd, manifest = prepare(recipe, out, data_dir=str(data_dir) if data_dir else None, progress=False)
    if split not in dsd:
        return [], manifest
    cols = ["id", "text", "title", "sentences", "summary", "meta"]
    rows = [r for r in dsd[split].select_columns(cols)]
    return rows, manifest


def training_ids(path: str | Path | None = None) -> set[str]:
    """Ids of the documents the saved model at ``path`` (default: the shipped one) was trained on."""
    from newsml.summarize.supervised import PRETRAINED

    path = Path(path) if path is not None else PRETRAINED["news"]
    f = path / IDS_FILE
    if not f.is_file():
        return set()
    with gzip.open(f, "rt", encoding="utf-8") as fh:
        return {line.rstrip("\n") for line in fh if line.strip()}


def train_default(out_dir: str | Path | None = None, data_dir: str | Path | None = None,
                  cache_dir: str | Path | None = None, training: dict[str, int | None] | None = None,
                  **params: Any):
    """Train the shipped ``news`` model on the train splits of :data:`DEFAULT_TRAINING` and save it.

    Returns the fitted :class:`~newsml.summarize.supervised.SupervisedSummarizer`.
    """
    from newsml.summarize.supervised import PRETRAINED, SupervisedSummarizer

    training = DEFAULT_TRAINING if training is None else training
    texts, refs, ids, sources = [], [], [], {}
    for recipe, limit in training.items():
        rows, manifest = prepared_split(recipe, "train", cache_dir, data_dir)
        rows = [r for r in rows if (r["summary"] or "").strip() and r["sentences"]][:limit]
        sources[recipe] = {"split": "train", "documents": len(rows), "fingerprint": manifest.get("fingerprint"),
                           "ids": ids_digest([r["id"] for r in rows])}
        print(f"train: {recipe} train split, {len(rows)} documents", file=sys.stderr, flush=True)
        for r in rows:
            texts.append({"text": r["text"], "title": r["title"] or "", "sentences": r["sentences"]})
            refs.append(r["summary"])
            ids.append(r["id"])
    model = SupervisedSummarizer(pretrained=None, **params)
    X, y = model.training_matrix(texts, refs)
    model.fit_matrix(X, y)
    model.train_info_ = {"datasets": sources, "documents": len(ids), "ids": ids_digest(ids),
                         "ids_file": IDS_FILE}
    model.pretrained = "news"
    out = Path(out_dir or PRETRAINED["news"])
    model.save(out)
    with gzip.open(out / IDS_FILE, "wt", encoding="utf-8", compresslevel=9) as fh:
        fh.write("\n".join(sorted(ids)) + "\n")
    return model
