"""The models of app `projects`, by concept: the project register and the monthly progress workflow.

Everything is re-exported here, so `from projects.models import X` works for either concept; migration
0002 refers to `projects.models._photo_path`, which is why that private name is re-exported too."""

from .progress import (
    EARLIEST_PERIOD,
    MAX_WORKERS,
    Notification,
    ProgressPhoto,
    ProgressReport,
    ProjectIssue,
    _photo_path,
    counted_reports,
)
from .register import (
    MAX_ID,
    Batch,
    Category,
    ChainLeader,
    Company,
    ConstructionType,
    DatePrecision,
    Milestone,
    Pool,
    PoolMove,
    PriorityLevel,
    Project,
    ProjectContact,
    Signal,
)

__all__ = [
    "counted_reports",
    "EARLIEST_PERIOD",
    "MAX_ID",
    "MAX_WORKERS",
    "Batch",
    "Category",
    "ChainLeader",
    "Company",
    "ConstructionType",
    "DatePrecision",
    "Milestone",
    "Notification",
    "Pool",
    "PoolMove",
    "PriorityLevel",
    "ProgressPhoto",
    "ProgressReport",
    "Project",
    "ProjectContact",
    "ProjectIssue",
    "Signal",
    "_photo_path",
]
