from __future__ import annotations

from django.contrib.auth.backends import ModelBackend


class MemberBackend(ModelBackend):
    """Django's password sign-in; the signed-in user is read with their member, unit and zone in one query, which
    every page needs next (``org.middleware.MemberMiddleware``)."""

    def get_user(self, user_id):
        from django.contrib.auth import get_user_model

        model = get_user_model()
        try:
            user = model._default_manager.select_related("member__unit", "member__zone").get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
