from tuijin.campaigns.models import Campaign, KeyTask


def campaign_current(*, member, zone):
    return Campaign.objects.restrict(member).filter(zone=zone).order_by("-year").first()


def key_task_board(*, member, zone, campaign) -> dict[str, list[KeyTask]]:
    """Key tasks by status, for the board."""
    tasks = KeyTask.objects.restrict(member).filter(zone=zone, campaign=campaign).select_related("lead_unit")
    board = {s: [] for s, _l in KeyTask.Status.choices}
    for t in tasks.prefetch_related("units"):
        board[t.status].append(t)
    return board
