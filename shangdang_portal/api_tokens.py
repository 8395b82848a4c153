"""/api/v1/tokens/: a signed-in user lists, creates and revokes their own API token (DRF authtoken).

authtoken keeps one token per user. The full key is shown once, when it is created; afterwards only
its first 8 characters (`prefix`) identify it, also in the URL used to revoke it.
"""

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.response import Response

from .permissions import IsAuthenticatedUser

PREFIX_LENGTH = 8


class TokenSerializer(serializers.ModelSerializer):
    prefix = serializers.SerializerMethodField(help_text=_("令牌的前 8 位，用于撤销"))

    class Meta:
        model = Token
        fields = ["prefix", "created"]

    def get_prefix(self, token) -> str:
        return token.key[:PREFIX_LENGTH]


class NewTokenSerializer(TokenSerializer):
    key = serializers.CharField(
        read_only=True, help_text=_("完整令牌，只在创建时返回一次；请求头写作 Authorization: Token <key>")
    )

    class Meta(TokenSerializer.Meta):
        fields = ["prefix", "key", "created"]


@transaction.atomic
def token_create(*, user) -> Token:
    if Token.objects.select_for_update().filter(user=user).exists():
        raise serializers.ValidationError({"non_field_errors": [_("您已有一个令牌；请先撤销再创建。")]})
    return Token.objects.create(user=user)


@transaction.atomic
def token_revoke(*, token: Token) -> None:
    token.delete()


@extend_schema_view(
    list=extend_schema(summary=_("我的 API 令牌")),
    create=extend_schema(
        summary=_("创建 API 令牌"),
        request=None,
        responses={201: NewTokenSerializer},
        examples=[
            OpenApiExample(
                "新令牌",
                response_only=True,
                status_codes=["201"],
                value={
                    "prefix": "9944b091",
                    "key": "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b",
                    "created": "2025-03-01T09:00:00+08:00",
                },
            )
        ],
    ),
    destroy=extend_schema(summary=_("撤销 API 令牌")),
)
class TokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    serializer_class = TokenSerializer
    permission_classes = [IsAuthenticatedUser]
    pagination_class = None
    filter_backends = []
    lookup_field = "prefix"
    lookup_value_regex = "[0-9a-f]{8}"

    def get_queryset(self):
        return Token.objects.filter(user=self.request.user).order_by("created")

    def get_object(self):
        # Only the caller's own token can be found, so another user's prefix answers 404.
        return get_object_or_404(self.get_queryset(), key__startswith=self.kwargs["prefix"])

    def create(self, request, *args, **kwargs):
        token = token_create(user=request.user)
        return Response(NewTokenSerializer(token).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        token_revoke(token=instance)
