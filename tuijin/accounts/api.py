from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from tuijin.accounts.services import SignInError, sign_in


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenView(APIView):
    """POST user name and password (form or JSON), get a token for `Authorization: Token …`."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(request=TokenRequestSerializer,
                   responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()})})
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
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
