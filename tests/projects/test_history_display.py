"""A project's change history as people read it: choice labels, names, 是/否, the portal's dates, no version
bumps, and the contacts' changes beside the project's own; on the project file and the full history page."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from projects import services as register
from projects.models import ProjectContact
from projects.progress import services as workflow
from tests.factories import ProjectFactory


@pytest.fixture
def changed(user_of):
    """A project whose report was submitted and approved, that was moved between pools and marked major,
    and whose 包联领导 was added, renamed and removed: each by a named person."""
    staff, reviewer, official = user_of("staff"), user_of("reviewer"), user_of("official")
    reviewer.first_name = "审核员"
    reviewer.save()
    official.last_name = "王领导"
    official.save()
    project = ProjectFactory(name="变更记录测试项目", pool="reserve", is_major=False)
    project.staff.add(staff)
    report = workflow.progress_report_create(
        project=project, period=dt.date(2026, 3, 1), actor=staff, investment_completed=Decimal("120.5")
    )
    report = workflow.progress_report_submit(report=report, actor=staff)
    workflow.progress_report_approve(report=report, reviewer=reviewer)
    register.project_pool_move(project=project, to_pool="construction", reason="开工", actor=official)
    register.project_update(project=project, actor=official, is_major=True)
    contact = register.contact_save(
        contact=ProjectContact(project=project, role="leader", name="张三", title="副区长"), actor=official
    )
    contact.name = "李四"
    register.contact_save(contact=contact, actor=official)
    register.contact_delete(contact=contact, actor=official)
    return project


def _history_text(html: str) -> str:
    table = re.split(r'<table class="history[^"]*">', html, maxsplit=1)[1].split("</table>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", table))


@pytest.mark.parametrize("url_name", ["dashboards:project-detail", "progress:project-history"])
def test_history_shows_labels_names_and_no_bookkeeping(client_as, changed, url_name):
    response = client_as("official").get(reverse(url_name, args=[changed.pk]))
    assert response.status_code == 200
    text = _history_text(response.content.decode())
    assert "状态: 待审核 → 已审核" in text and "submitted" not in text and "approved" not in text
    assert "审核人: — → 审核员" in text
    assert "四库: 储备库 → 建设库" in text and "reserve" not in text
    assert "重大项目: 否 → 是" in text and "True" not in text and "False" not in text
    assert re.search(r"审核时间: — → \d{4}-\d{2}-\d{2} \d{2}:\d{2} ", text)
    assert "版本" not in text  # version bumps are bookkeeping
    # Who did it, by name; the contacts' changes are in the project's history.
    assert "王领导" in text
    assert "姓名: 张三 → 李四" in text and "包联领导 张三" in text
    assert "删除" in text


def test_history_api_leaves_out_version_bumps_and_includes_contacts(api_client_as, changed):
    rows = api_client_as("official").get(f"/api/v1/projects/{changed.pk}/history/").json()["results"]
    fields = {c["field"] for row in rows for c in row["changes"]}
    assert "version" not in fields and {"status", "pool", "name"} <= fields
    assert all(row["changes"] or row["action"] != "changed" for row in rows)
    status = next(c for row in rows for c in row["changes"] if c["field"] == "status" and c["after"] == "approved")
    assert (status["before"], status["before_shown"], status["after_shown"]) == ("submitted", "待审核", "已审核")
