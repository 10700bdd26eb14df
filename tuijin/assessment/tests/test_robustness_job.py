"""Robustness runs are background jobs: queued from the run page, state shown there, refusals before queueing."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tuijin.assessment import services
from tuijin.assessment.models import Run
from tuijin.assessment.tests.test_run_scope import ROWS, SCHEME
from tuijin.core.models import Job

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(world):
    scheme = services.scheme_save(member=world.office, zone=world.zone_a, yaml_text=SCHEME)
    return services.run_create(member=world.office, scheme=scheme, title="草稿", year=2023, rows=ROWS)


def test_the_page_queues_a_job_and_shows_its_state(world, draft, client_for):
    client = client_for(world.office)
    assert draft.robustness is None
    r = client.post(f"/assessment/runs/{draft.pk}/", {"action": "robustness", "samples": "40", "seed": "3"})
    assert r.status_code == 302
    job = Job.objects.get(kind="robustness")
    assert job.state == "done" and job.target == f"assessment.run:{draft.pk}" and job.user_id == world.office.user_id
    draft.refresh_from_db()
    assert draft.robustness["samples"] == 40
    # the job's state is polled where the user waits; others cannot watch it
    assert client.get(f"/jobs/{job.pk}/").status_code == 200
    assert client_for(world.staff1).get(f"/jobs/{job.pk}/").status_code == 404
    assert client_for(world.office_b).get(f"/jobs/{job.pk}/").status_code == 404
    assert client.get("/jobs/999999/").status_code == 404


def test_a_failed_job_shows_its_reason_on_the_run_page(world, draft, client_for):
    Job.objects.create(kind="robustness", task_path=services.run_robustness_job.module_path, state="failed",
                       error="后台进程中断", target=f"assessment.run:{draft.pk}", zone=world.zone_a,
                       user=world.office.user)
    html = client_for(world.office).get(f"/assessment/runs/{draft.pk}/").content.decode()
    assert "后台任务失败" in html and "后台进程中断" in html


@pytest.mark.parametrize("samples", [0, 20001, "x", True])
def test_bad_samples_are_refused_before_queueing(world, draft, samples):
    with pytest.raises(ValidationError):
        services.run_robustness_start(member=world.office, run=draft, samples=samples)
    assert not Job.objects.exists()


def test_scope_street_and_other_zone(world, draft):
    for member in (world.staff1, world.office_b):
        with pytest.raises((PermissionDenied, ValidationError, Run.DoesNotExist)):
            services.run_robustness_start(member=member, run=draft, samples=10)
    services.run_publish(member=world.office, run=draft)
    with pytest.raises(ValidationError):
        services.run_robustness_start(member=world.office, run=draft, samples=10)
    assert not Job.objects.exists()
