"""The per-request shortcuts of the API lists answer exactly what DRF and django-filter would have: rows
written field by field, choice labels, the filter form skipped when no filter is asked, filter forms built
once, querysets built once for anonymous readers."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import translation
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from investment.api.serializers import FigureSerializer
from investment.sources import selectors as source_selectors
from projects import selectors
from projects.api.serializers import ContactSerializer, LatestProgressSerializer, ProjectSerializer
from projects.filtersets import ProjectFilterSet
from projects.models import Category
from shangdang_portal.filtering import PortalFilterBackend
from tests.api.conftest import ROLES
from tests.factories import BatchFactory, FigureFactory, MilestoneFactory, ProjectFactory

pytestmark = pytest.mark.django_db


class DrfProjectSerializer(ProjectSerializer):
    def to_representation(self, instance):
        return serializers.Serializer.to_representation(self, instance)


class DrfFigureSerializer(FigureSerializer):
    def to_representation(self, instance):
        return serializers.Serializer.to_representation(self, instance)


class ModelProjectSerializer(DrfProjectSerializer):
    """A project written from its model instance (selectors.project_list, as the pages read it), field by
    field through DRF: what each API row must equal."""

    contacts = serializers.SerializerMethodField()
    latest_progress = serializers.SerializerMethodField()

    def get_contacts(self, project):
        if not project.contacts_visible:
            return []
        return [serializers.Serializer.to_representation(ContactSerializer(), c) for c in project.contacts.all()]

    def get_latest_progress(self, project):
        latest = project.latest_progress
        return serializers.Serializer.to_representation(LatestProgressSerializer(), latest[0]) if latest else None


@pytest.mark.parametrize("role", ROLES)
def test_project_rows_are_written_as_the_models_would_be(world, accounts, role):
    user = accounts.get(role, AnonymousUser())
    batch = BatchFactory(name="第一批", region=world["district"])
    MilestoneFactory(project=world["public"], kind="signed", batch=batch, planned_date=datetime.date(2024, 1, 5))
    rows = selectors.project_rows(list(selectors.project_page(user=user).values_list("pk", flat=True)), user=user)
    models = list(selectors.project_list(user=user))
    assert [row["id"] for row in rows] == [project.pk for project in models]
    expected = ModelProjectSerializer(models, many=True).data
    assert ProjectSerializer(rows, many=True).data == expected
    assert DrfProjectSerializer(rows, many=True).data == expected
    written = {row["id"]: row for row in ProjectSerializer(rows, many=True).data}
    public = written[world["public"].pk]
    assert [m["kind"] for m in public["milestones"]] == ["signed", "started"]
    assert public["milestones"][0]["batch"] == {"id": batch.pk, "name": "第一批"}
    assert public["latest_progress"]["investment_completed"] == "8200.50"
    assert public["cumulative_investment"] == "16200.50"
    assert public["park"] == {"id": world["cluster"].pk, "name": "光伏产业园"}
    assert bool(public["contacts"]) == (role in ("official", "staff", "reviewer", "admin"))


def test_a_project_model_is_refused_by_the_row_serializer(world):
    with pytest.raises(TypeError):
        ProjectSerializer(world["public"]).data  # noqa: B018 - the read is the test


@pytest.mark.parametrize("role", ["anonymous", "official"])
def test_figure_rows_are_written_as_drf_writes_them(world, accounts, role):
    user = accounts.get(role, AnonymousUser())
    restated = FigureFactory(
        source_report=world["report"],
        restates=world["figure"],
        scope_kind="project",
        region=None,
        project=world["public"],
    )
    figures = list(source_selectors.figure_rows(user=user))
    assert len(figures) >= 2
    expected = DrfFigureSerializer(figures, many=True).data
    assert FigureSerializer(figures, many=True).data == expected
    # A page of figures read as values by their keys writes the same rows.
    rows = source_selectors.figure_page_rows([figure.pk for figure in figures])
    assert FigureSerializer(rows, many=True).data == expected
    assert DrfFigureSerializer(rows, many=True).data == expected
    written = {row["id"]: row for row in expected}
    assert written[restated.pk]["restates"] == world["figure"].pk
    assert written[restated.pk]["scope"] == {"id": world["public"].pk, "name": world["public"].name}


def test_each_use_of_a_serializer_has_its_own_fields():
    one, two = ProjectSerializer(), ProjectSerializer()
    assert one.fields["category_display"] is not two.fields["category_display"]
    assert one.fields["milestones"].child is not two.fields["milestones"].child
    assert one.fields["category_display"].parent is one


def test_choice_labels_follow_the_language_of_each_use(world):
    user = AnonymousUser()
    (project,) = selectors.project_rows([world["public"].pk], user=user)
    with translation.override("en"):
        english = ProjectSerializer(project).data["category_display"]
    with translation.override("zh-hans"):
        chinese = ProjectSerializer(project).data["category_display"]
    with translation.override("en"):
        assert english == str(Category(project["category"]).label)
    assert chinese == str(Category(project["category"]).label)  # the source language
    assert english != chinese


def _filtered(backend, query: str):
    view = type("View", (), {"filterset_class": ProjectFilterSet})()
    request = Request(APIRequestFactory().get("/api/v1/projects/" + query))
    return backend.filter_queryset(request, selectors.project_list(user=AnonymousUser()), view)


@pytest.mark.parametrize("query", ["", "?page=2", "?page_size=1&format=json"])
def test_no_filter_asked_gives_django_filters_rows_in_its_order(world, query):
    ours, theirs = _filtered(PortalFilterBackend(), query), _filtered(DjangoFilterBackend(), query)
    assert str(ours.query) == str(theirs.query)
    assert list(ours) == list(theirs)


def test_a_filter_still_goes_through_the_form(world, client):
    assert str(_filtered(PortalFilterBackend(), "?category=industry").query) == str(
        _filtered(DjangoFilterBackend(), "?category=industry").query
    )
    answer = client.get(reverse("api:project-list"), {"region": "abc"})
    assert answer.status_code == 400 and "region" in str(answer.json())


def test_a_filter_form_is_built_once_per_set_of_filters(world):
    first = ProjectFilterSet({}, queryset=selectors.project_list(user=AnonymousUser()))
    again = ProjectFilterSet({}, queryset=selectors.project_list(user=AnonymousUser()))
    assert first.get_form_class() is again.get_form_class()
    fewer = ProjectFilterSet({"is_synthetic": "true"}, queryset=selectors.project_list(user=AnonymousUser()))
    fewer.filters.pop("is_synthetic")
    assert "is_synthetic" not in fewer.get_form_class().base_fields
    assert fewer.is_valid() and list(fewer.qs) == list(first.qs)


def test_an_anonymous_list_built_once_still_reads_todays_rows(world):
    before = {p.pk for p in selectors.project_list(user=AnonymousUser())}
    added = ProjectFactory(name="后来的项目", region=world["district"])
    after = {p.pk for p in selectors.project_list(user=AnonymousUser())}
    assert after == before | {added.pk}


def test_each_use_of_a_filterset_has_filters_of_its_own(world):
    queryset = selectors.project_list(user=AnonymousUser())
    one = ProjectFilterSet({"q": "光伏"}, queryset=queryset)
    two = ProjectFilterSet({"q": "储备"}, queryset=queryset)
    base = ProjectFilterSet.base_filters["q"]
    assert one.filters["q"] is not two.filters["q"] and one.filters["q"] is not base
    assert one.filters["q"].parent is one and one.filters["q"].model is queryset.model
    assert one.filters["q"].extra is not base.extra
    assert one.filters["q"].filter.f is one.filters["q"]  # its search method is called on its own FilterSet
    assert list(one.qs) == [world["public"]]
    assert list(two.qs) == []  # the private projects are not the anonymous caller's
