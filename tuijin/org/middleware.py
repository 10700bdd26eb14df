from __future__ import annotations

from tuijin.core.models import Zone
from tuijin.core.scope import SESSION_ZONE_KEY
from tuijin.org.models import Member


def member_for(user) -> Member | None:
    if user is None or not user.is_authenticated:
        return None
    try:
        return Member.objects.select_related("unit", "zone", "user").get(user=user)
    except Member.DoesNotExist:
        return None


class MemberMiddleware:
    """Sets ``request.member`` and ``request.zone`` (the zone the pages show).

    A member who sees all zones picks the zone with the zone switcher; everyone
    else is in their own zone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.member = member = member_for(getattr(request, "user", None))
        request.zone = None
        if member is not None:
            request.zone = member.zone
            if member.sees_all_zones:
                zone_id = request.session.get(SESSION_ZONE_KEY)
                if zone_id and zone_id != member.zone_id:
                    request.zone = Zone.objects.filter(pk=zone_id).first() or member.zone
        return self.get_response(request)
