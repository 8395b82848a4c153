"""三个一批 rates per batch: of the projects a batch announced at one milestone, how many reached the next."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef

from projects.models import Batch, Milestone

from ..models import BatchRate, Figure
from .scopes import percent

# rate kind -> (milestone the batch announced, milestone that counts as reached)
STEPS = {
    BatchRate.Kind.SIGNED_TO_STARTED: (Milestone.Kind.SIGNED, Milestone.Kind.STARTED),
    BatchRate.Kind.STARTED_TO_PRODUCTION: (Milestone.Kind.STARTED, Milestone.Kind.IN_PRODUCTION),
    BatchRate.Kind.PRODUCTION_TO_CAPACITY: (Milestone.Kind.IN_PRODUCTION, Milestone.Kind.AT_CAPACITY),
}


def reported_rate(*, batch: Batch, kind: str, as_of: dt.date, region_chain: list[int]) -> Figure | None:
    """The rate a report printed for the batch's region (or a region above it), the newest by as-of."""
    return (
        Figure.objects.filter(
            indicator__code=kind, scope_kind="region", region_id__in=region_chain, period_end__lte=as_of
        )
        .order_by("-period_end", "-id")
        .first()
    )


def batch_rates_compute(*, as_of: dt.date, tree, batch_ids=None) -> int:
    batches = Batch.objects.filter(held_on__lte=as_of) | Batch.objects.filter(held_on=None)
    if batch_ids is not None:
        batches = batches.filter(pk__in=batch_ids)
    written = 0  # rows written: the unchanged ones are left alone
    for batch in batches:
        chain = tree.chain("region", batch.region_id)
        for kind, (announced, reached) in STEPS.items():
            reached_q = Milestone.objects.filter(
                project=OuterRef("project"), kind=reached, actual_date__isnull=False, actual_date__lte=as_of
            )
            members = Milestone.objects.filter(batch=batch, kind=announced).annotate(done=Exists(reached_q))
            denominator = sorted(members.values_list("project_id", flat=True))
            numerator = sorted(members.filter(done=True).values_list("project_id", flat=True))
            figure = reported_rate(batch=batch, kind=kind, as_of=as_of, region_chain=chain)
            values = {
                "formula": f"count({reached} by {as_of}) / count({announced} in batch)",
                "numerator": len(numerator),
                "denominator": len(denominator),
                "rate": percent(len(numerator), len(denominator)),
                "numerator_project_ids": numerator,
                "denominator_project_ids": denominator,
                "reported_figure_id": figure.pk if figure else None,
            }
            stored = BatchRate.objects.filter(batch=batch, as_of=as_of, kind=kind).first()
            if stored is not None and all(getattr(stored, f) == v for f, v in values.items()):
                continue  # unchanged: not written again
            BatchRate.objects.update_or_create(batch=batch, as_of=as_of, kind=kind, defaults=values)
            written += 1
    return written
