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


FlowPair = tuple[str, str]  # (source, target) activity names


def flow_groups(
    model_flows: tuple[Flow, ...],
) -> tuple[dict[FlowPair, list[Flow]], dict[tuple[str, str], list[Flow]]]:
    """The flows by (source, target) pair, and by (target, artifact): the cards' two questions.

    Broadcast-only flows (stated once as "for all activities") are left to the broadcast cards.
    """
    by_pair: dict[FlowPair, list[Flow]] = defaultdict(list)
    by_target_artifact: dict[tuple[str, str], list[Flow]] = defaultdict(list)
    for flow in model_flows:
        if all(s.broadcast for s in flow.statements):
            continue
        by_pair[(flow.source, flow.target)].append(flow)
        by_target_artifact[(flow.target, flow.artifact.casefold())].append(flow)
    return by_pair, by_target_artifact


def pair_flow_cards(pair: list[Flow], vault: Vault) -> list[CardNote]:
    """ "What does A provide to B?", one card per artifact of the pair."""
    artifacts = [f.artifact for f in pair]
    cards: list[CardNote] = []
    for flow in pair:
        source, target = flow.source, flow.target
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
                flow=(source, target),
            )
        )
    return cards


def provider_cards(group: list[Flow], vault: Vault) -> list[CardNote]:
    """ "Which activity provides X to B?" for the flows of one artifact into one activity."""
    sources = sorted({f.source for f in group})
    flow = group[0]
    path, line, _ = _where(flow, vault)
    card = vault.card(
        kind="flows",
        identity=("who", flow.target, flow.artifact),
        shape="basic",
        front=f"Which activity provides <i>{escape(flow.artifact)}</i> to {strong(flow.target)}?",
        back=", ".join(escape(s) for s in sources),
        context=vault.neutral_context(path, "flows"),
        path=path,
        line=line,
        paths=[p for f in group for p in _where(f, vault)[2]],
        activity=flow.target,
    )
    return [card]


def activity_flow_cards(model_flows: tuple[Flow, ...], vault: Vault) -> list[CardNote]:
    """Forward "What does A provide to B?" and reverse "Which activity provides X to B?" cards."""
    by_pair, by_target_artifact = flow_groups(model_flows)
    cards = [card for pair in by_pair.values() for card in pair_flow_cards(pair, vault)]
    return cards + [
        card for group in by_target_artifact.values() for card in provider_cards(group, vault)
    ]


def _outside_items(activity: Activity) -> list[tuple[Item, str]]:
    """(item, counterpart name) for every party or all-activities counterpart of the activity."""
    found: list[tuple[Item, str]] = []
    for item in (*activity.inputs, *activity.outputs):
        for counterpart in item.counterparts:
            if counterpart.kind in ("party", "all"):
                found.append((item, counterpart.name))
    return found


def party_phrase(name: str) -> str:
    """`governing body` reads as "the governing body"; plural groups need no article."""
    if name == ALL:
        return "every other activity"
    words = name.split()
    if words[0].casefold() in {"the", "a", "an", "all", "every", "each"} or name.endswith("s"):
        return name
    return f"the {name}"


def outside_flow_cards(activity: Activity, vault: Vault) -> list[CardNote]:
    """Flows between the activity and parties (customers, suppliers…) or every activity."""
    groups: dict[tuple[str, str], list[Item]] = defaultdict(list)
    askers: dict[tuple[str, str], list[tuple[Item, str]]] = defaultdict(list)
    for item, name in _outside_items(activity):
        groups[(item.direction, name)].append(item)
        if name != ALL:
            askers[(item.direction, (item.artifact or item.text).casefold())].append((item, name))
    cards: list[CardNote] = []
    for (direction, name), items in groups.items():
        artifacts = [i.artifact or i.text for i in items]
        verb = "receive from" if direction == "input" else "provide to"
        for item, artifact in zip(items, artifacts, strict=True):
            cards.append(
                vault.card(
                    kind="flows",
                    identity=(activity.name, direction, name, artifact),
                    shape="basic",
                    front=f"What does {strong(activity.name)} {verb} {escape(party_phrase(name))}?"
                    + _hint(artifact, artifacts),
                    back=escape(artifact),
                    path=item.path,
                    line=item.line,
                    activity=activity.name,
                )
            )
    for (direction, _), found in askers.items():
        item = found[0][0]
        artifact = item.artifact or item.text
        parties = ", ".join(dict.fromkeys(escape(name) for _, name in found))
        ask = "provides" if direction == "input" else "receives"
        way = "to" if direction == "input" else "from"
        cards.append(
            vault.card(
                kind="flows",
                identity=("who", activity.name, direction, artifact),
                shape="basic",
                front=f"Who {ask} <i>{escape(artifact)}</i> {way} {strong(activity.name)}?",
                back=parties,
                path=item.path,
                line=item.line,
                activity=activity.name,
            )
        )
    return cards
