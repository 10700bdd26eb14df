from __future__ import annotations

from tuijin.core.models import Zone
from tuijin.core.scope import SESSION_ZONE_KEY, member_zone_ids
from tuijin.org.models import Member


def member_for(user) -> Member | None:
    if user is None or not user.is_authenticated:
        return None
    try:
        member = user.member  # read with the user (org.backends.MemberBackend)
    except Member.DoesNotExist:
        return None
    member.user = user  # the user the request already holds: no second read of it
    return member


class MemberMiddleware:
    """Sets ``request.member`` and ``request.zone`` (the zone the pages show).

    A member who sees all zones (or a city's, district's member who sees the zones
    below it) picks the zone with the zone switcher; everyone else is in their own zone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.member = member = member_for(getattr(request, "user", None))
        request.zone = None
        if member is not None:
            request.zone = member.zone
            if member.sees_all_zones or len(member_zone_ids(member)) > 1:
                # every zone, or a city's (district's) zones below it, read through the same scope
                zone_id = request.session.get(SESSION_ZONE_KEY)
                if zone_id and zone_id != member.zone_id:
                    request.zone = Zone.objects.restrict(member).filter(pk=zone_id).first() or member.zone
        return self.get_response(request)
