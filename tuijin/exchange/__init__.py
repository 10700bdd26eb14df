"""Excel/CSV import and export for every part of tuijin: the pure core is ``tuijin.sheets.tabular`` (see its
docstring), the Django glue ``tuijin.exchange.base`` (importers, ``run_import``); docs/exchange.md explains both."""
