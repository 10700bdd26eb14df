from tuijin.core.models import Zone


def member(request):
    m = getattr(request, "member", None)
    zones = []
    if m is not None and m.sees_all_zones:
        zones = list(Zone.objects.restrict(m).only("id", "code", "name", "short_name"))
    return {"member": m, "current_zone": getattr(request, "zone", None), "switchable_zones": zones}
