"""The unit tree's materialised paths, rebuilt for the whole tree in bulk (a city file can
add or move thousands of units at once; `Unit.save` walks one branch at a time)."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Concat

from minxin.org.models import Unit

CHUNK = 500


def unit_paths_rebuild() -> int:
    """Recompute the paths that no longer follow the parent links; returns how many changed.
    The database writes them a tree level at a time, each from its parent's new path, so
    a thousand units cost a few queries, not a thousand."""
    rows = list(Unit.objects.values_list("id", "parent_id", "path"))
    parents = {pk: parent for pk, parent, _ in rows}
    paths: dict[int, str] = {}
    depth: dict[int, int] = {}

    def path_of(pk: int) -> str:
        chain = [pk]
        while (up := parents[chain[-1]]) is not None and up not in paths:
            chain.append(up)
        prefix, level = (paths[up], depth[up] + 1) if up is not None else ("/", 0)
        for node in reversed(chain):
            prefix = paths[node] = f"{prefix}{node}/"
            depth[node], level = level, level + 1
        return paths[pk]

    stale: dict[int, list[int]] = defaultdict(list)
    for pk, _, old in rows:
        if (paths.get(pk) or path_of(pk)) != old:
            stale[depth[pk]].append(pk)
    own_id = Cast("id", output_field=CharField())
    above = Subquery(Unit.objects.filter(pk=OuterRef("parent_id")).values("path")[:1])
    for level in sorted(stale):  # parents first: each level reads the one above
        prefix = Value("/") if level == 0 else above
        ids = stale[level]
        for start in range(0, len(ids), CHUNK):
            Unit.objects.filter(pk__in=ids[start : start + CHUNK]).update(
                path=Concat(prefix, own_id, Value("/"), output_field=CharField())
            )
    return sum(len(ids) for ids in stale.values())
