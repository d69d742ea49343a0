"""Check that a change to the sentence splitter leaves its splits unchanged (issue 10: no speed bought with worse splits).

``--dump FILE`` writes the splits of a fixed sample with the splitter of the working tree; ``--compare FILE``
splits the same sample again and reports the share of documents whose split is identical, listing every
difference. Compared per document: :func:`newsml.data.split_sentences` of the raw text,
:func:`newsml.data.article.split_document` of the raw text (what the summarisers read) and the same with
``limit=5`` (what ``lead`` reads for lead-3).

Sample: 500 CNN/DailyMail originals, 300 BBC, 300 XSum (from ``../shared/data``, skipped when absent), our
own sentence fixtures (``tests/preprocess/fixtures/sentences_*.jsonl``) and the non-Latin robustness texts
(``tests/robustness/test_components_scripts.py``).

Usage (``4b0bc37`` = the splitter before the speed-up)::

    git archive 4b0bc37 src | tar -x -C /tmp/before
    PYTHONPATH=/tmp/before/src python experiments/check_split_equality.py --dump /tmp/splits_before.json \
        --n-cnndm 1000 --n-bbc 2225 --n-xsum 1000
    python experiments/check_split_equality.py --compare /tmp/splits_before.json --n-cnndm 1000 --n-bbc 2225 \
        --n-xsum 1000 --name split_equality --notes experiments/split_equality_notes.md
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "experiments"))
SHARED = ROOT.parent / "shared" / "data"


def sample(n_cnndm: int = 500, n_bbc: int = 300, n_xsum: int = 300) -> list[tuple[str, str]]:
    """``(source, text)`` pairs of the fixed sample."""
    out: list[tuple[str, str]] = []
    for name, rel, n in [("cnndm", "cnn_dailymail/cnndm_validation_1000.jsonl", n_cnndm),
                         ("bbc", "bbc_news_summary/bbc_news_summary.jsonl", n_bbc),
                         ("xsum", "xsum_test1000/xsum_test1000.jsonl", n_xsum)]:
        path = SHARED / rel
        if not path.exists():
            print(f"{path} not found: {name} skipped", file=sys.stderr)
            continue
        with path.open(encoding="utf-8") as f:
            for i, line in enumerate(f):
                if i >= n:
                    break
                out.append((name, json.loads(line)["text"]))
    for fx in sorted((ROOT / "tests" / "preprocess" / "fixtures").glob("sentences_*.jsonl")):
        for line in fx.read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.append(("fixtures", json.loads(line)["text"]))
    sys.path.insert(0, str(ROOT / "tests" / "robustness"))
    try:
        from test_components_scripts import TEXTS
    except Exception:  # noqa: BLE001 - the test module needs pytest; the fixtures above still count
        TEXTS = {}
    out += [("scripts", t) for t in TEXTS.values()]
    return out


def splits(text: str) -> dict[str, list[str]]:
    from newsml.data import split_sentences
    from newsml.data.article import split_document

    return {"split_sentences": split_sentences(text), "split_document": split_document(text)[0],
            "split_document_limit5": split_document(text, None, 5)[0]}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dump", help="write the current splits here")
    ap.add_argument("--compare", help="compare the current splits with this dump")
    ap.add_argument("--name", help="write the comparison as experiments/results/<name>.json/.md")
    ap.add_argument("--results-dir", default=None, help="results folder (default experiments/results)")
    ap.add_argument("--notes", help="a Markdown file appended to the report (the explanation of the differences)")
    ap.add_argument("--show", action="store_true", help="print the differing sentences on stderr")
    ap.add_argument("--n-cnndm", type=int, default=500)
    ap.add_argument("--n-bbc", type=int, default=300)
    ap.add_argument("--n-xsum", type=int, default=300)
    args = ap.parse_args(argv)
    docs = sample(args.n_cnndm, args.n_bbc, args.n_xsum)
    t = time.process_time()
    now = [splits(text) for _, text in docs]
    cpu = time.process_time() - t
    print(f"{len(docs)} documents split in {cpu:.2f} CPU-s", file=sys.stderr)
    if args.dump:
        Path(args.dump).write_text(json.dumps({"docs": [t for _, t in docs], "splits": now, "cpu_s": cpu}))
    if not args.compare:
        return 0
    before = json.loads(Path(args.compare).read_text())
    if before["docs"] != [t for _, t in docs]:
        print("the sample differs from the dump's", file=sys.stderr)
        return 2
    lines = ["# Sentence splits before/after the splitter speed-up (experiments/check_split_equality.py)", "",
             f"{len(docs)} documents; CPU seconds for the three splits of all of them: before "
             f"{before.get('cpu_s', float('nan')):.2f}, after {cpu:.2f}.", "",
             "| source | docs | identical split_sentences | identical split_document | identical limit=5 |",
             "|---|---|---|---|---|"]
    diffs = []
    by_source: dict[str, list[int]] = {}
    for i, ((source, _text), b, a) in enumerate(zip(docs, before["splits"], now)):
        row = by_source.setdefault(source, [0, 0, 0, 0])
        row[0] += 1
        for j, key in enumerate(("split_sentences", "split_document", "split_document_limit5")):
            if a[key] == b[key]:
                row[j + 1] += 1
            else:
                diffs.append((source, i, key, b[key], a[key]))
    total = [sum(r[j] for r in by_source.values()) for j in range(4)]
    for source, r in list(by_source.items()) + [("all", total)]:
        lines.append(f"| {source} | {r[0]} | " + " | ".join(f"{r[j]} ({100 * r[j] / r[0]:.1f}%)" for j in (1, 2, 3))
                     + " |")
    lines += ["", f"{len(diffs)} differing splits (document index in the sample; positions of the sentence ends "
              "that were removed or added, counted in non-space characters):", ""]
    for source, i, key, b, a in diffs:
        # positions (in characters other than white space) of the boundaries that went or came; no text is
        # printed, since the shared data must not be copied into the repository (--show prints it here)
        def ends(sents):
            out, pos = set(), 0
            for x in sents:
                pos += len("".join(x.split()))
                out.add(pos)
            return out
        gone, came = sorted(ends(b) - ends(a)), sorted(ends(a) - ends(b))
        lines.append(f"- {source} #{i} {key}: {len(b)} -> {len(a)} sentences; boundaries removed at {gone}, "
                     f"added at {came}")
        if args.show:
            print(f"{source} #{i} {key}:\n  before {[x for x in b if x not in a]!r}\n  after  {[x for x in a if x not in b]!r}",
                  file=sys.stderr)
    report = "\n".join(lines) + "\n"
    print(report)
    if args.name:
        from _results import write_pair  # the environment record + atomic JSON/MD pair of every benchmark

        payload = {"by_source": {src: dict(zip(("docs", "identical_split_sentences", "identical_split_document",
                                                "identical_limit5"), r)) for src, r in by_source.items()},
                   "cpu_s": {"before": before.get("cpu_s"), "after": cpu},
                   "differences": [{"source": src, "index": i, "key": key, "sentences_before": len(b),
                                    "sentences_after": len(a)} for src, i, key, b, a in diffs]}
        write_pair(args.name, payload, report + (Path(args.notes).read_text() if args.notes else ""),
                   results_dir=args.results_dir)
    return 0 if not diffs else 1


if __name__ == "__main__":
    sys.exit(main())
