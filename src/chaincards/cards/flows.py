"""Flow cards: what one activity gives another, and who gives it; one artifact per card.

Between two activities the flows come from the model (confirmed or not); flows to or from
outside parties and to or from "all activities" come straight from the list items, with their own
wording, so a broadcast is one card rather than one per activity.
"""

from __future__ import annotations

from collections import defaultdict
from html import escape

from chaincards.cards.card import CardNote
from chaincards.cards.facts import Vault, distinguishing_hint, strong
from chaincards.model.types import ALL, Activity, Flow, Item


def _hint(artifact: str, siblings: list[str]) -> str:
    if len(siblings) < 2:
        return ""
    cue = distinguishing_hint(artifact, siblings)
    return f'<div class="cc-hint">one of {len(siblings)} — “{escape(cue)}”</div>'


def _where(flow: Flow, vault: Vault) -> tuple[str, int, list[str]]:
    paths = [s.path for s in flow.statements]
    best = vault.best(paths)
    line = min(s.line for s in flow.statements if s.path == best)
    return best, line, paths


def activity_flow_cards(model_flows: tuple[Flow, ...], vault: Vault) -> list[CardNote]:
    """Forward "What does A provide to B?" and reverse "Which activity provides X to B?" cards.

    Broadcast-only flows (stated once as "for all activities") are left to the broadcast cards.
    """
    flows = [f for f in model_flows if not all(s.broadcast for s in f.statements)]
    by_pair: dict[tuple[str, str], list[Flow]] = defaultdict(list)
    by_target_artifact: dict[tuple[str, str], list[Flow]] = defaultdict(list)
    for flow in flows:
        by_pair[(flow.source, flow.target)].append(flow)
        by_target_artifact[(flow.target, flow.artifact.casefold())].append(flow)
    cards: list[CardNote] = []
    for (source, target), pair in by_pair.items():
        artifacts = [f.artifact for f in pair]
        for flow in pair:
            path, line, paths = _where(flow, vault)
            cards.append(
                vault.card(
                    kind="flows",
                    identity=(source, target, flow.artifact),
                    shape="basic",
                    front=f"What does {strong(source)} provide to {strong(target)}?"
                    + _hint(flow.artifact, artifacts),
                    back=escape(flow.artifact),
                    path=path,
                    line=line,
                    paths=paths,
                    activity=source,
                )
            )
    for (target, _), group in by_target_artifact.items():
        sources = sorted({f.source for f in group})
        flow = group[0]
        path, line, paths = _where(flow, vault)
        cards.append(
            vault.card(
                kind="flows",
                identity=("who", target, flow.artifact),
                shape="basic",
                front=f"Which activity provides <i>{escape(flow.artifact)}</i> to "
                f"{strong(target)}?",
                back=" and ".join(escape(s) for s in sources),
                path=path,
                line=line,
                paths=[p for f in group for p in _where(f, vault)[2]],
                activity=target,
            )
        )
    return cards


def _outside_items(activity: Activity) -> list[tuple[Item, str]]:
    """(item, counterpart name) for every party or all-activities counterpart of the activity."""
    found: list[tuple[Item, str]] = []
    for item in (*activity.inputs, *activity.outputs):
        for counterpart in item.counterparts:
            if counterpart.kind in ("party", "all"):
                found.append((item, counterpart.name))
    return found


def outside_flow_cards(activity: Activity, vault: Vault) -> list[CardNote]:
    """Flows between the activity and parties (customers, suppliers…) or every activity."""
    groups: dict[tuple[str, str], list[Item]] = defaultdict(list)
    for item, name in _outside_items(activity):
        groups[(item.direction, name)].append(item)
    cards: list[CardNote] = []
    for (direction, name), items in groups.items():
        everyone = name == ALL
        other = "every other activity" if everyone else name
        artifacts = [i.artifact or i.text for i in items]
        for item, artifact in zip(items, artifacts, strict=True):
            if direction == "input":
                front = f"What does {strong(activity.name)} receive from {escape(other)}?"
                ask = f"Who provides <i>{escape(artifact)}</i> to {strong(activity.name)}?"
            else:
                front = f"What does {strong(activity.name)} provide to {escape(other)}?"
                ask = f"Who receives <i>{escape(artifact)}</i> from {strong(activity.name)}?"
            common = {
                "kind": "flows",
                "path": item.path,
                "line": item.line,
                "activity": activity.name,
            }
            cards.append(
                vault.card(
                    identity=(activity.name, direction, name, artifact),
                    shape="basic",
                    front=front + _hint(artifact, artifacts),
                    back=escape(artifact),
                    **common,
                )
            )
            if not everyone:
                cards.append(
                    vault.card(
                        identity=("who", activity.name, direction, artifact),
                        shape="basic",
                        front=ask,
                        back=escape(name),
                        **common,
                    )
                )
    return cards
