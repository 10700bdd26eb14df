"""The API against its own OpenAPI schema: schemathesis reads the schema the app serves (/api/v1/schema/), makes
requests from it — valid and deliberately invalid query parameters, ids and bodies — and sends them to the WSGI
application in this process (no server), as the demo's office and as a street's staff (token sign-in). No answer may
be a server error, and every answer the schema documents must match it (docs/security.md, "Parameters").

Two runs, both fixed by SEED so that every run of `make test` sends the same requests:

- **each operation alone**: EXAMPLES examples per operation and member, valid and invalid data mixed;
- **stateful**: SCENARIOS scenarios per member of at most STEPS calls, chained along the links schemathesis infers
  from the schema (a list or a create gives a real id to the record's read, change, step or reset), so the
  operations on one record are reached with records that exist and that the member may see.

Each example (and each scenario) runs in a savepoint rolled back after it: every one starts from the demo as it was
built, so an example that fails replays the same way. The whole file takes about a minute and a half on two cores.
"""
from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")

from django.core.management import call_command  # noqa: E402
from django.core.signals import request_finished, request_started  # noqa: E402
from django.db import close_old_connections, transaction  # noqa: E402
from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import response_schema_conformance  # noqa: E402

SEED = 20260614
EXAMPLES = 12  # per operation and member
SCENARIOS = 20  # stateful, per member
STEPS = 8  # calls at most in one scenario
MEMBERS = ("office", "street")
CHECKS = [not_a_server_error, response_schema_conformance]
SCHEMA_URL = "/api/v1/schema/?format=json"


def _operations() -> list[str]:
    """Every operation of the schema, as "METHOD /path" (read once when the tests are collected)."""
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    return [f"{method.upper()} {path}" for path, ops in sorted(paths.items()) for method in ops]


OPERATIONS = _operations()


def _settings(**kwargs) -> settings:
    return settings(deadline=None, database=None, derandomize=False, print_blob=True,
                    suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate, Phase.shrink],
                    **kwargs)


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        from tuijin.core.models import Zone

        if not Zone.objects.filter(code="huaian").exists():
            call_command("demo", verbosity=0)
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(scope="module")
def api_schema(demo_db, django_db_blocker):
    """The schema the application serves, loaded through the application itself."""
    from django.core.wsgi import get_wsgi_application

    app = get_wsgi_application()
    with django_db_blocker.unblock():
        return schemathesis.openapi.from_wsgi(SCHEMA_URL, app)


@pytest.fixture
def in_process(db):
    """Requests run inside the test's transaction: Django must not close the connection after each of them (its
    own test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _headers(username: str) -> dict:
    """A valid token of the member (made again when an example revoked it), and no gzip (the WSGI transport reads
    the body as sent)."""
    from rest_framework.authtoken.models import Token

    from tuijin.org.models import Member

    user = Member.objects.select_related("user").get(user__username=username).user
    token, _ = Token.objects.get_or_create(user=user)
    return {"Authorization": f"Token {token.key}", "Accept-Encoding": "identity"}


def _in_savepoint(fn) -> None:
    """Run ``fn`` in a savepoint that is rolled back whatever happens."""
    with transaction.atomic():
        try:
            fn()
        finally:
            transaction.set_rollback(True)


@pytest.mark.parametrize("username", MEMBERS)
@pytest.mark.parametrize("label", OPERATIONS)
def test_operation(label, username, api_schema, in_process):
    method, path = label.split(" ", 1)
    operation = api_schema[path][method]
    strategy = st.one_of(operation.as_strategy(),
                         operation.as_strategy(generation_mode=schemathesis.GenerationMode.NEGATIVE))

    @seed(SEED)
    @_settings(max_examples=EXAMPLES)
    @given(case=strategy)
    def run(case):
        def call():
            response = case.call(headers=_headers(username))
            case.validate_response(response, checks=CHECKS)

        _in_savepoint(call)

    run()


@pytest.mark.parametrize("username", MEMBERS)
def test_stateful(username, api_schema, in_process):
    @seed(SEED)
    class Workflow(api_schema.as_state_machine()):
        def setup(self):
            self._savepoint = transaction.atomic()
            self._savepoint.__enter__()

        def teardown(self):
            transaction.set_rollback(True)
            self._savepoint.__exit__(None, None, None)

        def get_call_kwargs(self, case):
            return {"headers": _headers(username)}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs or None)

    Workflow.run(settings=_settings(max_examples=SCENARIOS, stateful_step_count=STEPS))


def test_every_operation_is_fuzzed(api_schema):
    served = {f"{op.ok().method.upper()} {op.ok().path}" for op in api_schema.get_all_operations()}
    assert served == set(OPERATIONS)
