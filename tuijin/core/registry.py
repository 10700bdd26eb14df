"""Each app's own modules found one way: Django's autodiscovery (``module_has_submodule``), in INSTALLED_APPS order.

The API router (``api``), the importers (``exchange``) and the demo builders (``demo``) are all collected here, so an
app joins them by having the module and nothing names the apps one by one.
"""
from __future__ import annotations

from importlib import import_module
from types import ModuleType

from django.apps import apps
from django.utils.module_loading import module_has_submodule


def app_modules(name: str) -> list[tuple[str, ModuleType]]:
    """(app label, module) for every tuijin app that has a module ``name``; an error inside a module is raised."""
    found = []
    for config in apps.get_app_configs():
        if config.name.startswith("tuijin.") and module_has_submodule(config.module, name):
            found.append((config.label, import_module(f"{config.name}.{name}")))
    return found
