from tuijin.core.models import Zone
from tuijin.core.scope import member_zone_ids


def member(request):
    m = getattr(request, "member", None)
    zones = []
    if m is not None and (m.sees_all_zones or len(member_zone_ids(m)) > 1):
        zones = list(Zone.objects.restrict(m).only("id", "code", "name", "short_name"))
    return {"member": m, "current_zone": getattr(request, "zone", None), "switchable_zones": zones}
