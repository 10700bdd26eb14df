"""What the project ledger tells the apps above it, without importing them.

``problems_reported``: a monthly progress report names problems and asks for a ticket (project progress
"raise a ticket for the problems"). The tickets app answers it by raising the ticket in the same transaction, so a
refusal there undoes the report too. Arguments: ``member``, ``progress``, ``assignee_unit`` (None: the unit the
problems name, else the project's own).
"""
from django.dispatch import Signal

problems_reported = Signal()
