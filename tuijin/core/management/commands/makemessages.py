"""Django's makemessages, also finding ``gettext_lazy`` imported as ``_l`` (a module that needs both ``_`` =
gettext and a lazy one: role and scope labels, form labels, the operation log's labels)."""
from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_l"]
