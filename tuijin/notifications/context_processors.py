from django.utils.functional import SimpleLazyObject


def badges(request):
    """The top bar's 待办 and unread counts, computed only when a page shows them (and then mostly from the cache)."""
    member, zone = getattr(request, "member", None), getattr(request, "zone", None)
    if member is None or zone is None:
        return {}

    def counts():
        from tuijin.notifications.selectors import badges as read

        return read(member, zone)

    return {"tj_badges": SimpleLazyObject(counts)}
