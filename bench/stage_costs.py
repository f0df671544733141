"""What each stage of a cold build costs on its own, in one process, and the memory it holds.

`run_bench.py` times whole builds; this splits one into its stages so the floor of any
orchestration can be worked out: stages that must run before the next one starts cannot be
hidden by parallel workers, and what the model and the parsed notes hold stays in memory while
cards are made from them.

    python bench/stage_costs.py VAULT [--json FILE]

Prints, for a vault made by `generate_vault.py`: seconds of each stage with one process
(load, parse, model, written cards, model cards, screen, write), live memory (RSS above the
interpreter with chaincards imported) after loading, parsing and building the model, and what
rewriting the largest package costs step by step (the least an edit of one of its notes must
do to give the same bytes as a fresh build).
"""

from __future__ import annotations

import argparse
import gc
import json
import shutil
import tempfile
import time
from pathlib import Path

from chaincards.anki.freshness import inputs_digest
from chaincards.anki.manifest import (
    Manifest,
    content_hash,
    entries_for,
    read_manifest,
    settle_mods,
    write_manifest,
)
from chaincards.anki.package import note_ids, write_package
from chaincards.cards.facts import Vault as CardVault
from chaincards.cards.generate import CARD_KINDS, model_cards
from chaincards.cards.quality import screen
from chaincards.memory import collector_paused
from chaincards.model import build_model
from chaincards.model.view import model_view
from chaincards.pipeline import (
    Compilation,
    compile_parsed,
    default_deck_of,
    load_vault,
    parse_vault,
    written_cards_of,
)
from chaincards.write import write_decks


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class _Laps:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()

    def __call__(self, stage: str) -> None:
        now = time.perf_counter()
        self.seconds[stage] = round(now - self._last, 3)
        self._last = now


@collector_paused()  # as a build runs: see chaincards.memory
def measure(vault: Path) -> dict[str, object]:
    base = _rss_mb()
    memory: dict[str, float] = {}
    laps = _Laps()
    loaded = load_vault([vault])
    laps("load")
    memory["loaded"] = round(_rss_mb() - base)
    parsed = parse_vault(loaded, None, 1)
    laps("parse")
    del loaded
    gc.collect()
    memory["parsed notes"] = round(_rss_mb() - base)
    model = build_model(parsed.notes)
    laps("model")
    gc.collect()
    memory["parsed notes + model"] = round(_rss_mb() - base)
    deck = default_deck_of(parsed.vault, None)
    mtimes = parsed.vault.index.mtimes
    written = [written_cards_of(n, deck, CARD_KINDS, mtimes)[0] for n in parsed.notes]
    laps("written cards")
    views = CardVault({n.path: model_view(n) for n in parsed.notes}, deck, model)
    made = model_cards(model, views, CARD_KINDS)
    laps("model cards")
    screen(made)
    laps("screen")
    compilation = compile_parsed(parsed, None)
    laps("(compile again, as a build does)")
    del laps.seconds["(compile again, as a build does)"]
    name, compiled = max(compilation.packages.items(), key=lambda item: len(item[1].kept))
    cards = compiled.kept
    every = [card for package in compilation.packages.values() for card in package.kept]
    root = parsed.vault.root
    rewrite = _Laps()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        for position in range(2):  # the second round: caches warm, as in a rebuild
            rewrite.seconds.clear()
            rewrite("start")
            digest = inputs_digest(cards, root)
            rewrite("inputs digest")
            hashes = {card.guid: content_hash(card) for card in cards}
            settled = settle_mods(cards, {}, hashes)
            ids = note_ids(settled)
            rewrite("hashes, times, note ids")
            write_package(settled, folder / f"{position}.apkg", root, ids, {})
            rewrite("write package")
            entries = entries_for(settled, ids, {}, hashes)
            write_manifest(folder / f"{position}.json", name, Manifest(entries, digest))
            rewrite("manifest entries and write")
            read_manifest(folder / f"{position}.json")
            rewrite("manifest read")
        del rewrite.seconds["start"]
        laps.seconds["write (all packages, one process)"] = _write_all(compilation, root)
    return {
        "notes": len(parsed.notes),
        "model cards": len(made),
        "written cards": sum(map(len, written)),
        "seconds": laps.seconds,
        "memory MB": memory,
        "largest package": {"name": name, "cards": len(cards), "of all": len(every)},
        "rewrite largest package (s)": rewrite.seconds,
    }


def _write_all(compilation: Compilation, root: Path) -> float:
    groups = {name: p.kept for name, p in compilation.packages.items() if p.kept}
    out = Path(tempfile.mkdtemp())
    try:
        start = time.perf_counter()
        write_decks(groups, out, root, None, None, 1)
        return round(time.perf_counter() - start, 3)
    finally:
        shutil.rmtree(out, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("vault", type=Path)
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args()
    found = measure(args.vault)
    text = json.dumps(found, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
