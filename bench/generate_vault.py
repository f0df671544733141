"""A synthetic vault of N activity notes in the seed dialect, the same bytes for the same seed.

    python bench/generate_vault.py OUT_DIR --notes 1000 --seed 7

Every note is one activity of a process chain with a unique name (verb + qualifier + object from
the word lists below, numbered only past 27,000 notes), filed as
`OUT_DIR/<Course>/<Chapter>/<Activity>.md`, with:

- frontmatter: `aliases`, `tags`, `cards-deck: Course N - Subject::Chapter NN`;
- a `# Title`, a Key Message callout (`The purpose of the ... activity is to ...`), a paragraph,
  a done task and a `%% comment %%`;
- `## Inputs` (about 10 items: artifacts `provided by [[Other activity]]` in the same course, a
  few from customers, users, suppliers and partners, one `from all [[<Course> value chain]]
  activities`) and `## Outputs` (about 8 items, `<artifact> for [[Other activity]]`);
- `# cards`: basic (`>---`), reversed (`>??`) and cloze (`==highlight==`) card callouts, a
  `#card` heading and a `front::back` list item, and a basic card callout last, so appending a
  `>line` to the file extends that card's back (what the benchmark's one-note edit does).

Plain ASCII, LF line endings, every file's mtime set to FIXED_MTIME: builds are reproducible.
Only the standard library is used.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

FIXED_MTIME = 1_700_000_000  # 2023-11-14T22:13:20Z

# Activity names: VERB QUALIFIER OBJECT. No stakeholder nouns (vendor, owner, team, ...), no kind
# words (activity, process, phase, step, stage), no stop words or connectors (and, or, for, by):
# the model reads those specially. 30 x 30 x 30 = 27,000 names before numbering starts.
VERBS = """Assess Align Allocate Approve Audit Balance Calibrate Catalogue Certify Consolidate
    Coordinate Curate Design Draft Estimate Evaluate Forecast Govern Harmonise Inspect Integrate
    Measure Monitor Negotiate Prioritise Publish Reconcile Refine Schedule Validate""".split()
QUALIFIERS = """annual baseline capacity capital compliance continuity contract cost demand
    deployment disaster facility financial incident inventory knowledge licence maintenance
    network portfolio quality release resilience risk security service software storage
    training workforce""".split()
OBJECTS = """allocations backlogs baselines budgets catalogues charters dashboards estimates
    forecasts frameworks guidelines indicators inventories ledgers metrics models pipelines
    plans policies portfolios records registers reports reviews roadmaps schedules scorecards
    standards targets templates""".split()

SUBJECTS = [
    subject.strip()  # the line breaks of this literal are not part of any name
    for subject in """Service Operations|Business of IT|Supply Chain Basics|Project Delivery|
    Quality Systems|Enterprise Architecture|Data Governance|Risk and Controls|
    Product Management|Financial Planning|Change Enablement|Security Practice""".split("|")
]

# Artifacts: ADJECTIVE NOUN. No relation words (by, for, from, to) so items read cleanly.
ARTIFACT_ADJECTIVES = """Approved Agreed Consolidated Current Detailed Draft Updated Validated
    Prioritised Baseline Quarterly Monthly Signed Revised Proposed Published Summarised Tested
    Reviewed Structured""".split()
ARTIFACT_NOUNS = """change requests|budget figures|capacity plans|risk assessments|service
    designs|test results|release notes|performance data|improvement proposals|contract terms|cost
    estimates|demand signals|architecture decisions|training materials|audit findings|incident
    trends|compliance evidence|licence counts|quality criteria|usage statistics""".split("|")
ARTIFACT_NOUNS = [" ".join(n.split()) for n in ARTIFACT_NOUNS]
PARTY_SOURCES = [
    "from customers",
    "provided by internal and external customers",
    "from users",
    "provided by suppliers and partners",
    "from regulators",
]
PARTY_TARGETS = ["for customers", "for users", "for suppliers and partners", "for the sponsor"]
PURPOSES = """keep every decision traceable to an agreed need|turn demand into work the chain can
    plan|give the organisation one reliable view of its commitments|catch problems before they
    reach customers|make sure resources go where they create the most value|keep plans, budgets
    and delivery in step|give later activities inputs they can trust|make the cost of each
    choice visible|keep the chain compliant without slowing it down|learn from every cycle and
    feed that back""".split("|")
PURPOSES = [" ".join(p.split()) for p in PURPOSES]
REASONS = """it is the only place where these figures are checked against each other|later
    activities plan with its outputs|errors found here are cheap to fix|it sets the pace for the
    rest of the chapter|it turns loose requests into agreed work|auditors read its records
    first""".split("|")
REASONS = [" ".join(r.split()) for r in REASONS]


@dataclass
class Activity:
    index: int
    name: str
    course: int
    chapter: int
    verb: str
    obj: str
    inputs: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return "-".join(self.name.lower().split())


def course_name(course: int) -> str:
    return f"Course {course + 1} - {SUBJECTS[course % len(SUBJECTS)]}"


def chain_name(course: int) -> str:
    return f"Course {course + 1} value chain"


def activity_names(count: int, rng: random.Random) -> list[tuple[str, str, str]]:
    """`count` distinct (name, verb, object) triples, in a seeded random order."""
    size = len(VERBS) * len(QUALIFIERS) * len(OBJECTS)
    names: list[tuple[str, str, str]] = []
    round_ = 0
    while len(names) < count:
        picks = rng.sample(range(size), min(size, count - len(names)))
        for pick in picks:
            v, rest = divmod(pick, len(QUALIFIERS) * len(OBJECTS))
            q, o = divmod(rest, len(OBJECTS))
            name = f"{VERBS[v]} {QUALIFIERS[q]} {OBJECTS[o]}"
            if round_:
                name = f"{name} {round_ + 1}"
            names.append((name, VERBS[v], OBJECTS[o]))
        round_ += 1
    return names


def course_count(notes: int) -> int:
    return max(2, min(8, notes // 250)) if notes >= 2 else 1


def plan_vault(notes: int, seed: int) -> list[Activity]:
    rng = random.Random(seed)
    courses = course_count(notes)
    activities = [
        Activity(i, name, i * courses // notes, rng.randrange(12), verb, obj)
        for i, (name, verb, obj) in enumerate(activity_names(notes, rng))
    ]
    by_course: dict[int, list[Activity]] = {}
    for activity in activities:
        by_course.setdefault(activity.course, []).append(activity)
    for activity in activities:
        peers = [a for a in by_course[activity.course] if a is not activity] or [activity]
        activity.inputs = _inputs(activity, peers, rng)
        activity.outputs = _outputs(activity, peers, rng)
    return activities


def _artifacts(rng: random.Random, count: int) -> list[str]:
    """`count` artifacts with different nouns: one list never names the same thing twice."""
    nouns = rng.sample(ARTIFACT_NOUNS, count)
    return [f"{rng.choice(ARTIFACT_ADJECTIVES)} {noun}" for noun in nouns]


def _items(tails: list[str], rng: random.Random) -> list[str]:
    """`<artifact> <tail>.` for each tail, in a shuffled order."""
    pairs = zip(_artifacts(rng, len(tails)), tails, strict=True)
    items = [f"{artifact} {tail}." for artifact, tail in pairs]
    rng.shuffle(items)
    return items


def _others(peers: list[Activity], rng: random.Random, count: int) -> list[Activity]:
    """`count` peers, distinct while there are enough of them."""
    if count <= len(peers):
        return rng.sample(peers, count)
    return [peers[rng.randrange(len(peers))] for _ in range(count)]


def _inputs(activity: Activity, peers: list[Activity], rng: random.Random) -> list[str]:
    *singles, first, second = _others(peers, rng, rng.randint(5, 7) + 2)
    tails = [f"{rng.choice(['provided by', 'provided by', 'from'])} [[{o.name}]]" for o in singles]
    tails.append(f"from [[{first.name}]] and [[{second.name}]]")
    tails.extend(rng.sample(PARTY_SOURCES, rng.randint(2, 3)))
    tails.append(f"from all [[{chain_name(activity.course)}]] activities")
    return _items(tails, rng)


def _outputs(activity: Activity, peers: list[Activity], rng: random.Random) -> list[str]:
    tails = [f"for [[{o.name}]]" for o in _others(peers, rng, rng.randint(6, 8))]
    tails.append(rng.choice(PARTY_TARGETS))
    return _items(tails, rng)


def render_note(activity: Activity, rng: random.Random) -> str:
    name = activity.name
    lower = name.lower()
    course = course_name(activity.course)
    chapter = f"Chapter {activity.chapter + 1:02d}"
    tag = f"course{activity.course + 1}/chapter{activity.chapter + 1:02d}"
    purpose = rng.choice(PURPOSES)
    reason = rng.choice(REASONS)
    first_in, second_in = rng.sample(activity.inputs, 2)
    first_out = activity.outputs[0]
    out_artifact = first_out.split(" for ")[0]
    in_artifact = first_in.split(" provided by ")[0].split(" from ")[0]
    lines = [
        "---",
        f"aliases: [{name}]",
        f"tags: [{tag}, bench/synthetic]",
        f"cards-deck: {course}::{chapter}",
        "---",
        "%% generated by bench/generate_vault.py: edit the generator, not this note %%",
        f"- [x] expand on {name}",
        f"# {name}",
        ">[!tip] Key Message",
        f">The purpose of the {lower} activity is to {purpose}.",
        "",
        f"{name} works on {activity.obj} for {course}. It matters because {reason}.",
        f"- {activity.verb} the {activity.obj} before each review.",
        "- Record every decision with its reason.",
        "",
        "## Inputs",
        *(f"- {item}" for item in activity.inputs),
        "",
        "## Outputs",
        *(f"- {item}" for item in activity.outputs),
        "",
        "# cards",
        ">[!info] card",
        f">What does {lower} hand on first?",
        ">---",
        f">{first_out}",
        f">^{activity.slug}-first-output",
        "",
        ">[!info] card",
        f">Which input of {lower} is read first?",
        ">---",
        f">{first_in}",
        "",
        ">[!question] card",
        f">Main output of {lower}",
        ">??",
        f">{out_artifact}, handed on to the next activity.",
        "",
        ">[!question] card",
        f">Main object of {lower}",
        ">??",
        f">{activity.obj.capitalize()}, kept current by {lower}.",
        "",
        ">[!note] card",
        f">{name} turns ==inputs== into ==outputs== so that it can {purpose}.",
        "",
        ">[!note] card",
        f">{name} reads =={in_artifact.lower()}== and writes =={out_artifact.lower()}==.",
        "",
        f"## Why does {lower} matter? #card",
        f"Because {reason}.",
        "",
        f"- Second input of {lower}::{second_in}",
        "",
        ">[!info] card",
        f">What goes wrong when {lower} is skipped?",
        ">---",
        f">Later activities lose their {activity.obj}.",
    ]
    return "\n".join(lines) + "\n"


def note_path(root: Path, activity: Activity) -> Path:
    return (
        root
        / course_name(activity.course)
        / f"Chapter {activity.chapter + 1:02d}"
        / (activity.name + ".md")
    )


def generate(out_dir: Path, notes: int, seed: int) -> list[Path]:
    """Write the vault into `out_dir` (which must be empty or absent); the note paths, in order."""
    if notes < 1:
        raise ValueError("--notes must be at least 1")
    out_dir.mkdir(parents=True, exist_ok=True)
    if any(out_dir.iterdir()):
        raise ValueError(f"{out_dir} is not empty")
    activities = plan_vault(notes, seed)
    rng = random.Random(seed * 7919 + 1)
    paths = []
    for activity in activities:
        path = note_path(out_dir, activity)
        path.parent.mkdir(parents=True, exist_ok=True)
        text = render_note(activity, rng)
        path.write_bytes(text.encode("ascii"))
        os.utime(path, (FIXED_MTIME, FIXED_MTIME))
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path, help="folder to create (must be empty or absent)")
    parser.add_argument("--notes", "-n", type=int, default=1000, help="number of notes")
    parser.add_argument("--seed", "-s", type=int, default=0, help="random seed")
    parser.add_argument("--force", action="store_true", help="delete OUT_DIR first")
    args = parser.parse_args(argv)
    if args.force and args.out_dir.exists():
        shutil.rmtree(args.out_dir)
    try:
        paths = generate(args.out_dir, args.notes, args.seed)
    except ValueError as exc:
        print(f"generate_vault: {exc}", file=sys.stderr)
        return 2
    print(f"{len(paths)} notes in {args.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
