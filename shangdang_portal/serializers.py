"""Serializer shapes shared by every app's API; this module imports no app."""

from rest_framework import serializers


class RefSerializer(serializers.Serializer):
    """A related object as {id, name}."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class NameListField(serializers.ListField):
    """A list of names (aliases, industries): a JSON list of strings, or the field repeated in a form; never
    null, a number or an object, each name at most 200 characters and at most 50 of them."""

    def __init__(self, **kwargs):
        kwargs.setdefault("child", serializers.CharField(max_length=200))
        kwargs.setdefault("max_length", 50)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
