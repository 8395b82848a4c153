"""Frozen rankings rank each region or park among its peers only (investment.rollups.rankings.peer_key): a
district no longer shares a ranking with its own city, nor a park with its zone. The entries' completion
rates stay as frozen; only the ranks are recomputed within each peer group."""

from django.db import migrations

KINDS = ["development_zone", "sub_park", "cluster"]


def _key(entry):
    # The same grouping as peer_key, on the historical models.
    if entry.region_id:
        return ("region", 0 if entry.region.level == "city" else 1, entry.region.parent_id or 0)
    return ("park", KINDS.index(entry.park.kind), entry.park.parent_id or 0)


def rank_among_peers(apps, schema_editor):
    RankingEntry = apps.get_model("investment", "RankingEntry")
    groups: dict = {}
    for entry in RankingEntry.objects.select_related("region", "park").order_by("ranking_id", "pk"):
        groups.setdefault((entry.ranking_id, _key(entry)), []).append(entry)
    changed = []
    for entries in groups.values():
        entries.sort(key=lambda e: -e.completion_rate)
        for position, entry in enumerate(entries, start=1):
            tied = position > 1 and entry.completion_rate == entries[position - 2].completion_rate
            rank = entries[position - 2].rank if tied else position
            if entry.rank != rank:
                entry.rank = rank
                changed.append(entry)
    RankingEntry.objects.bulk_update(changed, ["rank"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("investment", "0012_figure_candidates"), ("parks", "0005_park_point")]

    operations = [migrations.RunPython(rank_among_peers, migrations.RunPython.noop)]
