"""Training data and the recipe of the shipped supervised summariser.

The model shipped in ``newsml/summarize/models/news`` holds only learned numbers (feature means,
scales and weights: no text). It is trained by ``experiments/bench_summarize.py --train`` with
:func:`train_default` on the *training* part of two public datasets found in ``../shared/data``:

* ``bbc_news_summary`` (CC0 per the Kaggle card; extractive references whose sentences run together
  without spaces, repaired by :func:`repair_bbc_summary`), title line removed from the body and
  passed as the title;
* ``xsum_test1000`` (CC BY-SA 4.0; one-sentence abstractive references).

The split is a deterministic hash of the document id (:func:`is_train`): about 70 % train, the rest
is held out and is what the benchmark scores, so benchmark numbers are never on training documents.

Examples
--------
>>> repair_bbc_summary("Profits rose 5%.Sales fell.")
'Profits rose 5%. Sales fell.'
>>> is_train("bbc/001") in (True, False)
True
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

_REPAIR = re.compile(r"([.!?][\"'”’]?)(?=[A-Z\"“])")


def repair_bbc_summary(summary: str) -> str:
    """Put the missing space back between sentences of a BBC extractive summary."""
    return _REPAIR.sub(r"\1 ", summary).strip()


def is_train(doc_id: str, train_share: float = 0.7) -> bool:
    """Deterministic train/held-out split by a hash of the document id."""
    h = int(hashlib.sha1(str(doc_id).encode("utf-8")).hexdigest()[:8], 16)
    return (h % 1000) < train_share * 1000


def shared_data_dir() -> Path:
    """``../shared/data`` next to the repository (or ``$NEWSML_DATA_DIR``)."""
    import os

    env = os.environ.get("NEWSML_DATA_DIR")
    if env:
        return Path(env)
    try:
        from newsml.data.recipes import shared_data_dir as _sdd  # type: ignore[import-not-found]

        return Path(_sdd())
    except Exception:  # noqa: BLE001 - the preprocessing module may not provide it yet
        return Path(__file__).resolve().parents[3] / ".." / "shared" / "data"


def load_pairs(name: str, data_dir: str | Path | None = None, split: str = "all",
               limit: int | None = None) -> list[dict[str, Any]]:
    """(article, reference) pairs of ``bbc`` or ``xsum`` as dicts ``id, text, title, summary``.

    ``split`` is ``"train"``, ``"test"`` (held out by :func:`is_train`) or ``"all"``.
    """
    data_dir = Path(data_dir) if data_dir is not None else shared_data_dir()
    files = {"bbc": data_dir / "bbc_news_summary" / "bbc_news_summary.jsonl",
             "xsum": data_dir / "xsum_test1000" / "xsum_test1000.jsonl"}
    if name not in files:
        from newsml.errors import ConfigError

        raise ConfigError(f"unknown summarisation dataset {name!r}; allowed: {', '.join(files)}")
    path = files[name]
    if not path.exists():
        from newsml.errors import InputError

        raise InputError(f"{path} not found; put the shared data in ../shared/data or set NEWSML_DATA_DIR")
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            text, summary, title = rec.get("text") or "", rec.get("summary") or "", rec.get("title") or ""
            if name == "bbc":
                first, _, rest = text.partition("\n")
                if title and first.strip() == title.strip():
                    text = rest.strip()
                summary = repair_bbc_summary(summary)
            if not text.strip() or not summary.strip():
                continue
            train = is_train(rec["id"])
            if (split == "train" and not train) or (split == "test" and train):
                continue
            out.append({"id": rec["id"], "text": text, "title": title, "summary": summary})
            if limit is not None and len(out) >= limit:
                break
    return out


def train_default(out_dir: str | Path | None = None, data_dir: str | Path | None = None, **params: Any):
    """Train the shipped ``news`` model on the train parts of bbc and xsum and save it.

    Returns the fitted :class:`~newsml.summarize.supervised.SupervisedSummarizer`.
    """
    from newsml.summarize.supervised import PRETRAINED, SupervisedSummarizer

    pairs = load_pairs("bbc", data_dir, "train") + load_pairs("xsum", data_dir, "train")
    docs = [{"text": p["text"], "title": p["title"]} for p in pairs]
    model = SupervisedSummarizer(pretrained=None, **params).fit(docs, [p["summary"] for p in pairs])
    model.pretrained = "news"
    model.save(out_dir or PRETRAINED["news"])
    return model
