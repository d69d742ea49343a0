"""The local engine: stream batches through :class:`NewsmlPredictor` in this process or N worker processes.

Memory stays flat: documents are read one at a time, at most ``2 * workers`` batches are in flight,
and output rows are written to Parquet parts every ``rows_per_part`` rows. With ``workers > 1`` each
worker process builds one predictor (so loads the models once) and batches come back in input order,
so the parts are the same whatever the worker count.

Examples
--------
>>> from newsml.corpus.local import run_local  # doctest: +SKIP
"""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

from newsml.corpus.predictor import NewsmlPredictor, load_count
from newsml.corpus.source import batched, rows_to_columns

__all__ = ["run_local"]

_WORKER: dict[str, Any] = {}


def _init_worker(kwargs: dict[str, Any]) -> None:
    try:
        _WORKER["predictor"] = NewsmlPredictor(**kwargs)
    except BaseException as exc:  # noqa: BLE001 - re-raised by the first batch, in the parent
        _WORKER["error"] = exc


def _work(columns: dict[str, list]) -> tuple[Any, int, int]:
    if "error" in _WORKER:
        raise _WORKER["error"]
    return _WORKER["predictor"](columns), os.getpid(), load_count()


def run_local(rows: Iterable[dict[str, Any]], predictor_kwargs: dict[str, Any], sink: Callable[[Any], None], *,
              batch_size: int = 64, workers: int = 1, progress=None) -> dict[str, Any]:
    """Annotate ``rows`` batch by batch and hand each output table to ``sink`` in input order.

    Returns
    -------
    dict
        ``{"rows": n, "batches": n, "workers": [{"pid", "loads", "batches"}, ...]}``: ``loads`` is how many
        predictors that process built (1 = the models were loaded once).
    """
    stats: dict[int, dict[str, int]] = {}
    n_rows = n_batches = 0

    def done(table, pid: int, loads: int) -> None:
        nonlocal n_rows, n_batches
        sink(table)
        n_rows += table.num_rows
        n_batches += 1
        w = stats.setdefault(pid, {"pid": pid, "loads": loads, "batches": 0})
        w["loads"] = loads
        w["batches"] += 1
        if progress is not None:
            progress.update(table.num_rows)

    batches = (rows_to_columns(b) for b in batched(rows, batch_size))
    if workers <= 1:
        predictor = NewsmlPredictor(**predictor_kwargs)
        for cols in batches:
            done(predictor(cols), os.getpid(), load_count())
    else:
        from concurrent.futures import ProcessPoolExecutor

        # fork is cheap and keeps plug-ins registered at run time; spawn when the parent already holds
        # torch threads (forking those can deadlock)
        method = "spawn" if "torch" in sys.modules else "fork"
        with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context(method),
                                 initializer=_init_worker, initargs=(predictor_kwargs,)) as pool:
            pending: deque = deque()
            try:
                for cols in batches:
                    pending.append(pool.submit(_work, cols))
                    while len(pending) >= 2 * workers:  # bounded: never read far ahead of the workers
                        done(*pending.popleft().result())
                while pending:
                    done(*pending.popleft().result())
            except BaseException:
                for f in pending:
                    f.cancel()
                raise
    return {"rows": n_rows, "batches": n_batches, "workers": sorted(stats.values(), key=lambda w: w["pid"])}
