"""Benchmark of the no-training-data tagger (``zero-shot`` on ``news_events``) and its baselines.

Quality is measured on two labelled sets we wrote ourselves (multi-label, about 25-30% with no topic):

* ``experiments/devsets/news_events_dev.jsonl``: 213 short news-style snippets (2-5 sentences), one
  author's style, split ``tune``/``test``;
* ``experiments/devsets/news_events_blind.jsonl``: 95 multi-paragraph wire-style articles by a second
  author (datelines, quotes, background paragraphs that mention other events in passing, hard
  negatives such as a football "attack" or a "price war"), split ``tune``/``holdout``. It was written
  and scored (:data:`BLIND_PRE_TUNING`) before any tuning against it, as an honest transfer estimate;
* ``experiments/devsets/news_events_blind2.jsonl``: 150 articles by a third author (briefs of 40-80
  words to 400-word pieces, many outlets and regions, 36 with no topic including sport/business
  hard negatives, 1-5 topics per political article). Nothing is calibrated on it: it is scored whole,
  as a blind estimate of transfer. (Calibrating on its ``tune`` half as well, with or without
  per-label thresholds or per-label intercepts, moved the macro-F1 on the two held-out halves by
  -0.02 to +0.02, within noise, so the shipped calibration was left as it was.)

The zero-shot tagger's two-stage combination weights and its threshold are calibrated on the two
``tune`` halves only (``--calibrate`` rewrites the shipped calibration file); every number is
measured on the dev ``test`` half and the blind ``holdout`` half.

Systems, all run in this script on the same texts:

* ``keyword``: the newsml cue-phrase tagger (no training data);
* ``minilm-definition``: the plain sentence-transformers baseline: MiniLM similarity of the whole
  text to each topic's short definition, one threshold *tuned on the test set itself* (optimistic);
* ``zero-shot``: the previous default tagger, as a user gets it (``newsml.get_classifier("zero-shot")``);
* ``tagger (shipped, ...)``: the default tagger as shipped (its lexical head and stacker are fitted on
  the real-news ``news_events_dev``, never on these sets): a transfer check to other writing.

On real news from ``../shared/data`` (skipped when absent): the share of BBC sport, business,
technology and entertainment articles that correctly get *no* topic (whole articles, a fixed
random sample; BBC articles in a separate sample may be used as extra no-topic examples for
calibration with ``--bbc-calib``), the seed article check, and zero-shot PLOVER event types on a
stratified sample of the synthetic NGEC stories beside MiniLM similarity to the codebook
definitions (``--plover-per-type``).

Run: ``HF_HUB_OFFLINE=1 .venv/bin/python experiments/bench_tagger.py [--calibrate]``
Writes ``experiments/results/tagger_teamsets.json`` and ``tagger_teamsets.md``. These sets were written by the team:
secondary smoke tests; the real-news benchmark is ``experiments/bench_tagger.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "experiments"))

from bench_classify_common import indicator, macro_f1, per_label_f1  # noqa: E402

import newsml  # noqa: E402
from newsml.classify._linear import sigmoid as _sigmoid  # noqa: E402
from newsml.classify.zeroshot import (  # noqa: E402
    CALIBRATION_FILE,
    DOC_FEATURES,
    FEATURES,
    ZeroShotClassifier,
    best_global_threshold,
    fit_combination,
)
from newsml.evaluate import bootstrap_ci  # noqa: E402

DEV = REPO / "experiments" / "devsets" / "news_events_dev.jsonl"
BLIND = REPO / "experiments" / "devsets" / "news_events_blind.jsonl"
BLIND2 = REPO / "experiments" / "devsets" / "news_events_blind2.jsonl"
#: scores on the FULL blind set (95 articles) of the tagger as it was before any tuning against the
#: blind set (one-stage max-pooled combination calibrated on the dev tune half), measured with this
#: script's metrics right after the set was written.
BLIND_PRE_TUNING = {
    "zero-shot": {"macro_f1": {"value": 0.666, "low": 0.597, "high": 0.699}, "no_topic_accuracy": 0.885,
                  "holdout_half_macro_f1": {"value": 0.672, "low": 0.559, "high": 0.721}},
    "keyword": {"macro_f1": {"value": 0.640, "low": 0.562, "high": 0.682}, "no_topic_accuracy": 0.500},
    "minilm-definition (threshold tuned on the set)": {"macro_f1": {"value": 0.469, "low": 0.394, "high": 0.509},
                                                        "no_topic_accuracy": 0.923},
}
STAGE2_C = 0.1  # inverse regularisation of the second-stage (document) combination
SEED = REPO / "seeds" / "000_7720f7d8ad8d4f8e.txt"
RESULTS = REPO / "experiments" / "results"
SHARED = (REPO / ".." / "shared" / "data").resolve()
NONPOL = ("sport", "business", "tech", "entertainment")


# ------------------------------------------------------------------------------------ metrics


def macro_ci(Y: np.ndarray, P: np.ndarray, seed: int = 0):
    return bootstrap_ci(lambda idx: macro_f1(Y[idx], P[idx]), len(Y), n_boot=1000, seed=seed)


def no_topic_accuracy(Y: np.ndarray, P: np.ndarray) -> float:
    """Among texts with no gold topic, the share that got no predicted topic."""
    none = ~Y.any(1)
    return float((~P[none].any(1)).mean()) if none.any() else float("nan")


# ------------------------------------------------------------------------------------- data
def load_dev(path: Path = DEV) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_bbc(n_calib: int, n_eval: int, seed: int = 13):
    """Disjoint fixed random samples of BBC articles per category (calibration / evaluation)."""
    path = SHARED / "bbc_news_summary" / "bbc_news_summary.jsonl"
    if not path.exists():
        return None, None
    docs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rng = random.Random(seed)
    rng.shuffle(docs)
    by: dict[str, list[dict]] = {}
    for d in docs:
        by.setdefault(d["labels"][0], []).append(d)
    calib, evals = [], []
    for cat in sorted(by):
        per_c = n_calib // len(NONPOL) if cat in NONPOL else 0
        per_e = n_eval // len(by)
        calib += by[cat][:per_c]
        evals += by[cat][per_c:per_c + per_e]
    return calib, evals


def timed(fn, texts):
    """Run ``fn(texts)`` measuring docs/s and tracemalloc peak (MiB)."""
    tracemalloc.start()
    t0 = time.perf_counter()
    out = fn(texts)
    dt = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return out, {"docs_per_s": len(texts) / dt if dt else float("inf"), "seconds": dt,
                 "peak_mib": peak / 2**20, "n_docs": len(texts)}


# ---------------------------------------------------------------------------------- baseline
def definition_baseline(texts: list[str], classes: list[str], Y: np.ndarray):
    """MiniLM similarity of the text to each topic's short definition, threshold tuned on Y itself."""
    from newsml.encoders import encode
    from newsml.taxonomy import load_taxonomy

    tax = load_taxonomy("news_events")
    D = encode([f"{tax[c].name}: {tax[c].definition}" for c in classes])

    def run(ts):
        return encode(list(ts)) @ D.T

    S, speed = timed(run, texts)
    best, best_t = -1.0, 0.0
    for t in np.arange(0.05, 0.8, 0.01):
        m = macro_f1(Y, S >= t)
        if m > best:
            best, best_t = m, float(t)
    return S >= best_t, best_t, speed


#: name of the shipped default tagger's row (its heads are fitted on real news, not on these sets)
TAGGER_ROW = "tagger (shipped, fitted on real news)"


def evaluate_set(rows: list[dict], classes: list[str], zs, kw, tagger=None) -> dict:
    """Zero-shot, keyword, the shipped tagger and the MiniLM-definition baseline on ``rows``: macro-F1 with CI..."""
    texts = [r["text"] for r in rows]
    Y = indicator([r["labels"] for r in rows], classes)
    systems: dict[str, dict] = {}
    pred, speed = timed(zs.predict, texts)
    systems["zero-shot"] = {"pred": indicator(pred, classes), "speed": speed}
    pred, speed = timed(kw.predict, texts)
    systems["keyword"] = {"pred": indicator(pred, classes), "speed": speed}
    if tagger is not None:
        pred, speed = timed(tagger.predict, texts)
        systems[TAGGER_ROW] = {"pred": indicator(pred, classes), "speed": speed}
    P, t, speed = definition_baseline(texts, classes, Y)
    systems["minilm-definition (threshold tuned on the set)"] = {"pred": P, "speed": speed, "threshold": t}
    table = {}
    for name, s in systems.items():
        ci = macro_ci(Y, s["pred"])
        table[name] = {
            "macro_f1": ci.to_dict(),
            "micro_f1": float(2 * (Y & s["pred"]).sum() / max(Y.sum() + s["pred"].sum(), 1)),
            "no_topic_accuracy": no_topic_accuracy(Y, s["pred"]),
            "per_label_f1": {c: (None if np.isnan(f) else round(float(f), 3))
                             for c, f in zip(classes, per_label_f1(Y, s["pred"]))},
            **{k: v for k, v in s.items() if k not in ("pred",)},
        }
        print(f"{name:48s} macro-F1 {ci}  {s['speed']['docs_per_s']:.1f} docs/s ({len(rows)} texts)")
    return table


# -------------------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--calibrate", action="store_true", help="recalibrate on the tune split and rewrite "
                    f"{CALIBRATION_FILE.relative_to(REPO)}")
    ap.add_argument("--bbc-calib", type=int, default=30, help="BBC non-political articles added as no-topic "
                    "examples when calibrating (0 = none)")
    ap.add_argument("--bbc-eval", type=int, default=100, help="BBC articles in the real-news no-topic check")
    ap.add_argument("--plover-per-type", type=int, default=8, help="synthetic PLOVER stories per event type in "
                    "the zero-shot PLOVER check (0 = skip)")
    args = ap.parse_args(argv)

    rows = load_dev()
    tune = [r for r in rows if r["split"] == "tune"]
    test = [r for r in rows if r["split"] == "test"]
    probe = ZeroShotClassifier()
    probe._check_fitted()
    classes = [str(c) for c in probe.classes_]
    Yt = indicator([r["labels"] for r in test], classes)
    bbc_calib, bbc_eval = load_bbc(args.bbc_calib, args.bbc_eval) if SHARED.is_dir() else (None, None)
    result: dict = {"dev_set": str(DEV.relative_to(REPO)), "n_tune": len(tune), "n_test": len(test),
                    "n_test_no_topic": int((~Yt.any(1)).sum()), "classes": classes, "features": FEATURES}

    # ---- calibration (both tune halves + optional BBC no-topic articles)
    blind = load_dev(BLIND)
    blind_tune = [r for r in blind if r["split"] == "tune"]
    holdout = [r for r in blind if r["split"] == "holdout"]
    if args.calibrate:
        cal_rows = tune + blind_tune
        pooled, blocks, sents = probe._pooled_features([r["text"] for r in cal_rows])
        Y = indicator([r["labels"] for r in cal_rows], classes).astype(float)
        n_lab = len(cal_rows)
        used_bbc = 0
        if bbc_calib and args.bbc_calib:
            pb, bb, sb = probe._pooled_features([d["text"] for d in bbc_calib])
            pooled, blocks, sents = np.concatenate([pooled, pb]), blocks + bb, sents + sb
            Y = np.concatenate([Y, np.zeros((len(pb), len(classes)))])
            used_bbc = len(pb)
        # stage 1: sentence-level combination, fitted on max-pooled document features
        coef, intercept = fit_combination(pooled, Y)
        probe.coef_, probe.intercept_ = coef, intercept
        # stage 2: document combination over where the sentence support lies (lead, foreground...)
        F2 = probe._stage2(pooled, blocks, sents)
        doc_coef, doc_intercept = fit_combination(F2, Y, C=STAGE2_C)
        threshold = best_global_threshold(Y[:n_lab], _sigmoid(F2[:n_lab] @ doc_coef + doc_intercept))
        cal = {"features": FEATURES, "coef": [round(float(c), 4) for c in coef],
               "intercept": round(float(intercept), 4),
               "doc_features": DOC_FEATURES, "doc_coef": [round(float(c), 4) for c in doc_coef],
               "doc_intercept": round(float(doc_intercept), 4), "threshold": threshold, "thresholds": {},
               "encoder": "all-MiniLM-L6-v2", "taxonomy": "news_events",
               "calibrated_on": f"{DEV.relative_to(REPO)} split=tune ({len(tune)} texts) + "
                                f"{BLIND.relative_to(REPO)} split=tune ({len(blind_tune)} texts)"
                                + (f" + {used_bbc} BBC sport/business/tech/entertainment articles as no-topic"
                                   if used_bbc else ""),
               "created_by": "experiments/bench_tagger_teamsets.py --calibrate"}
        CALIBRATION_FILE.parent.mkdir(parents=True, exist_ok=True)
        CALIBRATION_FILE.write_text(json.dumps(cal, indent=2) + "\n")
        print(f"wrote {CALIBRATION_FILE}: {cal}")
        for old in CALIBRATION_FILE.parent.glob("prototypes-*.npy"):
            old.unlink()
        for tax in ("news_events", "plover"):
            print("wrote", ZeroShotClassifier(taxonomy=tax).export_prototypes())
    result["calibration"] = json.loads(CALIBRATION_FILE.read_text()) if CALIBRATION_FILE.exists() else None

    zs = newsml.get_classifier("zero-shot")  # exactly as a user gets it
    zs.predict(["warm-up sentence for the encoder."])
    kw = newsml.get_classifier("keyword")
    tg = newsml.get_classifier("tagger")  # the library default, as shipped
    result["systems"] = evaluate_set(test, classes, zs, kw, tg)
    result["blind"] = {"dev_set": str(BLIND.relative_to(REPO)), "n": len(blind), "n_tune": len(blind_tune),
                       "n_holdout": len(holdout),
                       "n_holdout_no_topic": int(sum(not r["labels"] for r in holdout)),
                       "pre_tuning_full_set": BLIND_PRE_TUNING,
                       "systems": evaluate_set(holdout, classes, zs, kw, tg)}
    blind2 = load_dev(BLIND2)
    result["blind2"] = {"dev_set": str(BLIND2.relative_to(REPO)), "n": len(blind2),
                        "n_no_topic": int(sum(not r["labels"] for r in blind2)),
                        "systems": evaluate_set(blind2, classes, zs, kw, tg)}

    # ---- seed article
    seed_text = SEED.read_text(encoding="utf-8")
    labels = zs.predict([seed_text])[0]
    ev = zs.explain(seed_text, top_k=1)
    result["seed"] = {"labels": labels, "evidence": {k: v[0].sentence for k, v in ev.items()},
                      "keyword_labels": kw.predict([seed_text])[0]}
    print("seed:", labels)

    # ---- real news: BBC no-topic check
    if bbc_eval:
        bbc_res = {}
        for name, clf in (("zero-shot", zs), ("keyword", kw)):
            pred, speed = timed(clf.predict, [d["text"] for d in bbc_eval])
            cats: dict[str, list[bool]] = {}
            for d, p in zip(bbc_eval, pred):
                cats.setdefault(d["labels"][0], []).append(not p)
            nonpol = [x for c in NONPOL for x in cats.get(c, [])]
            ci = bootstrap_ci(np.array(nonpol, dtype=float), seed=0)
            bbc_res[name] = {"no_topic_rate_nonpolitical": ci.to_dict(),
                             "no_topic_rate_by_category": {c: float(np.mean(v)) for c, v in sorted(cats.items())},
                             "speed": speed}
            print(f"BBC {name}: no-topic on non-political {ci}; {speed['docs_per_s']:.2f} docs/s")
        result["bbc"] = {"n": len(bbc_eval), "calibration_articles_excluded": len(bbc_calib or []),
                         "systems": bbc_res}

    if args.plover_per_type and SHARED.is_dir():
        result["plover"] = plover_check(args.plover_per_type)

    result["machine"] = {"cpus": os.cpu_count(), "load_avg_1min": os.getloadavg()[0],
                         "note": "2 shared CPU cores, other jobs running"}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "tagger_teamsets.json").write_text(json.dumps(result, indent=2, default=float) + "\n")
    (RESULTS / "tagger_teamsets.md").write_text(render_md(result))
    return result


def plover_check(per_type: int, seed: int = 13) -> dict:
    """Zero-shot PLOVER event types on a stratified sample of the synthetic NGEC stories.

    Compared with the plain baseline: MiniLM similarity of the story to each codebook event
    definition (read at run time from ``../shared``). Labels are noisy pseudo-labels, and the
    stories are machine-written, so this is a sanity check, not a real-news score.
    """
    import csv

    from newsml.encoders import encode

    base = SHARED / "ngec_synthetic_plover"
    rows = [json.loads(line) for line in (base / "ngec_synthetic_plover.jsonl").read_text().splitlines() if line.strip()]
    rng = random.Random(seed)
    rng.shuffle(rows)
    by: dict[str, list[dict]] = {}
    for r in rows:
        by.setdefault(r["labels"][0], []).append(r)
    sample = [r for lab in sorted(by) for r in by[lab][:per_type]]
    gold = [r["labels"][0] for r in sample]
    texts = [r["text"] for r in sample]
    clf = newsml.get_classifier("zero-shot", taxonomy="plover", multi_label=False)
    pred, speed = timed(clf.predict, texts)
    defs: dict[str, str] = {}
    with (base / "PLOVER_structured_codebook_updated.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            defs.setdefault(row["event"], row["event_def"])
    labs = sorted(defs)
    D = encode([defs[x] for x in labs])
    S, bspeed = timed(lambda ts: encode(list(ts)) @ D.T, texts)
    base_pred = [labs[j] for j in S.argmax(1)]
    out = {"n": len(sample), "per_type": per_type}
    for name, p, sp in (("zero-shot (plover taxonomy)", pred, speed), ("minilm-codebook-definition", base_pred, bspeed)):
        correct = np.array([a == b for a, b in zip(p, gold)], dtype=float)
        ci = bootstrap_ci(correct, seed=0)
        out[name] = {"accuracy": ci.to_dict(), "speed": sp}
        print(f"PLOVER {name}: accuracy {ci}")
    return out


def _system_table(systems: dict) -> list[str]:
    lines = ["| system | macro-F1 [95% CI] | micro-F1 | no-topic texts kept empty | docs/s | peak MiB (tracemalloc) |",
             "|---|---|---|---|---|---|"]
    for name, s in systems.items():
        m = s["macro_f1"]
        lines.append(f"| {name} | {m['value']:.3f} [{m['low']:.3f}, {m['high']:.3f}] | {s['micro_f1']:.3f} | "
                     f"{s['no_topic_accuracy']:.2f} | {s['speed']['docs_per_s']:.1f} | {s['speed']['peak_mib']:.1f} |")
    return lines


def render_md(r: dict) -> str:
    lines = ["# Tagger on team-written sets (`experiments/bench_tagger_teamsets.py`, secondary)", "",
             f"Calibration: {r['calibration']['calibrated_on'] if r.get('calibration') else 'fallback'}. "
             "Macro-F1 over the 18 `news_events` topics with 95% bootstrap CIs (1000 resamples); "
             "MiniLM-definition has its threshold tuned on the scored set itself (optimistic).", ""]
    b = r["blind"]
    lines += [f"## Blind set: real-news-style articles (`{b['dev_set']}`)", "",
              f"{b['n']} multi-paragraph wire-style articles written by a second author for this check (not the "
              "dev set's author), with datelines, quotes, background paragraphs and hard negatives. Before any "
              "tuning against it, on the full set:", "",
              "| system (pre-tuning, full set) | macro-F1 [95% CI] | no-topic texts kept empty |", "|---|---|---|"]
    for name, s in b["pre_tuning_full_set"].items():
        m = s["macro_f1"]
        lines.append(f"| {name} | {m['value']:.3f} [{m['low']:.3f}, {m['high']:.3f}] | {s['no_topic_accuracy']:.2f} |")
    pre_h = b["pre_tuning_full_set"]["zero-shot"].get("holdout_half_macro_f1")
    if pre_h:
        lines += ["", f"Pre-tuning zero-shot on the held-out half alone: {pre_h['value']:.3f} "
                  f"[{pre_h['low']:.3f}, {pre_h['high']:.3f}]."]
    lines += ["", f"Now, on the held-out half ({b['n_holdout']} articles, {b['n_holdout_no_topic']} with no topic; "
              f"the other {b['n_tune']} were used for calibration):", ""]
    lines += _system_table(b["systems"])
    if "blind2" in r:
        b2 = r["blind2"]
        lines += ["", f"## Second blind set: news by a third author (`{b2['dev_set']}`)", "",
                  f"All {b2['n']} articles ({b2['n_no_topic']} with no topic), none used for calibration or for any "
                  "choice: a blind estimate of transfer to other writing.", ""]
        lines += _system_table(b2["systems"])
    lines += ["", f"## Dev set: short snippets (`{r['dev_set']}`)", "",
              f"Test split ({r['n_test']} texts, {r['n_test_no_topic']} with no topic; the {r['n_tune']} tune "
              "texts were used for calibration):", ""]
    lines += _system_table(r["systems"])
    tabs = [b["systems"], r["blind2"]["systems"], r["systems"]] if "blind2" in r else [b["systems"], r["systems"]]
    lines += ["", "Per-label F1 (blind holdout / " + ("second blind set / " if "blind2" in r else "") + "dev test):", "",
              "| topic | " + " | ".join(r["systems"]) + " |", "|---|" + "---|" * len(r["systems"])]
    for c in r["classes"]:
        cells = []
        for name in r["systems"]:
            vals = [tab[name]["per_label_f1"][c] for tab in tabs]
            cells.append(" / ".join("-" if v is None else f"{v:.2f}" for v in vals))
        lines.append(f"| {c} | " + " | ".join(cells) + " |")
    if "bbc" in r:
        b = r["bbc"]
        lines += ["", f"Real news: {b['n']} BBC articles (whole articles, fixed sample; the "
                  f"{b['calibration_articles_excluded']} articles used for calibration are excluded). Share of sport/"
                  "business/tech/entertainment articles that get no topic (higher is better), and per category:", "",
                  "| system | non-political with no topic [95% CI] | by category | docs/s |", "|---|---|---|---|"]
        for name, s in b["systems"].items():
            ci = s["no_topic_rate_nonpolitical"]
            cats = ", ".join(f"{k} {v:.2f}" for k, v in s["no_topic_rate_by_category"].items())
            lines.append(f"| {name} | {ci['value']:.2f} [{ci['low']:.2f}, {ci['high']:.2f}] | {cats} | "
                         f"{s['speed']['docs_per_s']:.2f} |")
    if "plover" in r:
        pl = r["plover"]
        lines += ["", f"PLOVER event types, zero-shot (no training data), single label, on {pl['n']} synthetic NGEC "
                  f"stories ({pl['per_type']} per type, fixed sample; noisy pseudo-labels, machine-written text):", "",
                  "| system | accuracy [95% CI] | docs/s |", "|---|---|---|"]
        for name in ("zero-shot (plover taxonomy)", "minilm-codebook-definition"):
            a = pl[name]["accuracy"]
            lines.append(f"| {name} | {a['value']:.3f} [{a['low']:.3f}, {a['high']:.3f}] | "
                         f"{pl[name]['speed']['docs_per_s']:.2f} |")
    s = r["seed"]
    lines += ["", f"Seed article, zero-shot labels: {', '.join(s['labels'])}", ""]
    for k, v in s["evidence"].items():
        lines.append(f"- **{k}**: {v}")
    lines += ["", f"Machine: {r['machine']['note']} (1-minute load average {r['machine']['load_avg_1min']:.1f}); "
              "docs/s are encoder-bound and vary with load. Peak memory is what tracemalloc sees (Python and "
              "numpy allocations, not torch's).", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
