"""Tickets raised on what other apps report (connected in TicketsConfig.ready)."""
from __future__ import annotations

from tuijin.tickets.routing import default_assignee
from tuijin.tickets.services import ticket_raise


def raise_for_progress_problems(sender, *, member, progress, assignee_unit=None, **kwargs):
    """A project's monthly report names problems: one ticket for them, assigned to ``assignee_unit`` or to the
    coordinating department the problems name (住建部门 → 建设局, routing.py), else the project's own unit."""
    project = progress.project
    unit = assignee_unit or default_assignee(project.zone, progress.problems, project=project)
    title = f"{project.name}:{' '.join(progress.problems.split())[:60]}"[:200]  # one line, the title's length
    return ticket_raise(member=member, zone=project.zone, title=title, description=progress.problems,
                        assignee_unit=unit, source="project", project=project)
