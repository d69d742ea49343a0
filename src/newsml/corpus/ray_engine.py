"""The Ray engine: the same corpus job on Ray Data (``pip install "newsml[ray]"``).

Pipeline::

    read (one streaming read task per input, with the newsml readers; anti-join on ids already written)
      -> map_batches(NewsmlPredictor, concurrency=N, batch_size=B)   # one predictor (models) per actor
      -> streamed back to the driver, which writes the same atomic, fingerprinted parts as the local engine

Reading goes through :class:`newsml.corpus.source.RowSource` inside Ray tasks, so ids, cleaning and
the rows of dropped records are exactly those of the local engine. Results are written by the driver
rather than with ``Dataset.write_parquet``: Ray names files after tasks and writes them in place, so a
killed run could leave a truncated file, whereas the driver's parts are atomic and carry the config
fingerprint that ``--resume`` checks. Results are small (labels, scores, a summary), so the driver is not a
bottleneck for a single machine or a modest cluster.

Without ``address`` a local Ray is started with ``num_cpus`` CPUs (default: all) and shut down at the
end; with ``address`` (e.g. ``ray://head:10001`` or ``auto``) the job joins that cluster. Actors default
to one less than the cluster's CPUs, so the read tasks are not starved, and each actor caps torch/ONNX
to ``threads`` threads.

Examples
--------
>>> from newsml.corpus.ray_engine import require_ray  # doctest: +SKIP
>>> require_ray()  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from newsml.corpus.predictor import NewsmlPredictor
from newsml.corpus.source import RowSource, batched, rows_to_columns
from newsml.errors import InputError

__all__ = ["require_ray", "run_ray", "RAY_INSTALL_HINT"]

RAY_INSTALL_HINT = 'the ray engine needs Ray Data: pip install "newsml[ray]" (or pip install "ray[data]>=2.9")'


MIN_BLOCK_ROWS = 512


def require_ray() -> None:
    """Raise a one-line :class:`InputError` saying how to install Ray when ``ray.data`` is missing."""
    try:
        import ray  # noqa: F401
        import ray.data  # noqa: F401
    except ImportError as exc:
        raise InputError(f"{RAY_INSTALL_HINT} ({exc})") from None


def _input_schema():
    import pyarrow as pa

    return pa.schema([pa.field("id", pa.string()), pa.field("text", pa.string()), pa.field("title", pa.string()),
                      pa.field("sentences", pa.list_(pa.string())), pa.field("error", pa.string())])


def read_inputs(batch: dict[str, Any], *, text_field: str | None, done_ids: frozenset, rows_per_block: int
                ) -> Iterator[Any]:
    """Ray read step: stream the rows of each input named in ``batch["input"]``, minus ``done_ids``."""
    import pyarrow as pa

    schema = _input_schema()
    for path in batch.column("input").to_pylist():
        rows = (r for r in RowSource([str(path)], text_field=text_field) if r["id"] not in done_ids)
        for chunk in batched(rows, rows_per_block):
            yield pa.Table.from_pydict(rows_to_columns(chunk), schema=schema)


def run_ray(inputs: list[str], predictor_kwargs: dict[str, Any], sink: Callable[[Any], None], *,
            done_ids: set | None = None, batch_size: int = 64, concurrency: int | None = None,
            address: str | None = None, num_cpus: int | None = None, text_field: str | None = None,
            progress=None) -> dict[str, Any]:
    """Run the job on Ray Data; hand every output table to ``sink`` (see the module docs).

    Returns
    -------
    dict
        ``{"rows", "batches", "concurrency", "ids_already_written", "skipped"}`` (``skipped`` is the number of
        distinct ids the anti-join excluded).
    """
    require_ray()
    import logging

    import ray
    import ray.data

    started = False
    if not ray.is_initialized():
        if address:
            try:
                ray.init(address=address, logging_level=logging.WARNING)
            except (ConnectionError, TimeoutError, RuntimeError, ValueError) as exc:
                from newsml.errors import InputError

                raise InputError(f"--address {address}: cannot join a Ray cluster there ({exc}); check the "
                                 "address, or leave it out to start a local Ray") from None
        else:
            ray.init(num_cpus=num_cpus, include_dashboard=False, logging_level=logging.WARNING)
        started = True
    ctx = ray.data.DataContext.get_current()
    # Ray's cost is per block (scheduling, object store, a transfer to the driver), not per row: blocks of
    # at least MIN_BLOCK_ROWS rows keep it small next to light components, while the predictor still sees
    # batches of `batch_size`
    block_rows = max(batch_size, MIN_BLOCK_ROWS)
    saved = ctx.target_max_block_size, ctx.enable_progress_bars
    try:
        # Ray merges what a read task yields into blocks of up to 128 MiB, and one block goes to one actor:
        # small blocks (a few batches each) let every actor work on a single large input
        ctx.target_max_block_size = max(1 << 15, block_rows * 2048)
        ctx.enable_progress_bars = bool(progress)
        if not progress:
            logging.getLogger("ray.data").setLevel(logging.WARNING)
        cpus = int(ray.cluster_resources().get("CPU", 1))
        concurrency = int(concurrency or max(1, cpus - 1))
        done = frozenset(done_ids or ())
        ds = ray.data.from_items([{"input": p} for p in inputs], override_num_blocks=len(inputs))
        # reading is light next to the models: read tasks hold no CPU slot (num_cpus=0), which also keeps
        # Ray from fusing them into the predictor actors (a single input would then feed a single actor)
        ds = ds.map_batches(read_inputs, batch_size=1, batch_format="pyarrow", num_cpus=0,
                            fn_kwargs={"text_field": text_field, "done_ids": done,
                                       "rows_per_block": block_rows})
        ds = ds.map_batches(NewsmlPredictor, fn_constructor_kwargs=predictor_kwargs, batch_size=batch_size,
                            batch_format="pyarrow", compute=ray.data.ActorPoolStrategy(size=concurrency, max_tasks_in_flight_per_actor=1),
                            num_cpus=1)
        rows = batches = 0
        for table in ds.iter_batches(batch_size=None, batch_format="pyarrow"):
            if table.num_rows == 0:
                continue
            sink(table)
            rows += table.num_rows
            batches += 1
            if progress is not None:
                progress.update(table.num_rows)
    finally:
        ctx.target_max_block_size, ctx.enable_progress_bars = saved
        if started:
            ray.shutdown()
    return {"rows": rows, "batches": batches, "concurrency": concurrency, "skipped": len(done),
            "ids_already_written": len(done)}
