"""Commands answer bad options and broken curation files with a CommandError, never a traceback."""

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from investment.models import SourceReport
from projects.models import Project

CURATION = Path(__file__).resolve().parents[2] / "fixtures" / "curation"


def import_from(directory):
    call_command("import_reports", directory=str(directory), verbosity=0, stdout=StringIO(), stderr=StringIO())


@pytest.fixture
def curation_copy(tmp_path):
    folder = tmp_path / "curation"
    shutil.copytree(CURATION, folder)
    return folder


@pytest.mark.django_db
def test_import_from_a_missing_folder_names_it(tmp_path):
    missing = tmp_path / "no-such-folder"
    with pytest.raises(CommandError, match=r"nothing was imported: .*no-such-folder"):
        import_from(missing)


@pytest.mark.django_db
def test_import_with_a_missing_indicator_file_names_it(curation_copy):
    (curation_copy / "indicators.yaml").unlink()
    with pytest.raises(CommandError, match=r"nothing was imported: .*indicators\.yaml"):
        import_from(curation_copy)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("report: [unclosed\n", "not valid YAML"),
        ("- just\n- a list\n", "must be a mapping"),
        ("report: just a string\n", "report must be a mapping"),
    ],
)
def test_import_of_a_broken_curation_file_names_the_file_and_imports_nothing(curation_copy, content, problem):
    (curation_copy / "002.yaml").write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=rf"nothing was imported: .*002\.yaml.*{problem}"):
        import_from(curation_copy)
    assert not SourceReport.objects.exists() and not Project.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("content", ["code: not-a-list\n", "- name_zh: 没有代码\n", "[unclosed\n"])
def test_import_with_a_broken_indicator_file_names_it(curation_copy, content):
    (curation_copy / "indicators.yaml").write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=r"nothing was imported: .*indicators\.yaml"):
        import_from(curation_copy)


@pytest.mark.django_db
def test_import_of_an_intact_copy_still_works(curation_copy):
    import_from(curation_copy)
    assert SourceReport.objects.count() == len(list(curation_copy.glob("[0-9][0-9][0-9].yaml")))


@pytest.mark.django_db
def test_rollup_refuses_a_year_with_a_project(report_data):
    project = Project.objects.first()
    with pytest.raises(CommandError, match="--year"):
        call_command("rollup", "--project", str(project.pk), "--year", "1999", stdout=StringIO(), stderr=StringIO())
