"""The investment app's models, one module per concept: source reports and figures, the campaign
(indicators, years, targets, annual plans), the ledger (台账) uploads and year-to-date figures, and the
roll-ups computed from them."""

from .campaigns import AnnualPlan, CampaignYear, Comparator, Indicator, Measure, Target
from .candidates import FigureCandidate
from .ledger import LedgerImport, LedgerYearToDate
from .rollups import (
    SIGNAL_COUNTS,
    SIGNAL_KEYS,
    TALLY_MONTHS,
    TALLY_POOLS,
    TALLY_SUMS,
    BatchRate,
    PipelinePool,
    ProjectSignal,
    ProjectTally,
    Ranking,
    RankingEntry,
    Rollup,
    RollupRun,
    RollupScope,
    RollupSource,
    ScopeTally,
    TargetBasis,
)
from .sources import SCOPE_FIELDS, Figure, MilestoneSource, ScopeKind, SourceReport

__all__ = [
    "SIGNAL_COUNTS",
    "SIGNAL_KEYS",
    "TALLY_MONTHS",
    "TALLY_POOLS",
    "TALLY_SUMS",
    "SCOPE_FIELDS",
    "AnnualPlan",
    "BatchRate",
    "CampaignYear",
    "Comparator",
    "Figure",
    "FigureCandidate",
    "Indicator",
    "LedgerImport",
    "LedgerYearToDate",
    "Measure",
    "MilestoneSource",
    "PipelinePool",
    "ProjectSignal",
    "ProjectTally",
    "Ranking",
    "RankingEntry",
    "SourceReport",
    "Rollup",
    "RollupRun",
    "ScopeTally",
    "RollupScope",
    "RollupSource",
    "ScopeKind",
    "Target",
    "TargetBasis",
]
