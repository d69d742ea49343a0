"""``newsml prepare``: the command-line face of :func:`newsml.data.prepare`.

Examples
--------
$ newsml prepare seeds/ --out out/seeds
$ newsml prepare bbc --out out/bbc --dedup drop --group-by story
"""

from __future__ import annotations

import argparse
import sys


def cmd_prepare(args: argparse.Namespace) -> int:
    """Run :func:`newsml.data.prepare` with the parsed options and print a short summary."""
    from newsml.data.prepare import prepare

    _, manifest = prepare(args.source, args.out, text_field=args.text_field, on_error=args.on_error,
                          split=args.split, split_names=getattr(args, "split_names", None), group_by=args.group_by,
                          by_date=args.by_date, dedup=args.dedup, seed=args.seed, data_dir=args.data_dir,
                          limit=args.limit)
    c, d = manifest["totals"], manifest["duplicates"]
    per_split = ", ".join(f"{k}={v}" for k, v in manifest["counts"].items())
    print(f"prepared {c['written']} documents ({per_split}) from {c['read']} read -> {args.out}")
    print(f"duplicates: {d['exact_groups']} exact + {d['near_groups']} near groups "
          f"({d['documents_in_groups']} documents){', dropped ' + str(c['duplicates_dropped']) if d['action'] == 'drop' else ''}")
    reasons = manifest["report"]
    print(f"skipped {c['dropped']}, repaired {c['repaired']}, truncated {c['truncated']}"
          + (f" (skipped: {reasons['dropped']['reasons']})" if c["dropped"] else ""))
    print(f"manifest: {args.out}/manifest.json  fingerprint {manifest['fingerprint'][:19]}...")
    if c["dropped"]:
        print(f"newsml prepare: {c['read']} read, {c['dropped']} skipped ({_reasons(reasons['dropped']['reasons'])}); "
              f"every one is listed in {args.out}/manifest.json", file=sys.stderr)
    return 0


def _reasons(reasons: dict[str, int]) -> str:
    return ", ".join(f"{n} {why}" for why, n in sorted(reasons.items(), key=lambda kv: -kv[1]))
