"""Django's admin is the system administrator's only; a locked month cannot be unlocked there."""
import pytest

from tuijin.core.models import FilingPeriod


@pytest.fixture
def staff_flagged(world):
    """Members of every role with Django's is_staff set, as an old set-up might have left them."""
    for m in (world.office, world.leader, world.staff1):
        m.user.is_staff = True
        m.user.save()
    return world


@pytest.mark.django_db
class TestGate:
    def test_system_admin_opens_the_admin(self, world, client_for):
        r = client_for(world.admin).get("/admin/")
        assert r.status_code == 200 and "org/member" in r.content.decode()

    @pytest.mark.parametrize("who", ["office", "leader", "staff1", "office_b"])
    def test_everyone_else_gets_the_sites_404(self, staff_flagged, client_for, who):
        c = client_for(getattr(staff_flagged, who))
        for path in ("/admin/", "/admin/org/member/", f"/admin/org/member/{staff_flagged.admin.pk}/change/"):
            r = c.get(path)
            assert r.status_code == 404, path
            assert "tj-navbar" in r.content.decode()  # the site's own page, not the admin's

    def test_admin_of_one_zone_is_not_the_system_admin(self, world, client_for):
        m = world.office
        m.role = m.Role.ADMIN
        m.save()
        m.user.is_staff = m.user.is_superuser = True
        m.user.save()
        assert client_for(m).get("/admin/").status_code == 404

    def test_anonymous_is_sent_to_the_sites_sign_in(self, world, client):
        r = client.get("/admin/")
        assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")

    def test_posting_to_the_admin_is_refused_too(self, staff_flagged, client_for):
        admin = staff_flagged.admin
        r = client_for(staff_flagged.office).post(f"/admin/org/member/{admin.pk}/change/", {"role": "staff"})
        assert r.status_code == 404
        admin.refresh_from_db()
        assert admin.role == "admin"


@pytest.mark.django_db
class TestFilingPeriodReadOnly:
    def test_locked_is_not_editable_in_the_admin(self, world, client_for):
        period = FilingPeriod.objects.create(zone=world.zone_a, year=2023, month=6, locked=True)
        c = client_for(world.admin)
        r = c.get(f"/admin/core/filingperiod/{period.pk}/change/")
        assert r.status_code == 200
        assert 'name="locked"' not in r.content.decode()  # shown, not an input
        r = c.post(f"/admin/core/filingperiod/{period.pk}/change/", {"locked": "", "zone": world.zone_a.pk,
                                                                       "year": 2023, "month": 6})
        assert r.status_code == 403
        period.refresh_from_db()
        assert period.locked
        assert c.post(f"/admin/core/filingperiod/{period.pk}/delete/", {"post": "yes"}).status_code == 403
        assert FilingPeriod.objects.filter(pk=period.pk).exists()
        assert c.get("/admin/core/filingperiod/add/").status_code == 403
