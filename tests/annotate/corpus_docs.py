"""Generated news-like documents for the corpus-job tests (our own wording, deterministic per seed)."""

from __future__ import annotations

import json
import random
from pathlib import Path

_ACTORS = ["Mali", "Senegal", "Niger", "Chad", "Ghana", "Kenya", "Peru", "Norway", "Laos", "Fiji"]
_EVENTS = [
    "{a} severed diplomatic relations with {b} on {d}.",
    "{a} expelled the ambassador of {b} after a dispute.",
    "Protesters marched through the capital of {a} demanding reforms.",
    "{a} and {b} signed a peace agreement ending months of fighting.",
    "Troops from {a} clashed with rebels near the border with {b}.",
    "The government of {a} imposed sanctions on officials from {b}.",
    "Voters in {a} went to the polls in a closely watched election.",
    "Officials from {a} held talks with their counterparts from {b}.",
]
_FILLER = [
    "Rain fell across the region for most of {d}.",
    "Markets in {a} were calm and trading was light.",
    "A spokesman declined to comment further.",
    "Local newspapers carried the story on their front pages.",
    "The statement was read out on state television.",
    "Analysts said the move had been expected for weeks.",
]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def make_documents(n: int, seed: int = 7) -> list[dict]:
    """``n`` generated news-like records (id, title, text); deterministic for a seed."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        a, b = rng.sample(_ACTORS, 2)
        d = rng.choice(_DAYS)
        sents = [rng.choice(_EVENTS)] + rng.sample(_FILLER, rng.randint(1, 4))
        if rng.random() < 0.4:
            sents.insert(rng.randint(1, len(sents)), rng.choice(_EVENTS))
        text = " ".join(s.format(a=a, b=b, d=d) for s in sents)
        rec = {"id": f"doc-{i:05d}", "text": text}
        if rng.random() < 0.5:
            rec["title"] = f"{a} and {b}: news of {d}"
        out.append(rec)
    return out


def write_jsonl(path: Path, records: list[dict], bad_lines: dict[int, str] | None = None) -> Path:
    lines = [json.dumps(r) for r in records]
    for pos, raw in sorted((bad_lines or {}).items(), reverse=True):
        lines.insert(pos, raw)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
