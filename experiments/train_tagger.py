"""Train the ``tagger``'s distant-supervision heads and fit it on ``news_events_dev``; ship the weights.

Distant supervision: real news labelled with other event schemes, mapped onto ``news_events`` topics by
the taxonomy's ``acled`` / ``satp`` / ``police`` / ``plover`` keys:

* ``case2021_task2`` (ACLED sub-event types, whole texts);
* ``conflibert_events/satp_relevant`` (SATP attack types, first two sentences);
* ``india_police_events`` (police KILL/ARREST/FORCE..., first two sentences after the dateline);
* ``ngec_synthetic_plover`` (PLOVER type + mode, first two sentences; synthetic, subsampled);
* ``bbc_news_summary`` sport/business/tech/entertainment leads as no-topic examples.

Texts that are in ``news_events_dev`` (by ``source_id``) are left out. Each example is one short
snippet encoded with MiniLM (cached in ``.cache/tagger_distant.npz``); one logistic-regression head
per topic is trained on them. Then the tagger is fitted on all of ``news_events_dev`` (lexical head +
stacker + threshold) and saved to ``src/newsml/taxonomy/data/tagger/``.

Run: ``OMP_NUM_THREADS=1 python experiments/train_tagger.py [--per-source 1500]``
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

SHARED = Path(os.environ.get("NEWSML_DATA_DIR", REPO / ".." / "shared" / "data")).resolve()
CACHE_FILE = REPO / ".cache" / "tagger_distant.npz"
DEV_FILE = SHARED / "news_events_dev" / "news_events_dev.jsonl"
#: the tagger's default encoder set-up (ONNX int8 MiniLM)
ENC = {"backend": "auto", "quantize": True}
#: inverse regularisation of the distant heads
DISTANT_C = 1.0
NONPOL = ("sport", "business", "tech", "entertainment")


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_dev() -> list[dict]:
    return read_jsonl(DEV_FILE)


def _lead(text: str, n: int = 2, max_words: int = 80) -> str:
    from newsml.classify.base import split_sentences_for_evidence

    sents = split_sentences_for_evidence(text[:3000]) or [text]
    sents = [s for s in sents if not s.lower().startswith("this story is from")]
    return " ".join(" ".join(sents[:n]).split()[:max_words])


def distant_examples(per_source: int = 1500, seed: int = 13) -> list[tuple[str, str, list[str]]]:
    """``(source, snippet, source labels)`` from the mapped datasets, dev texts excluded."""
    dev = load_dev()
    excluded = {(r["source"], str(r["source_id"])) for r in dev}
    rng = random.Random(seed)
    out: list[tuple[str, str, list[str]]] = []

    def take(source: str, dev_source: str, rows: list[dict], n_sent: int, label_fn=None):
        rows = [r for r in rows if (dev_source, str(r["id"])) not in excluded]
        rng.shuffle(rows)
        for r in rows[:per_source]:
            labels = label_fn(r) if label_fn else list(r.get("labels") or [])
            text = r["text"] if n_sent == 0 else _lead(r["text"], n_sent)
            if text.strip():
                out.append((source, text, labels))

    take("acled", "case2021", read_jsonl(SHARED / "case2021_task2" / "case2021_task2_test.jsonl"), 0)
    take("satp", "satp", read_jsonl(SHARED / "conflibert_events" / "satp_relevant.jsonl"), 2)
    take("police", "india_police", read_jsonl(SHARED / "india_police_events" / "india_police_events_docs.jsonl"), 2)
    take("plover", "ngec", read_jsonl(SHARED / "ngec_synthetic_plover" / "ngec_synthetic_plover.jsonl"), 2,
         lambda r: [f"{r['labels'][0]}/{(r.get('mode') or '').lower()}"])
    bbc = [r for r in read_jsonl(SHARED / "bbc_news_summary" / "bbc_news_summary.jsonl") if r["labels"][0] in NONPOL]
    for r in bbc:
        r["id"] = r.get("id")
    take("none", "bbc", bbc, 2, lambda r: [])
    return out


def topic_targets(examples, taxonomy) -> np.ndarray:
    """Indicator ``(n_examples, n_topics)`` from the taxonomy's mapping keys."""
    Y = np.zeros((len(examples), len(taxonomy)), dtype=np.float32)
    for j, t in enumerate(taxonomy):
        ptypes = t.plover.get("type") if t.plover else None
        ptypes = [ptypes] if isinstance(ptypes, str) else list(ptypes or [])
        pmodes = t.plover.get("mode") if t.plover else None
        pmodes = [pmodes] if isinstance(pmodes, str) else list(pmodes or [])
        for i, (src, _, labels) in enumerate(examples):
            if src == "acled":
                Y[i, j] = any(x in t.acled for x in labels)
            elif src == "satp":
                Y[i, j] = any(x in t.satp for x in labels)
            elif src == "police":
                Y[i, j] = any(x in t.police for x in labels)
            elif src == "plover":
                typ, _, mode = labels[0].partition("/")
                Y[i, j] = typ in ptypes and (not pmodes or mode in pmodes)
    return Y


def encode_examples(examples) -> np.ndarray:
    from newsml.classify._vectors import CACHE

    CACHE.load_npz(CACHE_FILE, **ENC)
    n0 = len(CACHE)
    X = CACHE.get_many([e[1] for e in examples], None, batch_size=16, **ENC)
    if len(CACHE) > n0:
        CACHE_FILE.parent.mkdir(parents=True, exist_ok=True)
        CACHE.save_npz(CACHE_FILE, **ENC)
    return X


def distant_data(per_source: int = 1500):
    """Encoded mapped data: ``(X, Y, info)`` with ``Y`` over the ``news_events`` topics."""
    from newsml.taxonomy import load_taxonomy

    tax = load_taxonomy("news_events")
    ex = distant_examples(per_source)
    Y = topic_targets(ex, tax)
    X = encode_examples(ex)
    by_source: dict[str, int] = {}
    for s, _, _ in ex:
        by_source[s] = by_source.get(s, 0) + 1
    return X, Y, {"positives": {t.id: int(Y[:, j].sum()) for j, t in enumerate(tax)}, "examples": by_source}


def cache_dev_vectors() -> None:
    """Encode the dev set's sentences once (the same cache file)."""
    from newsml.classify._vectors import CACHE
    from newsml.classify.base import split_sentences_for_evidence

    CACHE.load_npz(CACHE_FILE, **ENC)
    n0 = len(CACHE)
    sents = [s for r in load_dev() for s in (split_sentences_for_evidence(r["text"]) or [r["text"]])]
    CACHE.get_many(sents, None, batch_size=16, **ENC)
    if len(CACHE) > n0:
        CACHE.save_npz(CACHE_FILE, **ENC)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-source", type=int, default=1500)
    ap.add_argument("--encode-only", action="store_true")
    args = ap.parse_args(argv)
    if args.encode_only:
        ex = distant_examples(args.per_source)
        print(len(ex), "distant examples")
        encode_examples(ex)
        cache_dev_vectors()
        print("cached")
        return
    from newsml.classify.tagger import WEIGHTS_DIR, NewsEventTagger, save_shipped

    for old in WEIGHTS_DIR.glob("news_events.*"):  # start from no shipped weights
        old.unlink()

    X, Y, info = distant_data(args.per_source)
    print(info)
    cache_dev_vectors()
    dev = load_dev()
    tagger = NewsEventTagger().fit_distant(X, Y, C=DISTANT_C)
    info["distant_C"] = DISTANT_C
    tagger.fit([r["text"] for r in dev], [r["labels"] for r in dev])
    path = save_shipped(tagger, {**info, "fitted_on": f"news_events_dev ({len(dev)} texts)",
                                 "created_by": "experiments/train_tagger.py"})
    print("wrote", path)


if __name__ == "__main__":
    main()
