from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from tuijin.core.api import ScopedModelViewSet
from tuijin.tickets import services
from tuijin.tickets.models import Ticket, TicketEvent


class TicketEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = TicketEvent
        fields = ["action", "by_name", "note", "created"]


class TicketSerializer(serializers.ModelSerializer):
    zone = serializers.SlugRelatedField(slug_field="code", read_only=True)
    events = TicketEventSerializer(many=True, read_only=True)

    class Meta:
        model = Ticket
        fields = ["id", "zone", "source", "project", "key_task", "enterprise", "title", "description", "assignee_unit",
                  "sponsor", "state", "deadline", "assigned_at", "acknowledged_at", "resolved_at", "closed_at",
                  "escalated_at", "resolution", "reopen_count", "events"]
        read_only_fields = ["state", "assigned_at", "acknowledged_at", "resolved_at", "closed_at", "escalated_at",
                            "resolution", "reopen_count", "sponsor"]


class StepSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["acknowledge", "feedback", "resolve", "close", "reopen"])
    note = serializers.CharField(required=False, allow_blank=True, default="")


class TicketViewSet(ScopedModelViewSet):
    """Tickets (督办事项/诉求): raise with POST, move through the loop with POST …/step/."""

    queryset = Ticket.objects.select_related("zone").prefetch_related("events")
    serializer_class = TicketSerializer
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        d = dict(serializer.validated_data)
        unit = d.pop("assignee_unit")
        serializer.instance = services.ticket_raise(member=self.request.member, zone=self.request.member.zone,
                                                    assignee_unit=unit, **d)

    @extend_schema(request=StepSerializer, responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def step(self, request, pk=None):
        ticket = self.get_object()
        data = StepSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        act, note = data.validated_data["action"], data.validated_data["note"]
        m = request.member
        if act == "acknowledge":
            ticket = services.ticket_acknowledge(member=m, ticket=ticket)
        elif act == "feedback":
            ticket = services.ticket_feedback(member=m, ticket=ticket, note=note)
        elif act == "resolve":
            ticket = services.ticket_resolve(member=m, ticket=ticket, resolution=note)
        elif act == "close":
            ticket = services.ticket_close(member=m, ticket=ticket, note=note)
        elif act == "reopen":
            ticket = services.ticket_reopen(member=m, ticket=ticket, reason=note)
        else:
            raise ValidationError(_("Unknown action."))
        return Response(TicketSerializer(ticket).data)


def register(router):
    router.register("tickets", TicketViewSet, basename="ticket")
