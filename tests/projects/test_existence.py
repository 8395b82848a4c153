"""The progress pages give away nothing about what a user may not see: a hidden project, report, correction
or photo answers exactly as one that does not exist (404), for every role, as the API does. Only an action
on a report the user may read (a reviewer asking to correct it) is refused with 403."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects.progress import services
from tests.factories import ProjectFactory, UserFactory
from tests.projects.test_photo_uploads import picture

pytestmark = pytest.mark.django_db
MISSING = 10**9


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def world(project, staff_user, reviewer, months):
    """An approved report with a photo, its correction in draft, and a project nobody here reports for."""
    report = services.progress_report_create(
        project=project, period=months[1], actor=staff_user, investment_completed=Decimal("1")
    )
    photo = services.progress_photo_add(
        report=report, file=SimpleUploadedFile("a.png", picture("PNG")), actor=staff_user
    )
    report = services.progress_report_approve(
        report=services.progress_report_submit(report=report, actor=staff_user), reviewer=reviewer
    )
    correction = services.progress_report_correct(original=report, actor=staff_user)
    hidden = ProjectFactory(name="不公开的项目", is_public=False)
    return {"report": report, "photo": photo, "correction": correction, "project": project, "hidden": hidden}


PAGES = [
    ("progress:report-form", "project", "get"),
    ("progress:report-form", "project", "post"),
    ("progress:report-form", "hidden", "get"),
    ("progress:project-history", "project", "get"),
    ("progress:project-history", "hidden", "get"),
    ("progress:report", "report", "get"),
    ("progress:photo", "photo", "get"),
    ("progress:correction", "correction", "get"),
    ("progress:correction", "correction", "post"),
    ("progress:correct", "report", "post"),
    ("progress:return", "report", "post"),
]


@pytest.mark.parametrize("role", ["staff_unassigned", "reviewer", "official", "admin"])
@pytest.mark.parametrize("name, key, method", PAGES)
def test_what_a_user_may_not_see_answers_as_what_does_not_exist(
    client, world, reviewer, outsider, role, name, key, method
):
    users = {"staff_unassigned": outsider, "reviewer": reviewer}
    user = users.get(role) or UserFactory(username=f"{role}-x", role=role)
    client.force_login(user)
    call = getattr(client, method)
    shown = call(reverse(name, args=[world[key].pk])).status_code
    missing = call(reverse(name, args=[MISSING])).status_code
    assert missing == 404
    if shown == 403:
        # Refusing an action is fair only on a report the user may read anyway: then it tells nothing new.
        assert client.get(reverse("progress:report", args=[world["report"].pk])).status_code == 200, (
            f"{role} {name}: 403 tells that it exists"
        )


def test_a_reader_of_a_correction_who_may_not_edit_it_gets_404_on_its_form(client, world, reviewer):
    client.force_login(reviewer)
    assert client.get(reverse("progress:report", args=[world["correction"].pk])).status_code == 200
    assert client.get(reverse("progress:correction", args=[world["correction"].pk])).status_code == 404
