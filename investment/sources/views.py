"""Pages of the source reports: the list, and one report's text with its figures highlighted."""

from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from shangdang_portal.roles import can_read_all

from . import selectors
from .highlight import highlight_quotes


def figure_url(figure) -> str:
    return f"{reverse('sources:detail', args=[figure.source_report_id])}#figure-{figure.pk}" if figure else ""


def report_list(request):
    reports = selectors.report_list(user=request.user).annotate(figure_count=Count("figures"))
    return render(request, "sources/report_list.html", {"reports": reports})


def report_detail(request, pk: int):
    report = get_object_or_404(selectors.visible_reports(request.user), pk=pk)
    figures = list(selectors.report_figures(report=report, user=request.user))
    return render(
        request,
        "sources/report_detail.html",
        {
            "report": report,
            "figures": figures,
            "marked_text": highlight_quotes(report.text, figures),
            "can_read_all": can_read_all(request.user),
        },
    )
