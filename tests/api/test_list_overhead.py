"""The per-request shortcuts of the API lists answer exactly what DRF and django-filter would have: rows
written field by field, choice labels, the filter form skipped when no filter is asked, filter forms built
once, querysets built once for anonymous readers."""

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
from projects.api.serializers import ProjectSerializer
from projects.filtersets import ProjectFilterSet
from projects.models import Category
from shangdang_portal.filtering import PortalFilterBackend
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


class DrfProjectSerializer(ProjectSerializer):
    def to_representation(self, instance):
        return serializers.Serializer.to_representation(self, instance)


class DrfFigureSerializer(FigureSerializer):
    def to_representation(self, instance):
        return serializers.Serializer.to_representation(self, instance)


def test_rows_are_written_as_drf_writes_them(world):
    projects = list(selectors.project_list(user=AnonymousUser()))
    assert ProjectSerializer(projects, many=True).data == DrfProjectSerializer(projects, many=True).data
    figures = list(source_selectors.figure_rows(user=AnonymousUser()))
    assert figures
    assert FigureSerializer(figures, many=True).data == DrfFigureSerializer(figures, many=True).data
    # A row that is a mapping takes DRF's own path.
    assert ProjectSerializer.__mro__[1].to_representation(ProjectSerializer(), {"id": 1, "name": "甲"})["name"] == "甲"


def test_each_use_of_a_serializer_has_its_own_fields():
    one, two = ProjectSerializer(), ProjectSerializer()
    assert one.fields["category_display"] is not two.fields["category_display"]
    assert one.fields["milestones"].child is not two.fields["milestones"].child
    assert one.fields["category_display"].parent is one


def test_choice_labels_follow_the_language_of_each_use(world):
    project = selectors.project_list(user=AnonymousUser()).get(pk=world["public"].pk)
    with translation.override("en"):
        english = ProjectSerializer(project).data["category_display"]
    with translation.override("zh-hans"):
        chinese = ProjectSerializer(project).data["category_display"]
    with translation.override("en"):
        assert english == str(Category(project.category).label)
    assert chinese == str(Category(project.category).label)  # the source language
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
