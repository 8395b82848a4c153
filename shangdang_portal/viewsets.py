"""Base viewsets for the domain resources: filters from the app's FilterSet, export, read-for-all/write-for-admin;
and ETagMixin, the If-Match/ETag handling of versioned objects (a version column, or a row version computed
from the row's fields, see row_versions.py), and RowVersionedViewSet, the writes of such rows."""

from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.response import Response

from .export import ExportMixin
from .filtering import PortalFilterBackend
from .permissions import ReadOnlyOrAdmin, ReadOnlyOrPlanner
from .row_versions import StaleRow, row_version

# A row id in a URL: digits only, and few enough to fit a 64-bit key, so `/rankings/abc/` or an id too large
# for the column is a plain 404 at routing, before any query is built from it.
ID_IN_URL = r"[0-9]{1,18}"


class PortalReadOnlyViewSet(ExportMixin, viewsets.ReadOnlyModelViewSet):
    """List (paginated, filterable, exportable) and retrieve. get_queryset() must call the app's selector,
    which hides what the caller may not see (so those objects answer 404)."""

    filter_backends = [PortalFilterBackend]
    permission_classes = [ReadOnlyOrAdmin]
    lookup_value_regex = ID_IN_URL


class PortalModelViewSet(ExportMixin, viewsets.ModelViewSet):
    """As above, with writes; perform_create/perform_update must call the app's services."""

    filter_backends = [PortalFilterBackend]
    permission_classes = [ReadOnlyOrAdmin]
    lookup_value_regex = ID_IN_URL


class VersionConflict(exceptions.APIException):
    """The object was saved by someone else since the version the client sent: 412 when the version came
    in If-Match, 409 when it came in the body; the error carries the current version and what changed."""

    def __init__(self, conflict, *, precondition: bool):
        self.status_code = status.HTTP_412_PRECONDITION_FAILED if precondition else status.HTTP_409_CONFLICT
        super().__init__(conflict.message, "precondition_failed" if precondition else "conflict")
        self.extra = {
            "current_version": conflict.current_version,
            "changes": [
                {"field": c.field, "label": c.label, "before": _plain(c.before), "after": _plain(c.after)}
                for c in conflict.changes
            ],
        }
        self.headers = {"ETag": etag(conflict.current_version)}


def _plain(value):
    return None if value is None else str(value)


def etag(version: int | str) -> str:
    return f'"{version}"'


class PreconditionRequired(exceptions.APIException):
    """A change to a row without If-Match: the client must say which version it is based on."""

    status_code = 428
    default_code = "precondition_required"
    default_detail = gettext_lazy("请在 If-Match 请求头中提供 ETag。")


class ETagMixin:
    """Optimistic locking for a viewset of versioned objects (after NetBox's ETagMixin): the ETag is the
    object's version; a write names the version it is based on in If-Match (or, failing that, a `version`
    field in the body) and the service refuses it if the object changed since.

    The viewset sets `conflict_error` to the exception its services raise for a stale version; that
    exception has `message`, `current_version` and `changes` (each with field, label, before, after).

    A model without a version column names the fields its version is computed from in `etag_fields`
    (row_versions.row_version); its ETag is then that hash and `conflict_error` is row_versions.StaleRow.
    """

    conflict_error: type[Exception]
    etag_fields: tuple[str, ...] = ()

    def version_of(self, obj) -> int | str:
        return row_version(obj, self.etag_fields) if self.etag_fields else obj.version

    def if_match_version(self, request) -> int | str | None:
        """The version in If-Match ("3", W/"3" or 3; a row version's hash), or None when the header is absent."""
        raw = request.headers.get("If-Match")
        if not raw:
            return None
        raw = raw.strip().removeprefix("W/").strip('"')
        if self.etag_fields:
            return raw
        try:
            return int(raw)
        except ValueError:
            raise exceptions.ValidationError({"If-Match": [gettext("If-Match 必须是报告的版本号。")]}) from None

    def expected_version(self, request, body_version=None) -> tuple[int, bool]:
        """The version a write is based on and whether it came in If-Match; a write must send one."""
        header = self.if_match_version(request)
        if header is not None:
            return header, True
        if body_version is not None:
            return body_version, False
        raise exceptions.ValidationError({"version": [gettext("请通过 If-Match 请求头或 version 字段提供报告版本。")]})

    def required_version(self, request, body_version=None) -> tuple[int | str, bool]:
        """As expected_version, for writes that answer 428 when no version came at all."""
        try:
            return self.expected_version(request, body_version)
        except exceptions.ValidationError:
            if self.if_match_version(request) is None and body_version is None:
                raise PreconditionRequired(gettext("请在 If-Match 请求头中提供 ETag。")) from None
            raise

    def with_etag(self, response: Response, obj) -> Response:
        response["ETag"] = etag(self.version_of(obj))
        return response

    def versioned_write(self, call, *, expected: int | None, via_header: bool):
        """Runs `call(expected)`; a stale version answers 412 (If-Match) or 409 (body). Field errors and
        PermissionDenied reach the shared exception handler as they are."""
        try:
            return call(expected)
        except self.conflict_error as exc:
            raise VersionConflict(exc, precondition=via_header) from None


ROW_IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    description=gettext_lazy('该记录的 ETag，例如 "3f2a9c0d1b7e"；缺少时返回 428，已变时返回 412'),
)


class RowVersionedViewSet(ETagMixin, PortalModelViewSet):
    """Rows without a version column (their ETag is row_versions.row_version of `etag_fields`): reads with an
    ETag; writes by officials and admins through a service that takes the row version. A subclass names its
    serializers and implements create_row / change_row / delete_row with its app's services; a change or
    delete without any version answers 428."""

    permission_classes = [ReadOnlyOrPlanner]
    conflict_error = StaleRow
    write_serializer_class: type[serializers.Serializer]
    update_serializer_class: type[serializers.Serializer]

    def _respond(self, obj, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=obj.pk)
        response = Response(self.get_serializer(fresh).data, status=code)
        return self.with_etag(response, fresh)

    def retrieve(self, request, *args, **kwargs):
        return self._respond(self.get_object())

    def _values(self, serializer_class, *, partial: bool = False) -> dict:
        data = serializer_class(data=self.request.data, partial=partial)
        data.is_valid(raise_exception=True)
        return dict(data.validated_data)

    def create(self, request, *args, **kwargs):
        values = self._values(self.write_serializer_class)
        values.pop("version", None)
        return self._respond(self.create_row(values), status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        obj = self.get_object()
        values = self._values(self.update_serializer_class, partial=kwargs.get("partial", False))
        version, via_header = self.required_version(request, values.pop("version", None))
        saved = self.versioned_write(
            lambda v: self.change_row(obj, values, version=v), expected=version, via_header=via_header
        )
        return self._respond(saved)

    def destroy(self, request, *args, **kwargs):
        obj = self.get_object()
        version, via_header = self.required_version(request, request.data.get("version") if request.data else None)
        self.versioned_write(lambda v: self.delete_row(obj, version=v), expected=version, via_header=via_header)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def create_row(self, values: dict):
        raise NotImplementedError

    def change_row(self, obj, values: dict, *, version: str):
        raise NotImplementedError

    def delete_row(self, obj, *, version: str) -> None:
        raise exceptions.MethodNotAllowed(self.request.method)


def row_versioned_schema(summary_list, summary_detail, read, create, update, *, delete: bool = True):
    """The OpenAPI description of a RowVersionedViewSet: request and response serializers, If-Match."""
    views = {
        "list": extend_schema(summary=summary_list),
        "retrieve": extend_schema(summary=summary_detail, description=gettext_lazy("ETag 为该记录字段的哈希。")),
        "create": extend_schema(summary=gettext_lazy("新建"), request=create, responses={201: read}),
        "update": extend_schema(
            summary=gettext_lazy("修改"), request=update, parameters=[ROW_IF_MATCH], responses=read
        ),
        "partial_update": extend_schema(
            summary=gettext_lazy("修改部分字段"), request=update, parameters=[ROW_IF_MATCH], responses=read
        ),
    }
    if delete:
        views["destroy"] = extend_schema(summary=gettext_lazy("删除"), parameters=[ROW_IF_MATCH], responses={204: None})
    return extend_schema_view(**views)
