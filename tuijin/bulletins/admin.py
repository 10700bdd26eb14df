from django.contrib import admin

from tuijin.bulletins.models import Bulletin
from tuijin.core.admin import ReadOnlyAdmin


@admin.register(Bulletin)
class BulletinAdmin(ReadOnlyAdmin):
    """For reference only: a bulletin is generated and issued from its page (numbered, locked months only)."""

    list_display = ("title", "zone", "year", "month", "doc_number", "state", "is_draft", "issued_at")
    list_filter = ("zone", "state", "is_draft")
