"""三个一 contacts over the API: each key project's 包联领导, 专职推进干部 and 常驻联络员, one per role.
Only callers who may see a project's contacts read them (selectors.contact_list; the others get 404 and
empty lists); officials and admins write, through projects.services (history recorded),
with a row version in If-Match."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers

from shangdang_portal.row_versions import row_version
from shangdang_portal.serializers import RefSerializer
from shangdang_portal.viewsets import RowVersionedViewSet, row_versioned_schema

from .. import selectors, services
from ..filtersets import ContactFilterSet
from ..models import ProjectContact
from .serializers import ContactSerializer


class ContactRowSerializer(ContactSerializer):
    project = RefSerializer(read_only=True)
    version = serializers.SerializerMethodField(help_text=_("该记录的 ETag(不含引号)"))

    class Meta(ContactSerializer.Meta):
        fields = ["id", "project", *ContactSerializer.Meta.fields, "version"]

    def get_version(self, contact) -> str:
        return row_version(contact, services.CONTACT_VERSION_FIELDS)


class ContactWriteSerializer(serializers.Serializer):
    project = serializers.IntegerField(help_text=_("项目 id；新建时必填，之后不能修改"))
    role = serializers.ChoiceField(choices=ProjectContact.Role.choices)
    name = serializers.CharField(max_length=50)
    title = serializers.CharField(max_length=100, allow_blank=True, required=False)
    phone = serializers.CharField(max_length=30, allow_blank=True, required=False)
    version = serializers.CharField(
        required=False, write_only=True, help_text=_('或通过 If-Match: "<etag>" 请求头提供')
    )


class ContactUpdateSerializer(ContactWriteSerializer):
    project = None


@row_versioned_schema(
    _("包联人员列表"), _("包联人员详情"), ContactRowSerializer, ContactWriteSerializer, ContactUpdateSerializer
)
class ContactViewSet(RowVersionedViewSet):
    serializer_class = ContactRowSerializer
    write_serializer_class = ContactWriteSerializer
    update_serializer_class = ContactUpdateSerializer
    filterset_class = ContactFilterSet
    etag_fields = services.CONTACT_VERSION_FIELDS
    export_filename = "contacts"
    export_columns = [
        (_("项目 id"), "project_id"),
        (_("项目名称"), "project.name"),
        (_("角色"), "get_role_display"),
        (_("姓名"), "name"),
        (_("职务"), "title"),
        (_("电话"), "phone"),
    ]

    def get_queryset(self):
        return selectors.contact_list(user=self.request.user)

    def create_row(self, values):
        project = selectors.visible_projects(self.request.user).filter(pk=values.pop("project")).first()
        if project is None:
            raise exceptions.ValidationError({"project": [gettext("没有这个项目。")]})
        return services.contact_save(contact=ProjectContact(project=project, **values), actor=self.request.user)

    def change_row(self, contact, values, *, version):
        for name, value in values.items():
            setattr(contact, name, value)
        return services.contact_save(contact=contact, actor=self.request.user, version=version)

    def delete_row(self, contact, *, version):
        services.contact_delete(contact=contact, actor=self.request.user, version=version)
