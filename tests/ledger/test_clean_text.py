"""Text read from a ledger is stored without control characters, as text from any other way in."""

import pytest

from investment.ledger.services import ledger_apply, ledger_preview
from projects.models import Project

pytestmark = pytest.mark.django_db


def test_control_characters_in_ledger_cells_are_not_stored(places, django_user_model):
    admin = django_user_model.objects.create_superuser("ledger-admin", "a@example.org", "pw")
    content = (
        "项目名称,所属县区,四库,总投资（万元）,建设内容及规模,备注\n"
        "光伏\x0b组件项目,上党区,建设库,100,第一期\x1b[1m厂房,\x07备注\n"
    ).encode()
    plan = ledger_preview(content=content, file_name="台账.csv")
    assert not plan.errors, plan.errors
    ledger_apply(plan, actor=admin)
    project = Project.objects.get()
    assert project.name == "光伏组件项目"
    assert "\x1b" not in project.description and "\x07" not in project.note
