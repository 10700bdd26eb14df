"""Static files as served in production: WhiteNoise's compressed, hashed files."""
from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Keeps each file's address once worked out: every page asks for the same seven files, and each ask cleaned,
    looked up and joined the name again (about a sixth of the layout's rendering). The manifest does not change
    while a process runs (``collectstatic`` runs before the server starts)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._kept_urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        try:
            return self._kept_urls[name]
        except KeyError:
            url = self._kept_urls[name] = super().url(name)
            return url
