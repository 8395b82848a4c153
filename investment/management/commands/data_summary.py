"""manage.py data_summary: how much the portal holds, per kind and per source report."""

from django.core.management.base import BaseCommand
from django.db.models import Count, Q

from investment.models import Figure, SourceReport, Target
from parks.models import IndustryChain, Park, Region, SpecialtyTown
from projects.models import Company, Milestone, Project


class Command(BaseCommand):
    help = "Print the counts of projects, parks, figures and the rest, and the figures per report."

    def handle(self, *args, **options):
        real = Q(is_synthetic=False)
        rows = [
            ("regions", Region.objects.count()),
            ("parks", Park.objects.count()),
            ("industry chains", IndustryChain.objects.count()),
            ("specialty towns", SpecialtyTown.objects.count()),
            ("companies", Company.objects.filter(real).count()),
            ("projects", Project.objects.filter(real).count()),
            ("milestones", Milestone.objects.count()),
            ("reports", SourceReport.objects.count()),
            ("figures", Figure.objects.filter(real).count()),
            ("targets", Target.objects.count()),
        ]
        synthetic = Project.objects.filter(is_synthetic=True).count()
        if synthetic:
            rows.append(("synthetic projects (generated, not from reports)", synthetic))
        width = max(len(name) for name, _ in rows)
        for name, count in rows:
            self.stdout.write(f"{name:<{width}}  {count:>7}")
        self.stdout.write("")
        self.stdout.write("figures per report:")
        reports = SourceReport.objects.annotate(n=Count("figures", filter=Q(figures__is_synthetic=False)))
        for report in reports.order_by("file_name"):
            self.stdout.write(f"  {report.file_name}  {report.n:>4}  {report.title[:40]}")
