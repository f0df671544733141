"""The card screen: what no package ships, and the card budget that says so.

Every card passes it before it is written:

- a generated card that gives its answer away is dropped: its front (or, for a cloze, what the
  card shows) contains the answer, a hint holds half or more of the answer's words, or a question
  whose answer is a step names that step's stem (`Which step provides progress reports on
  improvement initiatives to Plan?` → Improve);
- a generated card with more than three answers (unanswerable: a list to recite) or an answer
  over twenty words (a sentence, not a fact) is dropped;
- two cards in one deck whose questions differ only in breadcrumb, hint or card type are
  duplicates: the first (written cards before generated ones, then source order) is kept, and a
  written card left out is reported as a warning (a generated one in the budget);
- a card the learner wrote that shows its own answer is kept, and reported as a warning (so
  `--strict` fails on it).

The report counts cards made and dropped per kind, with the reason and `path:line` of each drop.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from chaincards.cards.card import CardNote, split_origin
from chaincards.diagnostics import Diagnostic, warning
from chaincards.keys import CLOZE, normalise_key
from chaincards.model.names import KIND_PLURALS, KIND_WORDS, STOP_WORDS, stem
from chaincards.obsidian.cloze import strip_cloze_markers

_CLOZE = CLOZE  # shared with the manifest's key of what a cloze hides
_HINT = re.compile(r'<div class="cc-hint">(.*?)</div>', re.S)
_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"[^\W_]+")
_KIND_STEMS = frozenset(stem(w) for w in KIND_WORDS | KIND_PLURALS)
MAX_ANSWERS = 3
MAX_ANSWER_WORDS = 20
WRITTEN_KINDS = frozenset({"callout", "tag", "inline", "spaced", "fenced"})


@dataclass(frozen=True)
class Dropped:
    kind: str
    origin: str  # path:line of the fact
    reason: str  # "duplicate", "give-away", "unanswerable", "answer too long"
    question: str  # the question as plain text

    def to_json(self) -> dict[str, object]:
        path, line = split_origin(self.origin)
        return {
            "kind": self.kind,
            "path": path,
            "line": line,
            "reason": self.reason,
            "question": self.question,
        }


@dataclass
class QualityReport:
    by_kind: Counter[str] = field(default_factory=Counter)  # cards kept
    dropped: list[Dropped] = field(default_factory=list)
    self_answering: list[str] = field(default_factory=list)  # written cards kept that do

    def add(self, other: QualityReport) -> None:
        """Counts and lists of `other` (another package's screen) added to these."""
        self.by_kind.update(other.by_kind)
        self.dropped.extend(other.dropped)
        self.self_answering.extend(other.self_answering)

    @property
    def suppressed_duplicates(self) -> int:
        return sum(d.reason == "duplicate" for d in self.dropped)

    def budget(self) -> dict[str, dict[str, int]]:
        """Per kind: cards made (kept), and dropped by reason."""
        found: dict[str, dict[str, int]] = {}
        for kind, count in sorted(self.by_kind.items()):
            found.setdefault(kind, {})["made"] = count
        for drop in self.dropped:
            entry = found.setdefault(drop.kind, {"made": 0})
            entry[drop.reason] = entry.get(drop.reason, 0) + 1
        return dict(sorted(found.items()))

    def budget_line(self) -> str:
        parts = []
        for kind, counts in self.budget().items():
            drops = {k: v for k, v in counts.items() if k != "made"}
            why = ", ".join(f"{v} {k}" for k, v in sorted(drops.items()))
            parts.append(f"{kind} {counts['made']}" + (f" ({why} dropped)" if why else ""))
        return "cards: " + "; ".join(parts) if parts else "cards: none"

    def to_json(self) -> dict[str, object]:
        return {
            "cards_by_kind": dict(sorted(self.by_kind.items())),
            "budget": self.budget(),
            "dropped": [
                d.to_json() for d in sorted(self.dropped, key=lambda d: split_origin(d.origin))
            ],
            "suppressed_duplicates": self.suppressed_duplicates,
            "self_answering": sorted(self.self_answering),
        }


_INLINE_TAG = re.compile(r"</?(?:b|i|em|strong|span|a|code|sub|sup)\b[^>]*>")


def plain(html: str) -> str:
    """The text a learner reads: inline markup dropped, block tags as spaces."""
    return " ".join(_TAG.sub(" ", _INLINE_TAG.sub("", html)).split())


def _contains(haystack: str, needle: str) -> bool:
    needle = normalise_key(needle)
    if len(needle) <= 2:
        return False
    if haystack.isascii() and max(needle.split(), key=len) not in haystack.lower():
        # Every word of an ASCII haystack's key is a substring of the lower-cased haystack, so
        # a needle word missing there cannot be in the key: skip normalising the haystack.
        return False
    return f" {needle} " in f" {normalise_key(haystack)} "


def _cloze_gives_away(text: str, number: str) -> bool:
    hidden = [m.group(2) for m in _CLOZE.finditer(text) if m.group(1) == number]
    # Anki shows a hidden deletion's hint (`{{c1::answer::hint}}`) on the question.
    visible = _CLOZE.sub(lambda m: (m.group(3) or "") if m.group(1) == number else m.group(2), text)
    return any(_contains(strip_cloze_markers(visible), h) for h in hidden)


def _stems(text: str) -> set[str]:
    return {stem(w) for w in _WORD.findall(text.casefold()) if w not in STOP_WORDS}


def name_stem(name: str) -> str:
    """The stem of a name's first telling word: `Improve` → `improv`, `Phase 3: Pretrial
    motions` → `pretrial` (kind words and numbers tell nothing)."""
    words = [
        w
        for w in _WORD.findall(name.casefold())
        if w not in STOP_WORDS and w not in KIND_WORDS and not w.isdigit()
    ]
    return stem(words[0]) if words else ""


def _hint_gives_away(front: str, answers: tuple[str, ...]) -> bool:
    for hint in _HINT.findall(front):
        shown = _stems(plain(hint))
        for answer in answers:
            wanted = _stems(answer)
            if wanted and len(wanted & shown) * 2 >= len(wanted):
                return True
    return False


def gives_away_answer(card: CardNote) -> bool:
    """True when a question shows its own answer (the learner has nothing left to recall)."""
    if card.shape == "cloze":
        numbers = {m.group(1) for m in _CLOZE.finditer(card.front)}
        return any(_cloze_gives_away(card.front, number) for number in numbers)
    question = _HINT.sub(" ", card.front)
    if _contains(question, card.back) or any(_contains(question, a) for a in card.answers):
        return True
    if _hint_gives_away(card.front, card.answers):
        return True
    if card.shape == "reverse" and _contains(card.back, card.front):
        return True
    if card.answers and card.front.startswith(("Which ", "Who ")):  # the answers are names
        # `Which stage …` names the kind, not the step (`Staging deployment`).
        shown = {s for s in _stems(plain(question)) if s not in _KIND_STEMS}
        names = card.names or card.answers  # with aliases: `inspection reports` → Quality control
        return any(name_stem(a) in shown for a in names if name_stem(a))
    return False


def question_key(card: CardNote) -> str:
    """What makes two questions the same: the front's words, without hints or markup; for a
    cloze, with what it hides marked, since that is what it asks."""
    front = _HINT.sub(" ", card.front)
    front = _CLOZE.sub(lambda m: f" hidden{m.group(1)} {m.group(2)} ", front)
    return normalise_key(plain(front))


def screen(
    cards: list[CardNote],
    generated_screened: bool = False,
    keys: dict[int, tuple[CardNote, str]] | None = None,
) -> tuple[list[CardNote], QualityReport, list[Diagnostic]]:
    """The cards a package may ship, the budget, and warnings for duplicates and for written
    cards that show their answer. `generated_screened`: the generated cards among `cards` were
    screened already (on their own, by an earlier call) and only need checking for duplicates
    of the written ones. `keys`: question keys by id() of the card (which it holds, so the id
    stays its own), found by an earlier call and kept for a later one (a big vault's keys cost
    seconds)."""
    keys = {} if keys is None else keys
    report = QualityReport()
    diagnostics: list[Diagnostic] = []
    seen: dict[tuple[str, str], CardNote] = {}
    guids: dict[str, CardNote] = {}
    kept: list[CardNote] = []
    ordered = sorted(cards, key=lambda c: c.kind not in WRITTEN_KINDS)  # stable: written first
    for card in ordered:
        generated = card.kind not in WRITTEN_KINDS
        shows = False if generated and generated_screened else gives_away_answer(card)
        reason = ""
        # A cloze note asks each deletion on a card of its own; a basic card asks all at once.
        if generated and generated_screened:
            pass
        elif generated and card.shape != "cloze" and len(card.answers) > MAX_ANSWERS:
            reason = "unanswerable"
        elif generated and any(len(a.split()) > MAX_ANSWER_WORDS for a in card.answers):
            reason = "answer too long"
        elif generated and shows:
            reason = "give-away"
        known = keys.get(id(card))
        if known is None or known[0] is not card:
            known = keys[id(card)] = (card, question_key(card))
        key = (card.deck, known[1])
        first = seen.get(key) or guids.get(card.guid)
        if not reason and first is not None:
            reason = "duplicate"
        if reason == "duplicate" and not generated:  # the learner's to fix: say where
            path, line = split_origin(card.origin)
            diagnostics.append(
                warning(
                    path,
                    line or 1,
                    f"duplicate card in deck {card.deck!r} (same question as "
                    f"{first.origin if first else '?'}); "
                    "skipped",
                )
            )
        if reason:
            report.dropped.append(Dropped(card.kind, card.origin, reason, plain(card.front)))
            continue
        if shows:
            report.self_answering.append(card.origin)
            path, line = split_origin(card.origin)
            diagnostics.append(warning(path, line or 1, "card shows its own answer on the front"))
        seen[key] = card
        guids[card.guid] = card
        report.by_kind[card.kind] += 1
        kept.append(card)
    return kept, report, diagnostics
