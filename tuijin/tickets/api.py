from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from tuijin.core.api import ScopedModelViewSet
from tuijin.tickets import selectors, services
from tuijin.tickets.models import Ticket, TicketEvent


class TicketEventSerializer(serializers.ModelSerializer):
    attachment_name = serializers.CharField(read_only=True)

    class Meta:
        model = TicketEvent
        fields = ["action", "by_name", "note", "attachment_name", "created"]


class TicketSerializer(serializers.ModelSerializer):
    zone = serializers.SlugRelatedField(slug_field="code", read_only=True)
    events = TicketEventSerializer(many=True, read_only=True)
    actions = serializers.SerializerMethodField(help_text="The steps the caller may take now (POST …/step/).")
    # empty until the enterprise rates the closed request: the schema says so
    satisfaction = serializers.ChoiceField(choices=Ticket.Satisfaction.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Ticket
        fields = ["id", "zone", "source", "project", "key_task", "enterprise", "enterprise_record", "title",
                  "description", "assignee_unit", "sponsor", "state", "deadline", "assigned_at", "acknowledged_at",
                  "resolved_at", "closed_at", "escalated_at", "resolution", "reopen_count", "satisfaction",
                  "satisfaction_comment", "rated_at", "events", "actions"]
        read_only_fields = ["state", "assigned_at", "acknowledged_at", "resolved_at", "closed_at", "escalated_at",
                            "resolution", "reopen_count", "sponsor", "satisfaction", "satisfaction_comment",
                            "rated_at"]

    def get_actions(self, ticket) -> list[str]:
        member = getattr(self.context.get("request"), "member", None)
        return services.ticket_actions(member, ticket) if member is not None else []


class StepSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=services.STEP_ORDER)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    attachment = serializers.FileField(required=False, allow_null=True, default=None,
                                       help_text="Office document, PDF, image or zip, at most 20 MB (multipart).")


class RateSerializer(serializers.Serializer):
    satisfaction = serializers.ChoiceField(choices=Ticket.Satisfaction.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class TicketViewSet(ScopedModelViewSet):
    """Tickets (督办事项/诉求): raise with POST, move through the loop with POST …/step/."""

    queryset = Ticket.objects.select_related("zone").prefetch_related("events")
    serializer_class = TicketSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        if self.action in ("step", "rate"):  # the handling unit, and whoever raised it (to close, send back, rate)
            return selectors.followed_tickets(self.request.member).select_related("zone")
        return super().get_queryset()

    def perform_create(self, serializer):
        # Project, key task and unit are checked against the caller's zone and data scope by the service.
        d = dict(serializer.validated_data)
        unit = d.pop("assignee_unit")
        serializer.instance = services.ticket_raise(member=self.request.member, zone=self.request.member.zone,
                                                    assignee_unit=unit, **d)

    @extend_schema(request=StepSerializer, responses=TicketSerializer)
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, MultiPartParser, FormParser])
    def step(self, request, pk=None):
        ticket = self.get_object()
        data = StepSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = services.ticket_step(member=request.member, ticket=ticket, **data.validated_data)
        return Response(TicketSerializer(ticket, context=self.get_serializer_context()).data)

    @extend_schema(request=RateSerializer, responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def rate(self, request, pk=None):
        """The enterprise's rating of its closed request; 不满意 sends it back for review."""
        ticket = self.get_object()
        data = RateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = services.ticket_rate(member=request.member, ticket=ticket, **data.validated_data)
        return Response(TicketSerializer(ticket, context=self.get_serializer_context()).data)


def register(router):
    router.register("tickets", TicketViewSet, basename="ticket")
