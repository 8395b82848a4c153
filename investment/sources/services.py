"""Writes on source reports and figures outside the curation importer: a new source report brought in by an
official (its text stored, its candidate figures extracted), the review of those candidates (accept into a
Figure, reject with a reason, or mark as a restatement of a stored figure), and the back office's corrections
of a figure (scope, indicator, note)."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parks.models import Park, Region
from projects.models import Company, Project
from projects.services import project_create
from shangdang_portal.row_versions import lock_and_check

from ..models import Figure, FigureCandidate, Indicator, Measure, ScopeKind, SourceReport
from ..rollups.services import rollup_year_on_commit
from .extraction import extract_candidates, name_book_from_db
from .intake import MAX_REPORT_CHARS, normalise_text

logger = logging.getLogger(__name__)


def _years_of(figure: Figure) -> set[int]:
    dates = (figure.period_end, figure.period_start, figure.source_report.published_on)
    return {day.year for day in dates if day is not None}


@transaction.atomic
def figure_save(*, figure: Figure, actor=None) -> Figure:
    """A reported figure may be the actual of any scope it names: the years it speaks of are rolled up again
    on commit, those it spoke of before the change too."""
    before = Figure.objects.select_related("source_report").filter(pk=figure.pk).first() if figure.pk else None
    figure.full_clean()
    if actor is not None:
        figure._history_user = actor
    figure.save()
    for year in _years_of(figure) | (_years_of(before) if before else set()):
        rollup_year_on_commit(year=year)
    return figure


# --- a new source report ----------------------------------------------------------------------------------


class DuplicateReport(ValidationError):
    """The text is already stored (same SHA-256): the error names the field and the stored report."""

    def __init__(self, report: SourceReport, field_name: str):
        self.report = report
        message = _("这篇报道的全文已经存储过：《%(title)s》(编号 %(id)s)。") % {"title": report.title, "id": report.pk}
        super().__init__({field_name: [message]})


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _file_name_for(sha256: str, file_name: str) -> str:
    """SourceReport.file_name is unique (the curation files name their report by it): a portal upload is
    named by its hash, with the uploaded file's name after it for people."""
    stem = file_name.replace("/", "_").replace("\\", "_").strip() or "pasted.txt"
    return f"{sha256[:12]}-{stem}"[:100]


@transaction.atomic
def report_ingest(
    *,
    text: str,
    title: str,
    publisher: str = "",
    published_on: date | None = None,
    source_url: str = "",
    file_name: str = "",
    text_field: str = "text",
    actor=None,
) -> SourceReport:
    """Store a new source report's text exactly as its figures will quote it, then extract its candidate
    figures into the review queue. A text already stored is refused (DuplicateReport on `text_field`)."""
    text = normalise_text(text)
    if not text:
        raise ValidationError({text_field: [_("没有正文。")]})
    if len(text) > MAX_REPORT_CHARS:
        limit = f"{MAX_REPORT_CHARS:,}"
        raise ValidationError({text_field: [_("正文超过 %(n)s 字，请分篇添加。") % {"n": limit}]})
    sha256 = text_sha256(text)
    existing = SourceReport.objects.defer("text").filter(sha256=sha256).first()
    if existing is not None:
        raise DuplicateReport(existing, text_field)
    title = " ".join(title.split()) or " ".join(text.split("\n", 1)[0].split())[:300]
    report = SourceReport(
        file_name=_file_name_for(sha256, file_name),
        title=title,
        publisher=publisher,
        published_on=published_on,
        published_label=published_on.isoformat() if published_on else "",
        text=text,
        sha256=sha256,
        source_url=source_url,
        added_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    report.full_clean()
    report.save()
    candidates_extract(report=report)
    return report


def candidates_extract(*, report: SourceReport) -> list[FigureCandidate]:
    """The extractor's candidates for the report's text, stored pending review."""
    found = extract_candidates(report.text, published_on=report.published_on, names=name_book_from_db())
    indicators = {i.code: i for i in Indicator.objects.all()}
    rows = []
    for candidate in found:
        row = _candidate_row(report, candidate, indicators.get(candidate.indicator or ""))
        try:
            row.full_clean(exclude=["source_report", "indicator"])
        except ValidationError as exc:
            # One number the extractor misread must not keep the report out: it is left aside and logged.
            logger.warning(
                "candidate left aside", extra={"report": report.pk, "quote": row.quote, "errors": exc.messages}
            )
            continue
        rows.append(row)
    return FigureCandidate.objects.bulk_create(rows)


def _candidate_row(report, found, indicator) -> FigureCandidate:
    scope = found.scope
    return FigureCandidate(
        source_report=report,
        value=found.value,
        unit=found.unit[:20],
        value_printed=found.value_printed[:30],
        unit_printed=found.unit_printed[:20],
        quote=found.quote,
        quote_offset=found.offset,
        kind=found.kind,
        period_label=(found.period or "")[:30],
        period_start=found.period_start,
        period_end=found.period_end,
        scope_kind=scope.kind if scope else "",
        scope_name=(scope.name if scope else "")[:150],
        scope_id=scope.id if scope else None,
        indicator=indicator,
        comparator=found.comparator or "",
        confidence=max(0.0, min(1.0, float(found.confidence))),
        extracted=found.as_json(),
    )


@transaction.atomic
def candidate_create(*, report: SourceReport, actor=None, **values) -> FigureCandidate:
    """A candidate added by hand (or by a test) for a report, validated as the extractor's are."""
    candidate = FigureCandidate(source_report=report, **values)
    candidate.full_clean()
    if actor is not None:
        candidate._history_user = actor
    candidate.save()
    return candidate


# --- the review of candidates -----------------------------------------------------------------------------

# The fields a candidate's row version is computed from (shangdang_portal.row_versions): what a review changes.
CANDIDATE_VERSION_FIELDS = (
    "status",
    "value",
    "unit",
    "kind",
    "period_label",
    "period_start",
    "period_end",
    "scope_kind",
    "scope_name",
    "scope_id",
    "indicator",
    "comparator",
    "reject_reason",
    "figure",
    "restates",
)

# What the extractor calls a kind, as a stored figure's kind and measure (the reviewer may change both).
FIGURE_KIND_OF = {
    FigureCandidate.Kind.ACTUAL: (Figure.Kind.ACTUAL, Measure.LEVEL),
    FigureCandidate.Kind.TARGET: (Figure.Kind.TARGET, Measure.LEVEL),
    FigureCandidate.Kind.CHANGE: (Figure.Kind.ACTUAL, Measure.GROWTH_YOY),
    FigureCandidate.Kind.RANK: (Figure.Kind.ATTRIBUTE, Measure.LEVEL),
    FigureCandidate.Kind.ATTRIBUTE: (Figure.Kind.ATTRIBUTE, Measure.LEVEL),
    FigureCandidate.Kind.MILESTONE: (Figure.Kind.ATTRIBUTE, Measure.LEVEL),
}
SCOPE_MODELS = {
    ScopeKind.REGION: Region,
    ScopeKind.PARK: Park,
    ScopeKind.PROJECT: Project,
    ScopeKind.COMPANY: Company,
}


def figure_defaults(candidate: FigureCandidate) -> dict:
    """The figure a candidate proposes, before the reviewer changes anything."""
    kind, measure = FIGURE_KIND_OF.get(candidate.kind, (Figure.Kind.ATTRIBUTE, Measure.LEVEL))
    if (candidate.extracted or {}).get("measure") in Measure.values:
        measure = candidate.extracted["measure"]  # the extractor read the measure from the words around the number
    elif candidate.unit == "%" and candidate.indicator and candidate.indicator.nature == Indicator.Nature.RATE:
        kind = Figure.Kind.RATE if kind == Figure.Kind.ACTUAL else kind
    elif candidate.unit == "%" and kind == Figure.Kind.TARGET:
        measure = Measure.GROWTH_YOY
    return {
        "value": candidate.value,
        "unit": candidate.unit,
        "kind": kind,
        "measure": measure,
        "period_label": candidate.period_label,
        "period_start": candidate.period_start,
        "period_end": candidate.period_end,
        "scope_kind": candidate.scope_kind,
        "scope_name": candidate.scope_name,
        "create_scope": False,
        "indicator": candidate.indicator,
        "subject": "",
        "comparator": candidate.comparator,
    }


@dataclass
class Review:
    """What a reviewer decided a candidate's figure is; any field left None keeps the candidate's value."""

    value: Decimal | None = None
    unit: str | None = None
    kind: str | None = None
    measure: str | None = None
    period_label: str | None = None
    period_start: date | None = None
    period_end: date | None = None
    scope_kind: str | None = None
    scope_name: str | None = None
    create_scope: bool = False
    indicator: Indicator | None = None
    subject: str | None = None
    comparator: str | None = None
    given: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, **values) -> Review:
        review = cls(**values)
        review.given = {k for k, v in values.items() if v is not None}
        return review


def _find_scope(kind: str, name: str):
    """The register's row of that kind named `name`, or known by it as an alias."""
    model = SCOPE_MODELS[kind]
    row = model.objects.filter(name=name).first()
    if row is None and any(f.name == "aliases" for f in model._meta.fields):
        # JSON containment is not portable (SQLite stores the names escaped): read the few rows with aliases.
        for pk, aliases in model.objects.exclude(aliases=[]).values_list("pk", "aliases"):
            if name in (aliases or []):
                return model.objects.get(pk=pk)
    return row


def _home_region() -> Region | None:
    return Region.objects.filter(name=settings.HOME_REGION).first()


def _create_scope(kind: str, name: str, actor):
    """A proposed new entity, with the least the register needs; officials complete it in the admin."""
    home = _home_region()
    if kind == ScopeKind.COMPANY:
        row = Company(name=name, region=home)
    elif kind == ScopeKind.PROJECT:
        return project_create(actor=actor, name=name, region=home)
    elif kind == ScopeKind.PARK:
        if home is None:
            raise ValidationError({"scope_name": [_("请先在区域中建立 %(home)s。") % {"home": settings.HOME_REGION}]})
        row = Park(name=name, kind=Park.Kind.DEVELOPMENT_ZONE, region=home)
    else:
        parent = home.parent if home is not None else None
        level = Region.Level.DISTRICT if name.endswith("区") else Region.Level.COUNTY
        row = Region(name=name, level=level, parent=parent) if parent else Region(name=name, level=Region.Level.CITY)
    try:
        row.full_clean()
    except ValidationError as exc:
        raise ValidationError({"scope_name": exc.messages}) from None
    row.save()
    return row


def _resolve_scope(candidate: FigureCandidate, kind: str, name: str, create: bool, actor):
    if kind not in SCOPE_MODELS:
        raise ValidationError({"scope_kind": [_("请选择数据的范围(区域、园区、项目或企业)。")]})
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"scope_name": [_("请填写范围的名称。")]})
    if candidate.scope_id and kind == candidate.scope_kind and name == candidate.scope_name:
        linked = SCOPE_MODELS[kind].objects.filter(pk=candidate.scope_id).first()
        if linked is not None:
            return linked
    found = _find_scope(kind, name)
    if found is not None:
        return found
    if not create:
        label = ScopeKind(kind).label
        raise ValidationError(
            {"scope_name": [_("没有名为“%(name)s”的%(kind)s；选择“新建”以新建它。") % {"name": name, "kind": label}]}
        )
    return _create_scope(kind, name, actor)


def _pending(candidate: FigureCandidate, version: str | None) -> FigureCandidate:
    lock_and_check(FigureCandidate, candidate.pk, version, CANDIDATE_VERSION_FIELDS)
    candidate.refresh_from_db()
    if candidate.status != FigureCandidate.Status.PENDING:
        status = candidate.get_status_display()
        raise ValidationError({"status": [_("这条候选数据已审核(%(status)s)。") % {"status": status}]})
    return candidate


def _figure_for(candidate: FigureCandidate, review: Review, *, actor, restates: Figure | None = None) -> Figure:
    values = figure_defaults(candidate)
    if restates is not None:
        # A restatement says what the stored figure says: its scope, indicator and meaning, unless changed here.
        values.update(
            kind=restates.kind,
            measure=restates.measure,
            indicator=restates.indicator,
            subject=restates.subject,
            scope_kind=restates.scope_kind,
            scope_name=getattr(restates.scope, "name", ""),
        )
    values.update({name: getattr(review, name) for name in review.given})
    scope = _resolve_scope(candidate, values["scope_kind"], values["scope_name"], review.create_scope, actor)
    figure = Figure(
        source_report=candidate.source_report,
        indicator=values["indicator"],
        subject=(values["subject"] or "").strip(),
        scope_kind=values["scope_kind"],
        value_printed=candidate.value_printed,
        unit_printed=candidate.unit_printed,
        value=values["value"],
        unit=values["unit"] or "",
        kind=values["kind"],
        measure=values["measure"],
        comparator=values["comparator"] or "",
        period_label=values["period_label"] or "",
        period_start=values["period_start"],
        period_end=values["period_end"],
        quote=candidate.quote,
        quote_offset=candidate.quote_offset,
        restates=restates,
        note=_("由候选数据 #%(id)s 审核采纳") % {"id": candidate.pk},
    )
    setattr(figure, values["scope_kind"], scope)
    if figure.indicator is None and not figure.subject:
        raise ValidationError({"indicator": [_("请选择指标，或填写事项说明。")]})
    return figure_save(figure=figure, actor=actor)


def _reviewed(candidate: FigureCandidate, status: str, actor, **fields) -> FigureCandidate:
    candidate.status = status
    for name, value in fields.items():
        setattr(candidate, name, value)
    candidate.reviewed_by = actor if getattr(actor, "is_authenticated", False) else None
    candidate.reviewed_at = timezone.now()
    candidate._history_user = candidate.reviewed_by
    candidate.full_clean()
    candidate.save()
    return candidate


@transaction.atomic
def candidate_accept(
    *, candidate: FigureCandidate, review: Review | None = None, actor, version: str | None = None
) -> Figure:
    """The candidate becomes a Figure of its report (with the reviewer's changes), validated like every figure
    (the quote at its offset, one scope); the years it speaks of are rolled up after commit."""
    candidate = _pending(candidate, version)
    figure = _figure_for(candidate, review or Review(), actor=actor)
    _reviewed(candidate, FigureCandidate.Status.ACCEPTED, actor, figure=figure, **_kept(figure))
    return figure


def _kept(figure: Figure) -> dict:
    """What the candidate records of the figure it became, so its history shows what was accepted."""
    scope = figure.scope
    return {
        "value": figure.value,
        "unit": figure.unit,
        "period_label": figure.period_label,
        "period_start": figure.period_start,
        "period_end": figure.period_end,
        "scope_kind": figure.scope_kind,
        "scope_name": scope.name[:150],
        "scope_id": scope.pk,
        "indicator": figure.indicator,
        "comparator": figure.comparator,
    }


@transaction.atomic
def candidate_reject(*, candidate: FigureCandidate, reason: str, actor, version: str | None = None) -> FigureCandidate:
    candidate = _pending(candidate, version)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reject_reason": [_("驳回时必须说明理由。")]})
    return _reviewed(candidate, FigureCandidate.Status.REJECTED, actor, reject_reason=reason)


@transaction.atomic
def candidate_mark_restatement(
    *,
    candidate: FigureCandidate,
    restates: Figure,
    review: Review | None = None,
    actor,
    version: str | None = None,
) -> Figure:
    """The candidate prints a figure already stored from another report: both are kept, the new figure
    (this report's quote) points at the stored one."""
    candidate = _pending(candidate, version)
    if restates.source_report_id == candidate.source_report_id:
        raise ValidationError({"restates": [_("复述的数据必须来自另一篇报道。")]})
    figure = _figure_for(candidate, review or Review(), actor=actor, restates=restates)
    _reviewed(candidate, FigureCandidate.Status.DUPLICATE, actor, figure=figure, restates=restates, **_kept(figure))
    return figure


# Bulk acceptance takes only what needs no decision: a sure reading, a known indicator, a scope in the register.
CONFIDENT = 0.9


@dataclass
class BulkResult:
    accepted: list[Figure] = field(default_factory=list)
    left: int = 0


def candidates_accept_confident(*, report: SourceReport, actor, threshold: float = CONFIDENT) -> BulkResult:
    """Accept every pending candidate of the report at or above `threshold` that names an indicator and a scope
    already in the register; the others stay pending for one-by-one review. Each is its own transaction."""
    result = BulkResult()
    pending = report.candidates.filter(status=FigureCandidate.Status.PENDING).select_related("indicator")
    for candidate in pending.order_by("quote_offset", "pk"):
        ready = candidate.confidence >= threshold and candidate.indicator_id and candidate.scope_kind
        if ready and candidate.scope_name:
            try:
                result.accepted.append(candidate_accept(candidate=candidate, actor=actor))
                continue
            except ValidationError:
                pass
        result.left += 1
    return result
