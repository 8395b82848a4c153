"""/api/v1/oc4ids/: the projects the caller may see, with the project list's filters, as an OC4IDS 0.9 project
package (investment/opendata/oc4ids.py)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from projects.filtersets import ProjectFilterSet

from ..opendata import oc4ids


def place_notes() -> dict[str, str]:
    return {"park": _("无项目坐标，取所在园区的位置"), "region": _("无项目坐标，取所在区域的位置")}


class OC4IDSPackageView(APIView):
    filterset_class = ProjectFilterSet

    @extend_schema(
        summary=gettext_lazy("OC4IDS 项目包"),
        description=gettext_lazy(
            "调用者可见的项目，按 OC4IDS 0.9 项目包发布；筛选参数与项目列表相同。金额由万元换算为元(CNY)。"
        ),
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        filters = request.query_params.copy()
        filters.pop("format", None)
        projects = oc4ids.project_queryset(user=request.user, filters=filters)
        package = oc4ids.project_package(
            projects,
            uri=request.build_absolute_uri(),
            request_uri=request.build_absolute_uri,
            place_note=place_notes(),
        )
        return Response(package)
