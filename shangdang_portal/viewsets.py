"""Base viewsets for the domain resources: filters from the app's FilterSet, export, read-for-all/write-for-admin."""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import viewsets

from .export import ExportMixin
from .permissions import ReadOnlyOrAdmin


class PortalReadOnlyViewSet(ExportMixin, viewsets.ReadOnlyModelViewSet):
    """List (paginated, filterable, exportable) and retrieve. get_queryset() must call the app's selector,
    which hides what the caller may not see (so those objects answer 404)."""

    filter_backends = [DjangoFilterBackend]
    permission_classes = [ReadOnlyOrAdmin]


class PortalModelViewSet(ExportMixin, viewsets.ModelViewSet):
    """As above, with writes; perform_create/perform_update must call the app's services."""

    filter_backends = [DjangoFilterBackend]
    permission_classes = [ReadOnlyOrAdmin]
