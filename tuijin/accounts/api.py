from django.contrib.auth import logout
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from tuijin.accounts.services import SignInError, TokenRefused, sign_in, token_expires, token_issue, tokens_revoke


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenView(APIView):
    """POST user name and password (form or JSON), get a token for `Authorization: Token …`.

    The token expires (``expires``); `POST /api/v1/auth/logout/` revokes it, and so does a password change.
    Sign-in goes through the same lock-out as the sign-in page.
    """

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(request=TokenRequestSerializer,
                   responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField(),
                                                                       "expires": serializers.DateTimeField()})})
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        if not data.is_valid():
            return Response({"detail": _("Give a user name and a password."), "errors": data.errors},
                            status=status.HTTP_400_BAD_REQUEST)
        try:
            user = sign_in(request=request, username=data.validated_data["username"],
                           password=data.validated_data["password"], channel="api")
        except SignInError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        try:
            token = token_issue(user=user)
        except TokenRefused as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)
        return Response({"token": token.key, "expires": token_expires(token)})


class AuthViewSet(viewsets.ViewSet):
    """Signing out of the API."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    @action(detail=False, methods=["post"])
    def logout(self, request):
        """Revoke the token this request was made with (a session is ended instead)."""
        if isinstance(request.auth, Token):
            request.auth.delete()
        else:
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None,
                   responses={200: inline_serializer("TokensRevoked", {"revoked": serializers.IntegerField()})})
    @action(detail=False, methods=["post"])
    def revoke(self, request):
        """Revoke every API token of the signed-in user."""
        return Response({"revoked": tokens_revoke(user=request.user)})


def register(router):
    router.register("auth", AuthViewSet, basename="auth")
