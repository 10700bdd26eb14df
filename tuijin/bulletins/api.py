from rest_framework import serializers

from tuijin.bulletins.models import Bulletin
from tuijin.core.api import ScopedReadOnlyViewSet


class BulletinSerializer(serializers.ModelSerializer):
    zone = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Bulletin
        fields = ["id", "zone", "year", "month", "title", "state", "progress", "issued_at", "data"]


class BulletinViewSet(ScopedReadOnlyViewSet):
    """Bulletins (通报) with the data they state."""

    queryset = Bulletin.objects.select_related("zone")
    serializer_class = BulletinSerializer


def register(router):
    router.register("bulletins", BulletinViewSet, basename="bulletin")
