"""The schema tells the truth (SPEC §11, issue #13): every operation of the OpenAPI schema that
drf-spectacular generates is fuzzed with schemathesis, in-process through the WSGI app, as a
coach and as an athlete (each with an API token), against a world of real objects. Whatever
the generated request, the answer is never a 5xx, its status code is one the schema documents,
its content type is the documented one and its body matches the documented schema. Both valid
requests (positive) and invalid ones (negative: wrong types, missing fields, values out of
range) are sent.

The run is bounded (25 examples per operation, visitor and mode, derandomized, no deadline:
about a minute on SQLite) so it runs in the normal suite. Half the examples take the ids of
real objects for the path parameters (her check-in, her decision, her flag…), so the operations
get past the lookup; the other half keep the generated ids (mostly 404s, documented too).

Nothing is excluded. Two operations destroy what the others need, so they run last and on
objects of their own: ``DELETE /api/v1/athletes/{id}/`` erases an athlete, so its real id is a
second athlete of the coach's kept for it; ``DELETE /api/v1/auth/token/`` revokes the token it
is sent with, so each of its examples is sent with a fresh token of the visitor's.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from athletes import services as athlete_services
from tests.factories import AthleteFactory
from tests.test_reads_never_write import World, build_world

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Not asked: that invalid input is always refused (negative_data_rejection). An action that
# reads no field (approve, acknowledge) rightly ignores whatever body comes along, which that
# check reports as a schema-violating request accepted.
# A read whose query keeps to the schema is accepted: the schema is no stricter than the code.
# (Not asked of writes: their rules across fields, a symptom report with nothing to report,
# say, cannot be said in JSON Schema, and their 400 is documented.)
READ_CHECKS = [*CHECKS, positive_data_acceptance]
EXAMPLES = 25  # per operation, visitor and mode: 31 × 2 × 2 × 25, at most 3,100 requests
VISITORS = ("coach", "athlete")


@pytest.fixture
def in_process_wsgi() -> Iterator[None]:
    """Requests sent through the WSGI app share the test's connection and transaction, as the
    test client's do: Django's handler must not close the connection at the end of a request
    (it would, inside the test's atomic block)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def real_ids(method: str, path: str, world: World, victim_id: int) -> dict[str, int]:
    """The ids of real objects for the path parameters of this operation."""
    if "{athlete_id}" in path:
        return {"athlete_id": world.athlete.pk}
    if "{id}" not in path:
        return {}
    if path == "/api/v1/athletes/{id}/":
        return {"id": victim_id if method == "DELETE" else world.athlete.pk}
    by_collection = {
        "checkins": world.checkin.pk,
        "decisions": world.decision.pk,
        "flags": world.flag.pk,
        "plan-sessions": world.plan_week.sessions.values_list("pk", flat=True).first(),
    }
    collection = path.split("/")[3]
    assert collection in by_collection, f"tests/test_api_fuzz.py: give {path} a real id"
    return {"id": by_collection[collection]}


def key_of(operation) -> tuple[str, str]:
    return operation.method.upper(), operation.path


def fuzz(operation, *, mode: GenerationMode, token_for, ids: dict[str, int]) -> int:
    """Fuzz one operation; the number of requests it sent."""
    sent = 0
    strategies = [operation.as_strategy(mode)]
    if ids:
        strategies.append(operation.as_strategy(mode, path_parameters=ids))

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=st.one_of(strategies))
    def run(case) -> None:
        nonlocal sent
        sent += 1
        response = case.call(headers={"Authorization": f"Token {token_for()}"})
        case.validate_response(
            response, checks=READ_CHECKS if operation.method.upper() == "GET" else CHECKS
        )

    try:
        run()
    except Unsatisfiable:
        # Nothing of this operation can be made invalid (no parameter, no body: GET /me/,
        # the token DELETE): the positive run covers it.
        assert mode is GenerationMode.NEGATIVE, operation.label
        # (the security schemes' Authorization header and session cookie are free strings)
        inputs = [p.name for p in operation.iter_parameters() if p.location in ("path", "query")]
        assert not inputs, operation.label
        assert not operation.get_request_payload_content_types(), operation.label
    return sent


@pytest.mark.django_db
@pytest.mark.usefixtures("in_process_wsgi")
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
def test_every_operation_answers_as_its_schema_says_for_a_coach_and_an_athlete(mode):
    world = build_world()
    victim = AthleteFactory(coach=world.coach, first_name="Vera", email="vera@example.org")
    users = {"coach": world.coach, "athlete": world.athlete_user}
    tokens = {
        who: athlete_services.api_token_create(user=user, name="fuzz")[1]
        for who, user in users.items()
    }
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 30  # the whole API was loaded
    # The destructive ones last, for both visitors: they remove what the others read. The
    # erasure goes very last (a generated id may well be hers, and erase her).
    last = [("DELETE", "/api/v1/auth/token/"), ("DELETE", "/api/v1/athletes/{id}/")]
    runs = [(v, op) for v in VISITORS for op in operations if key_of(op) not in last]
    runs += [(v, op) for key in last for v in VISITORS for op in operations if key_of(op) == key]

    failures: list[str] = []
    requests = 0
    for visitor, operation in runs:
        key = key_of(operation)
        if key == ("DELETE", "/api/v1/auth/token/"):

            def token_for(user=users[visitor]) -> str:
                return athlete_services.api_token_create(user=user, name="revoked")[1]

        else:

            def token_for(raw=tokens[visitor]) -> str:
                return raw

        try:
            requests += fuzz(
                operation,
                mode=mode,
                token_for=token_for,
                ids=real_ids(*key, world=world, victim_id=victim.pk),
            )
        except Exception as error:  # each failure is reported below
            failures.append(f"{visitor} {key[0]} {key[1]}:\n{error}")

    assert len(runs) == 2 * len(operations)  # nothing left out
    assert requests >= 10 * len(runs)  # and they were really fuzzed
    assert not failures, "\n\n".join(failures)
