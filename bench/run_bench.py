"""Benchmark `chaincards build` against a bare genanki script on synthetic vaults.

    python bench/run_bench.py --sizes 1000,5000 --repeats 3 [--big] [--json results.json]

For each size N a vault of N notes is generated once (bench/generate_vault.py) and built once
as a warm-up; its packages are the input of the baseline. Then, for `--repeats` rounds, in this
one process (the order of a and b alternates between rounds):

  a  cold build: fresh output folder, empty parse cache
  b  bare genanki script writing the same notes (bench/bare_genanki.py on the warm-up packages)
  c  unchanged rebuild: same output folder and cache as a
  d  rebuild after editing one note: a line appended to one card's back, mtime bumped
     (the note is restored afterwards, so every round starts from the same vault)
  e  the same with an edit the model sees: the note's first Inputs item gets another
     artifact and another counterpart (same line count), mtime bumped, restored afterwards

Each is a child process: wall time from time.perf_counter around it, peak RSS from the child's
own rusage (os.wait4). The table shows medians. Only the standard library is used here.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import platform
import shlex
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

from generate_vault import FIXED_MTIME, generate  # noqa: E402

KINDS = ("a", "b", "c", "d", "e")
LABELS = {
    "a": "cold build",
    "b": "bare genanki",
    "c": "unchanged rebuild",
    "d": "one-edit rebuild",
    "e": "model-edit rebuild",
}
EDIT_LINE = ">Edited by the benchmark, round {round}: one more line on this card's back.\n"


@dataclass
class Run:
    kind: str
    round: int
    wall_s: float
    maxrss_mb: float
    exit_code: int
    cpu_s: float = 0.0  # user + system time of the child and the workers it waited for
    load: float = 0.0  # 1-minute load average when the run ended: other work on the machine
    extra: dict = field(default_factory=dict)


@dataclass
class SizeResult:
    notes: int
    generate_s: float
    packages: int = 0
    anki_notes: int = 0
    anki_cards: int = 0
    runs: list[Run] = field(default_factory=list)

    def median(self, kind: str, attr: str = "wall_s") -> float | None:
        values = [getattr(r, attr) for r in self.runs if r.kind == kind]
        return statistics.median(values) if values else None


class BenchError(Exception):
    pass


def _maxrss_mb(rusage: object) -> float:
    # Linux reports kilobytes, macOS bytes.
    scale = 1 if sys.platform == "darwin" else 1024
    return rusage.ru_maxrss * scale / (1024 * 1024)  # type: ignore[attr-defined]


@dataclass
class Timing:
    wall_s: float
    maxrss_mb: float
    cpu_s: float
    exit_code: int
    stdout: str


def timed(cmd: list[str], env: dict[str, str], log: Path) -> Timing:
    """Run `cmd`: wall seconds, the child's own peak RSS and CPU time, exit code, stdout."""
    out_path, err_path = log.with_suffix(".out"), log.with_suffix(".err")
    with out_path.open("wb") as out, err_path.open("wb") as err:
        started = time.perf_counter()
        # Its own process group, so an interrupt can stop the build and its parsing workers.
        proc = subprocess.Popen(
            cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env, start_new_session=True
        )
        try:
            _, status, rusage = os.wait4(proc.pid, 0)
        except BaseException:  # Ctrl-C / kill: leave nothing running behind the runner
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise
        wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        tail = err_path.read_text("utf-8", "replace")[-2000:]
        raise BenchError(f"{shlex.join(cmd)} exited {proc.returncode}:\n{tail}")
    return Timing(
        wall,
        _maxrss_mb(rusage),
        rusage.ru_utime + rusage.ru_stime,
        proc.returncode,
        out_path.read_text("utf-8", "replace"),
    )


class Chaincards:
    """How to call `chaincards build`, with the cache options this version has."""

    def __init__(self, python: str, env: dict[str, str], jobs: int | None) -> None:
        self.python = python
        self.env = env
        help_text = subprocess.run(
            [python, "-m", "chaincards", "build", "--help"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        self.has_cache_dir = "--cache-dir" in help_text
        self.has_no_cache = "--no-cache" in help_text
        self.has_jobs = "--jobs" in help_text
        self.jobs = jobs if self.has_jobs else None
        self.version = subprocess.run(
            [python, "-m", "chaincards", "--version"], env=env, capture_output=True, text=True
        ).stdout.strip()

    def build_cmd(self, vault: Path, out: Path, cache: Path) -> list[str]:
        cmd = [self.python, "-m", "chaincards", "build", str(vault), "--out", str(out), "-q"]
        if self.has_cache_dir:
            cmd += ["--cache-dir", str(cache)]
        if self.jobs is not None:
            cmd += ["--jobs", str(self.jobs)]
        return cmd

    @staticmethod
    def clear_caches(vault: Path, out: Path, cache: Path) -> None:
        """Every place a parse cache may be: ours, the default in the vault, beside the output."""
        for folder in (cache, vault / ".chaincards-cache", out.parent / ".chaincards-cache"):
            shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)


def package_counts(packages: list[Path]) -> tuple[int, int]:
    """Anki notes and cards in the packages."""
    notes = cards = 0
    with tempfile.TemporaryDirectory(prefix="bench-count-") as scratch:
        for path in packages:
            with zipfile.ZipFile(path) as archive:
                archive.extract("collection.anki2", scratch)
            conn = sqlite3.connect(Path(scratch) / "collection.anki2")
            try:
                notes += conn.execute("SELECT COUNT(*) FROM notes").fetchone()[0]
                cards += conn.execute("SELECT COUNT(*) FROM cards").fetchone()[0]
            finally:
                conn.close()
            (Path(scratch) / "collection.anki2").unlink()
    return notes, cards


def package_stamps(out: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_mtime_ns, p.stat().st_size) for p in out.glob("*.apkg")}


def edit_target(vault: Path) -> Path:
    """The note the one-edit rebuild changes: the middle one, by path."""
    notes = sorted(vault.rglob("*.md"))
    return notes[len(notes) // 2]


def model_edit(text: str, round_: int) -> str:
    """The note with its first Inputs item rewritten: another artifact, another counterpart."""
    lines = text.split("\n")
    first = lines.index("## Inputs") + 1
    lines[first] = f"- Benchmark figures, round {round_}, provided by [[Benchmark source]]."
    return "\n".join(lines)


def bench_size(
    result: SizeResult,
    args: argparse.Namespace,
    tool: Chaincards,
    work: Path,
    progress: Callable[[str], None],
    save: Callable[[], None],
) -> None:
    """Fill `result` (its `notes` is N) run by run, saving after each."""
    n = result.notes
    base = work / f"n{n}"
    shutil.rmtree(base, ignore_errors=True)
    vault, logs = base / "vault", base / "logs"
    logs.mkdir(parents=True)
    started = time.perf_counter()
    generate(vault, n, args.seed)
    result.generate_s = time.perf_counter() - started
    progress(f"N={n}: vault generated in {result.generate_s:.1f}s at {vault}")

    # Warm-up build (file cache, bytecode); its packages are the baseline's input.
    ref_out, ref_cache = base / "ref" / "out", base / "ref" / "cache"
    tool.clear_caches(vault, ref_out, ref_cache)
    warmup = timed(tool.build_cmd(vault, ref_out, ref_cache), tool.env, logs / "warmup")
    packages = sorted(ref_out.glob("*.apkg"))
    if not packages:
        raise BenchError(f"N={n}: the warm-up build wrote no packages into {ref_out}")
    result.packages = len(packages)
    result.anki_notes, result.anki_cards = package_counts(packages)
    progress(
        f"N={n}: warm-up build {warmup.wall_s:.1f}s, {warmup.maxrss_mb:.0f} MB; "
        f"{result.anki_notes} notes, "
        f"{result.anki_cards} cards in {len(packages)} packages"
    )
    shutil.rmtree(base / "ref" / "cache", ignore_errors=True)
    target = edit_target(vault)
    original = target.read_bytes()

    out, cache = base / "run" / "out", base / "run" / "cache"
    bare_out = base / "bare"
    for round_ in range(args.repeats):

        def record(kind: str, cmd: list[str], round_: int = round_) -> Run:
            before = package_stamps(out)
            t = timed(cmd, tool.env, logs / f"{kind}{round_}")
            extra: dict[str, object] = {}
            if kind == "b" and t.stdout.strip():
                extra = json.loads(t.stdout.strip().splitlines()[-1])
            if kind in ("c", "d", "e"):
                # A check on the rebuilds: c should rewrite no package, d and e exactly one.
                after = package_stamps(out)
                extra["packages_rewritten"] = sum(before.get(k) != v for k, v in after.items())
            load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
            run = Run(kind, round_, t.wall_s, t.maxrss_mb, t.exit_code, cpu_s=t.cpu_s, load=load)
            run.extra = extra
            result.runs.append(run)
            rewritten = extra.get("packages_rewritten")
            progress(
                f"N={n} round {round_ + 1}/{args.repeats}: {kind} {LABELS[kind]:<18} "
                f"{t.wall_s:8.2f}s {t.maxrss_mb:7.0f} MB  cpu {t.cpu_s:7.2f}s  load {load:.1f}"
                + (f"  rewrote {rewritten} package(s)" if rewritten is not None else "")
            )
            save()
            return run

        def cold() -> None:
            tool.clear_caches(vault, out, cache)
            record("a", tool.build_cmd(vault, out, cache))

        def bare() -> None:
            shutil.rmtree(bare_out, ignore_errors=True)
            cmd = [args.python, str(BENCH / "bare_genanki.py"), *map(str, packages), "--out"]
            record("b", [*cmd, str(bare_out)])

        for step in (cold, bare) if round_ % 2 == 0 else (bare, cold):
            step()
        record("c", tool.build_cmd(vault, out, cache))
        edits = {
            "d": original + EDIT_LINE.format(round=round_ + 1).encode("ascii"),
            "e": model_edit(original.decode("ascii"), round_ + 1).encode("ascii"),
        }
        for kind, edited in edits.items():
            if kind != "d":
                # Untimed: back to the build of the unedited vault, which each edit starts from.
                timed(tool.build_cmd(vault, out, cache), tool.env, logs / f"restore{round_}")
            try:
                target.write_bytes(edited)
                bumped = FIXED_MTIME + 86_400 * (round_ + 1)
                os.utime(target, (bumped, bumped))
                record(kind, tool.build_cmd(vault, out, cache))
            finally:
                target.write_bytes(original)
                os.utime(target, (FIXED_MTIME, FIXED_MTIME))


def snapshot_src(target: Path) -> tuple[Path, str]:
    """Copy the repository's src/ to `target`; the copy and a digest of its files."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(REPO / "src", target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    digest = hashlib.sha256()
    for path in sorted(target.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(target).as_posix().encode() + b"\x00")
            digest.update(path.read_bytes() + b"\x00")
    return target, digest.hexdigest()[:16]


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_info(python: str, tool: Chaincards) -> dict[str, object]:
    probe = (
        "import sys, genanki, chaincards; "
        "print(sys.version.split()[0], genanki.__version__, chaincards.__file__, sep='\\n')"
    )
    child = subprocess.run(
        [python, "-c", probe], capture_output=True, text=True, env=tool.env
    ).stdout.splitlines()
    try:
        commit = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--", "src"],
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        commit, dirty = "", ""
    cores = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    return {
        "platform": platform.platform(),
        "cpu": cpu_model(),
        "cores": cores,
        "usable_cores": usable,
        "python": child[0] if child else platform.python_version(),
        "genanki": child[1] if len(child) > 1 else "?",
        "chaincards": tool.version,
        "chaincards_from": str(Path(child[2]).parent) if len(child) > 2 else "?",
        "commit": commit + (" (src modified)" if dirty else ""),
        "cache_options": {
            "--cache-dir": tool.has_cache_dir,
            "--no-cache": tool.has_no_cache,
            "--jobs": tool.has_jobs,
        },
    }


def _ratio(top: float | None, bottom: float | None) -> str:
    return f"{top / bottom:.2f}" if top is not None and bottom else "-"


def _secs(value: float | None) -> str:
    return f"{value:.2f}" if value is not None else "-"


def _row(r: SizeResult) -> list[str]:
    a, b, c, d, e = (r.median(k) for k in KINDS)
    rss_a, rss_b = r.median("a", "maxrss_mb"), r.median("b", "maxrss_mb")
    return [
        str(r.notes),
        _secs(a),
        _secs(b),
        _ratio(a, b),
        _secs(c),
        _ratio(c, a),
        _secs(d),
        _ratio(d, a),
        _secs(e),
        _ratio(e, a),
        f"{r.anki_notes / a:.0f}" if a else "-",
        f"{1000 * a / r.notes:.1f}" if a else "-",
        f"{rss_a:.0f}" if rss_a is not None else "-",
        f"{rss_b:.0f}" if rss_b is not None else "-",
    ]


def cpu_table(results: list[SizeResult]) -> str:
    """The same medians in CPU seconds (user + system, parsing workers included): less
    sensitive than wall time to other work on the machine, blind to waiting and to parallelism."""
    head = ["N", "cpu a (s)", "cpu b (s)", "a/b", "cpu c (s)", "c/a", "cpu d (s)", "d/a"]
    head += ["cpu e (s)", "e/a", "load"]
    rows = [head, ["---"] * len(head)]
    for r in results:
        a, b, c, d, e = (r.median(k, "cpu_s") for k in KINDS)
        load = statistics.median(run.load for run in r.runs) if r.runs else None
        shown_load = f"{load:.1f}" if load is not None else "-"
        rows.append([str(r.notes), _secs(a), _secs(b), _ratio(a, b), _secs(c), _ratio(c, a)])
        rows[-1] += [_secs(d), _ratio(d, a), _secs(e), _ratio(e, a), shown_load]
    return "\n".join("| " + " | ".join(row) + " |" for row in rows)


def table(results: list[SizeResult]) -> str:
    head = [
        "N",
        "cold a (s)",
        "bare b (s)",
        "a/b",
        "unchanged c (s)",
        "c/a",
        "one-edit d (s)",
        "d/a",
        "model edit e (s)",
        "e/a",
        "notes/s",
        "ms/note",
        "RSS a (MB)",
        "RSS b (MB)",
    ]
    rows = [head, ["---"] * len(head), *(_row(r) for r in results)]
    return "\n".join("| " + " | ".join(row) + " |" for row in rows)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,5000", help="comma-separated note counts")
    parser.add_argument("--big", action="store_true", help="add N=20000")
    parser.add_argument("--repeats", type=int, default=3, help="rounds per size (median)")
    parser.add_argument("--seed", type=int, default=0, help="vault generator seed")
    parser.add_argument("--jobs", type=int, default=None, help="passed as --jobs if supported")
    parser.add_argument("--json", type=Path, default=None, help="write the raw numbers here")
    parser.add_argument("--workdir", type=Path, default=None, help="default: a temp folder")
    parser.add_argument("--keep", action="store_true", help="keep the vaults and outputs")
    parser.add_argument(
        "--python", default=sys.executable, help="interpreter that runs chaincards and genanki"
    )
    args = parser.parse_args(argv)
    try:
        args.sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error("--sizes takes numbers, e.g. --sizes 1000,5000")
    if args.big and 20_000 not in args.sizes:
        args.sizes.append(20_000)
    if args.repeats < 1 or not args.sizes or min(args.sizes) < 1:
        parser.error("--repeats and --sizes must be at least 1")
    return args


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # `kill PID` stops the runner like Ctrl-C: the running build is killed, the table printed.
    # (A background job of a non-interactive shell ignores SIGINT, so SIGTERM is the way there.)
    signal.signal(signal.SIGTERM, _interrupt)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="chaincards-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    # Benchmark the working tree as it is now, whichever way chaincards is installed: a copy of
    # src/ is what every child imports, so edits made while the benchmark runs change nothing.
    src, src_digest = snapshot_src(work / "src")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), env.get("PYTHONPATH")]))
    env.pop("SOURCE_DATE_EPOCH", None)
    tool = Chaincards(args.python, env, args.jobs)
    info = machine_info(args.python, tool)
    info["src_sha256"] = src_digest
    command = shlex.join([Path(sys.executable).name, *sys.argv])
    print(f"command: {command}")
    for key, value in info.items():
        print(f"{key}: {value}")
    sys.stdout.flush()

    results: list[SizeResult] = []

    def save() -> None:
        if args.json:
            document = {
                "command": command,
                "machine": info,
                "repeats": args.repeats,
                "seed": args.seed,
                "results": [asdict(r) for r in results],
            }
            args.json.write_text(json.dumps(document, indent=2) + "\n")

    def progress(message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)

    try:
        for n in args.sizes:
            results.append(SizeResult(n, 0.0))
            bench_size(results[-1], args, tool, work, progress, save)
            shutil.rmtree(work / f"n{n}" / "bare", ignore_errors=True)
    except BenchError as exc:
        print(f"run_bench: {exc}", file=sys.stderr)
        status = 1
    except KeyboardInterrupt:
        print("run_bench: interrupted; partial results below", file=sys.stderr)
        status = 130
    else:
        status = 0
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    print()
    print(f"medians of up to {args.repeats} round(s); seed {args.seed}")
    for r in results:
        rounds = {run.round for run in r.runs}
        print(
            f"N={r.notes}: {r.anki_notes} Anki notes, {r.anki_cards} cards in {r.packages} "
            f"packages; {len(rounds)} round(s) measured"
        )
    measured = [r for r in results if r.runs]
    print(table(measured))
    print()
    print(cpu_table(measured))
    return status


if __name__ == "__main__":
    sys.exit(main())
