"""The planning pages for officials and admins, under /plans/<year>/: the year's annual plans (one form per
project), its targets (value and comparator) and its signal rules. Every save goes through the campaign services;
a row carries the version it was shown at, so a save over someone else's change says what they changed."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects.filtersets import ProjectFilterSet
from projects.selectors import visible_projects
from shangdang_portal.money import MAX_MONEY, MONEY
from shangdang_portal.permissions import can_edit_plans
from shangdang_portal.row_versions import StaleRow, row_version

from ..models import AnnualPlan, CampaignYear, Comparator
from . import selectors, services

PAGE_SIZE = 25
PLAN_FILTERS = ("q", "region", "park")


def _require_planner(request, year: int | None = None) -> None:
    if not can_edit_plans(request.user):
        raise PermissionDenied(_("只有领导和管理员可以修改计划。"))
    if year is not None and not 2000 <= year <= 2100:
        raise Http404


def _back(request, default: str) -> HttpResponseRedirect:
    """Back to the page the form was on (its filters and page number), never to another site."""
    target = request.POST.get("next") or default
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = default
    return redirect(target)


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _stale(form: forms.Form, stale: StaleRow) -> list:
    """The row changed since it was shown: say so on the form and list what changed."""
    form.add_error(None, stale.message)
    return stale.changes


def _years(year: int) -> list[str]:
    # As text: a year is a label, not a number to print with a thousands separator ("2,025" in English).
    years = set(CampaignYear.objects.values_list("year", flat=True)) | {year}
    return [str(y) for y in sorted(years, reverse=True)]


@login_required
def index(request):
    """The latest campaign year's plans (or this year's when there is none yet)."""
    _require_planner(request)
    latest = CampaignYear.objects.order_by("-year").values_list("year", flat=True).first()
    return redirect("plans:annual-plans", year=latest or timezone.localdate().year)


# --- annual plans ---------------------------------------------------------------------------------


class AnnualPlanForm(forms.Form):
    project = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.CharField(required=False, widget=forms.HiddenInput)
    planned_investment = forms.DecimalField(
        label=gettext_lazy("年度计划投资(万元)"),
        required=False,
        min_value=0,
        max_value=MAX_MONEY,
        **MONEY,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    delete = forms.BooleanField(required=False)

    def clean(self):
        data = super().clean()
        if (
            not data.get("delete")
            and data.get("planned_investment") is None
            and "planned_investment" not in self.errors
        ):
            self.add_error("planned_investment", _("请填写年度计划投资。"))
        return data


def _plan_save(request, year: int, form: AnnualPlanForm) -> list:
    """Saves a valid row through the services; returns what changed when the row was stale (the form then holds
    the error); raises Http404 for a project the user may not see."""
    data = form.cleaned_data
    project = visible_projects(request.user).filter(pk=data["project"]).first()
    if project is None:
        raise Http404
    plan = AnnualPlan.objects.filter(project=project, campaign_year__year=year).first()
    version = data["version"] or None
    try:
        if plan is None:
            if data["delete"]:
                return []
            services.annual_plan_create(
                project=project, year=year, planned_investment=data["planned_investment"], actor=request.user
            )
        elif data["delete"]:
            services.annual_plan_delete(plan=plan, actor=request.user, version=version)
        else:
            services.annual_plan_set(
                project=project,
                campaign_year=plan.campaign_year,
                planned_investment=data["planned_investment"],
                actor=request.user,
                version=version,
            )
    except StaleRow as stale:
        return _stale(form, stale)
    except ValidationError as error:
        _add_errors(form, error)
        return []
    return []


@login_required
def annual_plans(request, year: int):
    _require_planner(request, year)
    failed_form, changes = None, []
    if request.method == "POST":
        form = AnnualPlanForm(request.POST)
        if form.is_valid():
            changes = _plan_save(request, year, form)
            if not form.errors:
                messages.success(request, _("年度计划已保存。"))
                return _back(request, reverse("plans:annual-plans", args=[year]))
        failed_form = form
    filters = request.GET.copy()
    for key in list(filters):
        if key not in PLAN_FILTERS:
            filters.pop(key)
    visible = visible_projects(request.user).select_related("region", "park").order_by("name", "pk")
    filterset = ProjectFilterSet(filters, queryset=visible)
    projects = filterset.qs if filterset.is_valid() else visible.none()
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    plans = {
        p.project_id: p
        for p in selectors.annual_plan_list(user=request.user).filter(
            campaign_year__year=year, project__in=[p.pk for p in page]
        )
    }
    rows = []
    for project in page:
        plan = plans.get(project.pk)
        if failed_form is not None and str(project.pk) == str(failed_form.data.get("project")):
            form = failed_form
        else:
            form = AnnualPlanForm(
                initial={
                    "project": project.pk,
                    "version": row_version(plan, services.ANNUAL_PLAN_VERSION_FIELDS) if plan else "",
                    "planned_investment": plan.planned_investment if plan else None,
                }
            )
        rows.append({"project": project, "plan": plan, "form": form, "changes": changes if form is failed_form else []})
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "campaigns/annual_plans.html",
        {
            "year": str(year),
            "years": _years(year),
            "tab": "plans",
            "filterset": filterset,
            "plan_filters": PLAN_FILTERS,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "total": sum(p.planned_investment for p in plans.values()) if plans else Decimal(0),
            "failed_elsewhere": failed_form is not None and not any(r["form"] is failed_form for r in rows),
            "failed_form": failed_form,
        },
        status=400 if failed_form is not None else 200,
    )


# --- targets --------------------------------------------------------------------------------------


class TargetForm(forms.Form):
    target = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.CharField(widget=forms.HiddenInput)
    value = forms.DecimalField(
        label=gettext_lazy("目标值"),
        max_digits=24,
        decimal_places=4,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    comparator = forms.ChoiceField(label=gettext_lazy("比较"), choices=[("", "—"), *Comparator.choices], required=False)


@login_required
def targets(request, year: int):
    _require_planner(request, year)
    rows_of_year = selectors.target_list(user=request.user, filters={"year": str(year)})
    failed_form, changes = None, []
    if request.method == "POST":
        form = TargetForm(request.POST)
        if form.is_valid():
            target = rows_of_year.filter(pk=form.cleaned_data["target"]).first()
            if target is None:
                raise Http404
            try:
                services.target_change(
                    target=target,
                    actor=request.user,
                    version=form.cleaned_data["version"],
                    value=form.cleaned_data["value"],
                    comparator=form.cleaned_data["comparator"],
                )
            except StaleRow as stale:
                changes = _stale(form, stale)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("目标已保存。"))
                return _back(request, reverse("plans:targets", args=[year]))
        failed_form = form
    rows = []
    for target in rows_of_year:
        if failed_form is not None and str(target.pk) == str(failed_form.data.get("target")):
            form = failed_form
        else:
            form = TargetForm(
                initial={
                    "target": target.pk,
                    "version": row_version(target, services.TARGET_VERSION_FIELDS),
                    "value": target.value,
                    "comparator": target.comparator,
                }
            )
        rows.append({"target": target, "form": form, "changes": changes if form is failed_form else []})
    return render(
        request,
        "campaigns/targets.html",
        {"year": str(year), "years": _years(year), "tab": "targets", "rows": rows, "failed_form": failed_form},
        status=400 if failed_form is not None else 200,
    )


# --- the year's signal rules ----------------------------------------------------------------------


class CampaignYearForm(forms.ModelForm):
    version = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = CampaignYear
        fields = ["name", "yellow_lag_points", "red_lag_points", "red_not_started_months"]


@login_required
def thresholds(request, year: int):
    _require_planner(request, year)
    campaign_year = CampaignYear.objects.filter(year=year).first()
    if campaign_year is None:
        # Not created yet: the form starts from what the year would copy (campaign_year_for), saved on POST.
        previous = CampaignYear.objects.filter(year__lt=year).order_by("-year").first()
        shown = CampaignYear(year=year, name=_("%(year)s年重大项目建设年") % {"year": year})
        for name in ("yellow_lag_points", "red_lag_points", "red_not_started_months"):
            if previous is not None:
                setattr(shown, name, getattr(previous, name))
        version = ""
    else:
        shown = campaign_year
        version = row_version(campaign_year, services.CAMPAIGN_YEAR_VERSION_FIELDS)
    changes = []
    if request.method == "POST":
        form = CampaignYearForm(request.POST, instance=CampaignYear.objects.filter(year=year).first() or shown)
        if form.is_valid():
            values = {f: form.cleaned_data[f] for f in CampaignYearForm.Meta.fields}
            try:
                if campaign_year is None:
                    services.campaign_year_create(year=year, actor=request.user, **values)
                else:
                    fresh = CampaignYear.objects.get(pk=campaign_year.pk)
                    for name, value in values.items():
                        setattr(fresh, name, value)
                    services.campaign_year_save(
                        campaign_year=fresh, actor=request.user, version=form.cleaned_data["version"] or None
                    )
            except StaleRow as stale:
                changes = _stale(form, stale)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("信号规则已保存。"))
                return redirect("plans:thresholds", year=year)
    else:
        form = CampaignYearForm(instance=shown, initial={"version": version})
    return render(
        request,
        "campaigns/thresholds.html",
        {
            "year": str(year),
            "years": _years(year),
            "tab": "thresholds",
            "form": form,
            "exists": campaign_year is not None,
            "changes": changes,
        },
        status=400 if request.method == "POST" else 200,
    )
