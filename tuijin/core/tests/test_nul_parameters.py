import pytest


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/org/members/?q=%00", "/projects/performance/?category=%00", "/tickets/?q=a%00b",
                                  "/enterprises/?industry=%00", "/api/v1/projects/?unit=%00"])
def test_a_nul_in_a_parameter_is_a_bad_request_everywhere(world, client_for, path):
    r = client_for(world.office).get(path)
    assert r.status_code == 400
    if not path.startswith("/api/"):
        assert "请求" in r.content.decode()  # the site's own 400 page, in Chinese


@pytest.mark.django_db
def test_plain_parameters_pass(world, client_for):
    assert client_for(world.office).get("/org/members/?q=王").status_code == 200
