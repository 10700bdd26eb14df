from __future__ import annotations

import pickle

from django.contrib.auth.backends import ModelBackend
from django.db import connection

# user id → (the stamp read with it, the user with member, unit and zone, pickled); per process
_KEPT: dict[int, tuple[tuple, bytes]] = {}
_KEPT_MAX = 5000


def _stamp(user_id: int) -> tuple | None:
    """What the kept user must still match, in one plain query: every column of the user's row, and the member's,
    its unit's and its zone's ``updated`` (every save sets it; a bulk update that changes what a page reads of them
    must set it too, as for every cached value, core/cache.py). None when the user is gone."""
    from django.contrib.auth import get_user_model

    from tuijin.core.models import Zone
    from tuijin.org.models import Member, Unit

    q, user = connection.ops.quote_name, get_user_model()._meta
    member, unit, zone = Member._meta, Unit._meta, Zone._meta
    columns = ", ".join(f"u.{q(f.column)}" for f in user.concrete_fields)
    sql = (f"SELECT {columns}, m.{q('id')}, m.{q('updated')}, n.{q('updated')}, z.{q('updated')} "
           f"FROM {q(user.db_table)} u "
           f"LEFT JOIN {q(member.db_table)} m ON m.{q(member.get_field('user').column)} = u.{q(user.pk.column)} "
           f"LEFT JOIN {q(unit.db_table)} n ON n.{q('id')} = m.{q(member.get_field('unit').column)} "
           f"LEFT JOIN {q(zone.db_table)} z ON z.{q('id')} = m.{q(member.get_field('zone').column)} "
           f"WHERE u.{q(user.pk.column)} = %s")
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id])
        row = cursor.fetchone()
    return tuple(row) if row is not None else None


class MemberBackend(ModelBackend):
    """Django's password sign-in. The user of a request comes with their member, unit and zone, which every page
    needs next (``org.middleware.MemberMiddleware``); each process keeps the last one it read per user and serves a
    copy while one plain query finds the rows unchanged (building the four-table query and its objects cost more
    than most of a page's own reads)."""

    def get_user(self, user_id):
        from django.contrib.auth import get_user_model

        model = get_user_model()
        try:
            user_id = int(user_id)
        except (TypeError, ValueError):
            return None
        stamp = _stamp(user_id)
        if stamp is None:
            return None
        kept = _KEPT.get(user_id)
        if kept is not None and kept[0] == stamp:
            user = pickle.loads(kept[1])  # a copy: nothing one request sets on it reaches the next
        else:
            try:
                user = model._default_manager.select_related("member__unit", "member__zone").get(pk=user_id)
            except model.DoesNotExist:
                return None
            if len(_KEPT) >= _KEPT_MAX:
                _KEPT.clear()
            _KEPT[user_id] = (stamp, pickle.dumps(user))
        user.tuijin_stamp = stamp  # what the rows looked like: the layout's kept top bar is keyed by it
        return user if self.user_can_authenticate(user) else None
