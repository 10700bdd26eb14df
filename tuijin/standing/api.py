"""Standing in the API: the published results a member sees, and a zone's results as the command line gives them."""
from django import forms
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from tuijin.core.api import ScopedReadOnlyViewSet
from tuijin.core.context import replace_actor
from tuijin.core.params import YEAR_SCHEMA, YearField, api_params
from tuijin.core.permissions import member_of
from tuijin.standing.models import Result
from tuijin.standing.selectors import standing_json, zone_results


class _YearParams(forms.Form):
    year = YearField()  # a malformed year answers 400


class PublishedResultSerializer(serializers.ModelSerializer):
    assessment = serializers.CharField(source="ranking.assessment.title", read_only=True)
    issuer = serializers.CharField(source="ranking.assessment.issuer", read_only=True)
    level = serializers.CharField(source="ranking.assessment.level", read_only=True)
    year = serializers.IntegerField(source="ranking.assessment.year", read_only=True)
    item = serializers.CharField(source="ranking.item", read_only=True)
    group = serializers.CharField(source="ranking.group", read_only=True)

    class Meta:
        model = Result
        fields = ["id", "assessment", "issuer", "level", "year", "item", "group", "subject_name", "province", "rank",
                  "of", "score", "tier", "province_rank_stated", "source"]


class PublishedResultViewSet(ScopedReadOnlyViewSet):
    """Published results (shipped lists and the zone's own records); ``?year=`` narrows to one evaluation year."""

    queryset = Result.objects.select_related("ranking__assessment").order_by("-ranking__assessment__year",
                                                                             "ranking_id", "rank", "id")
    serializer_class = PublishedResultSerializer

    def get_queryset(self):
        qs = super().get_queryset()
        year = api_params(self.request, _YearParams)["year"]
        return qs if year is None else qs.filter(ranking__assessment__year=year)


class StandingResultSerializer(serializers.Serializer):
    assessment = serializers.CharField()
    issuer = serializers.CharField()
    subject = serializers.CharField()
    group = serializers.CharField(allow_null=True)
    score = serializers.FloatField(allow_null=True)
    rank = serializers.IntegerField(allow_null=True)
    of = serializers.IntegerField(allow_null=True)
    province_rank = serializers.IntegerField(allow_null=True, help_text="Computed from the list where it is "
                                             "complete down to the rank, else as a source states it.")
    tier = serializers.CharField(allow_null=True)
    item = serializers.CharField(allow_null=True, help_text="null for the overall ranking")


class StandingSerializer(serializers.Serializer):
    zone = serializers.CharField()
    zone_name = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    results = StandingResultSerializer(many=True)


class _OneObject(AutoSchema):
    """The standing answer is one object (zone, year, results), not a list of records."""

    def _is_list_view(self, serializer=None):
        return False


class StandingViewSet(viewsets.ViewSet):
    """The member's zone's results, each with its computed province rank: the shape of `tuijin standing`."""

    schema = _OneObject()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        replace_actor(user_id=request.user.pk, username=request.user.get_username(), source="api")
        request.member = member_of(request)

    @extend_schema(parameters=[OpenApiParameter("year", YEAR_SCHEMA,
                                                description="evaluation year (YYYY)")],
                   responses=StandingSerializer)
    def list(self, request, *args, **kwargs):
        member, year = request.member, api_params(request, _YearParams)["year"]
        rows = zone_results(member=member, zone=member.zone, year=year)
        return Response(standing_json(zone=member.zone, year=year, rows=rows))


def register(router):
    router.register("published-results", PublishedResultViewSet, basename="published-result")
    router.register("standing", StandingViewSet, basename="standing")
