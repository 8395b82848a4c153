"""Serializer shapes shared by every app's API; this module imports no app."""

from rest_framework import serializers


class RefSerializer(serializers.Serializer):
    """A related object as {id, name}."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
