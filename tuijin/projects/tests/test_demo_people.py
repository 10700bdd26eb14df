"""Every person in the demo is invented: no sponsor leader, owner or ticket names anyone the seeds mention."""
import pytest
from django.core.management import call_command

from tuijin.projects import demo

# Every personal name in the seeds (../shared/seeds/*.txt): officials of the zones and their cities, a reporter.
SEED_PEOPLE = {
    "齐力", "盛付祥", "张兵", "胡俊", "方针", "钱娟", "戴兆平", "钱军", "盛育河", "王荣明", "毛戴军", "王庆", "赵进",
    "卢春燕", "章惠明", "杨乐军", "徐子佳", "刘爱国", "刘晓松", "朱峰", "葛玉海", "周玉晓", "周玉曉", "田启明", "田啟明",
    "刘永军", "劉永軍",
}


def test_demo_people_are_invented():
    people = set(demo.SPONSORS) | set(demo.OWNERS)
    assert len(people) == len(demo.SPONSORS) + len(demo.OWNERS)
    assert not people & SEED_PEOPLE
    assert not any(seed in name or name in seed for name in people for seed in SEED_PEOPLE)


@pytest.mark.django_db
def test_built_demo_names_only_invented_people():
    from django.db import models

    from tuijin.org.models import Member
    from tuijin.projects.models import Project
    from tuijin.tickets.models import Ticket, TicketEvent

    call_command("demo", verbosity=0)
    sponsors = set(Project.objects.values_list("sponsor", flat=True))
    owners = set(Project.objects.values_list("owner", flat=True))
    leader = Member.objects.get(user__username=demo.DEMO_LEADER[1]).full_name  # the demo leader account (org.demo)
    assert sponsors <= set(demo.SPONSORS) | {leader} and owners <= set(demo.OWNERS)
    assert set(Ticket.objects.values_list("sponsor", flat=True)) <= set(demo.SPONSORS) | {leader, ""}
    # every sponsor is a leader member of the project's zone, named as the project names them
    assert not Project.objects.filter(sponsor_member__isnull=True).exclude(sponsor="").exists()
    assert set(Project.objects.values_list("sponsor_member__role", flat=True)) == {Member.Role.LEADER}
    assert not Project.objects.exclude(sponsor_member__zone=models.F("zone")).exists()
    texts = [*Ticket.objects.values_list("title", "description", "enterprise"),
             *TicketEvent.objects.values_list("note", "by_name")]
    assert not [t for row in texts for t in row for name in SEED_PEOPLE if name in (t or "")]
