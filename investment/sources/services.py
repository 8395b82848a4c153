"""Writes on figures outside the importer (the back office corrects a scope, an indicator or a note)."""

from __future__ import annotations

from django.db import transaction

from ..models import Figure
from ..rollups.services import rollup_year_on_commit


def _years_of(figure: Figure) -> set[int]:
    dates = (figure.period_end, figure.period_start, figure.source_report.published_on)
    return {day.year for day in dates if day is not None}


@transaction.atomic
def figure_save(*, figure: Figure, actor=None) -> Figure:
    """A reported figure may be the actual of any scope it names: the years it speaks of are rolled up again
    on commit, those it spoke of before the change too."""
    before = Figure.objects.select_related("source_report").filter(pk=figure.pk).first() if figure.pk else None
    figure.full_clean()
    if actor is not None:
        figure._history_user = actor
    figure.save()
    for year in _years_of(figure) | (_years_of(before) if before else set()):
        rollup_year_on_commit(year=year)
    return figure
