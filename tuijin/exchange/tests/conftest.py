import pytest

from tuijin.exchange.base import _REGISTRY, register
from tuijin.exchange.tests.unit_importer import UnitImporter


@pytest.fixture
def unit_importer():
    register(UnitImporter)
    yield UnitImporter
    _REGISTRY.pop(UnitImporter.name, None)


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):
    """Uploads waiting for confirmation (the default storage) go to a per-test folder."""
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
