"""Fixtures for the summariser tests (texts written by the newsml team)."""

from __future__ import annotations

from pathlib import Path

import pytest

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_7720f7d8ad8d4f8e.txt"

# our own short news-style article with a dateline, a duplicate sentence and a clear topic split
TOY = (
    "NAIROBI, Kenya (AP) — Floods swept through three villages in western Kenya on Tuesday, "
    "killing at least twelve people.\n\n"
    "Rescue teams used boats to reach families stranded on rooftops near the river. "
    "Rescue teams used boats to reach families stranded on the rooftops near the river.\n\n"
    "The government promised emergency funds for the flooded villages. "
    "Opposition leaders accused ministers of ignoring earlier flood warnings. "
    "Meteorologists expect more heavy rain in the region next week."
)


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def toy_text() -> str:
    return TOY


@pytest.fixture(scope="module")
def one_torch_thread():
    """Run torch on one intra-op thread: on a shared 2-core machine this is many times faster."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
