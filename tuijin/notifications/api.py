"""待办, messages and reminders over the API: the same selectors and services as the pages."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from tuijin.core.api import ScopedModelViewSet
from tuijin.core.context import replace_actor
from tuijin.core.periods import parse_period
from tuijin.core.permissions import member_of
from tuijin.notifications import selectors, services
from tuijin.notifications.models import Notification, Reminder


class TodoSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=list(selectors.KINDS))
    kind_label = serializers.CharField()
    title = serializers.CharField()
    unit = serializers.CharField()
    due = serializers.DateField(allow_null=True)
    overdue = serializers.BooleanField()
    link = serializers.CharField()
    detail = serializers.CharField(allow_blank=True)


class TodoViewSet(viewsets.ViewSet):
    """What waits for the caller in their zone (待办), overdue first."""

    @extend_schema(responses=TodoSerializer(many=True))
    def list(self, request, *args, **kwargs):
        member = member_of(request)
        items = selectors.todo_items(member=member, zone=member.zone)
        return Response(TodoSerializer(items, many=True).data)


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "title", "body", "link", "created", "read_at"]


class ReadSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**53), required=False,
                                max_length=500, help_text="the messages to mark read; all when omitted")


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The caller's own messages, newest first (read them; mark them read)."""

    queryset = Notification.objects.all()
    serializer_class = NotificationSerializer

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.user.is_authenticated:
            replace_actor(user_id=request.user.pk, username=request.user.get_username(), source="api")
        request.member = member_of(request)

    def get_queryset(self):
        return selectors.notification_list(member=self.request.member)

    @extend_schema(request=ReadSerializer,
                   responses={200: inline_serializer("MessagesRead", {"read": serializers.IntegerField()})})
    @action(detail=False, methods=["post"])
    def read(self, request):
        data = ReadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ids = data.validated_data.get("ids")
        return Response({"read": services.notifications_read(member=request.member, ids=ids)})


class ReminderSerializer(serializers.ModelSerializer):
    zone = serializers.SlugRelatedField(slug_field="code", read_only=True)
    units = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    tickets = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Reminder
        fields = ["id", "zone", "kind", "year", "month", "by_name", "scheduled", "note", "units", "tickets",
                  "summary", "created"]


class SendSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["filing", "ticket"])
    period = serializers.CharField(required=False, max_length=20, help_text="YYYY-MM, for a filing reminder")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class ReminderViewSet(ScopedModelViewSet):
    """催报 and 催办 sent in the caller's zones; POST sends one (the office)."""

    queryset = Reminder.objects.select_related("zone").prefetch_related("units", "tickets")
    serializer_class = ReminderSerializer
    http_method_names = ["get", "head", "options", "post"]

    def get_queryset(self):
        member = self.request.member
        return super().get_queryset() if member is not None and member.is_office else Reminder.objects.none()

    @extend_schema(request=SendSerializer, responses={201: ReminderSerializer})
    def create(self, request, *args, **kwargs):
        data = SendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d, member = data.validated_data, request.member
        if d["kind"] == "filing":
            year, month = parse_period(d.get("period") or "")
            reminder = services.filing_reminder_send(member=member, zone=member.zone, year=year, month=month,
                                                     note=d["note"])
        else:
            reminder = services.ticket_reminder_send(member=member, zone=member.zone, note=d["note"])
        return Response(ReminderSerializer(reminder).data, status=201)


def register(router):
    router.register("todo", TodoViewSet, basename="todo")
    router.register("notifications", NotificationViewSet, basename="notification")
    router.register("reminders", ReminderViewSet, basename="reminder")
