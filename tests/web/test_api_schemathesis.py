"""schemathesis against the generated OpenAPI, in process, with a real API token.

Every operation gets a bounded number of generated requests: valid ones (with random ids, and
with the ids of real records so updates and deletes run for real) and invalid ones. Each
answer must be documented (status code, content type, body schema) and never a server error,
on either backend (PostgreSQL refuses NUL bytes and over-long strings that SQLite takes).
The one check left out is "schema-valid data is accepted": a request can fit the schema and
still name a circle that does not exist or an address that is not one, and that is a 422.

schemathesis' pytest plugin (``from_fixture``) does not run on pytest 9, so the operations
are walked here with their hypothesis strategies directly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from amity.book import InteractionInput, PersonInput
from amity.book.organisations import OrganisationInput
from tests.web.network_samples import network_ids
from tests.web.record_samples import record_ids
from tests.web.sync_samples import sync_ids

if TYPE_CHECKING:
    from tests.web.conftest_api import ApiUser

pytest_plugins = ["tests.web.conftest_api"]
pytestmark = pytest.mark.schemathesis
# requests per operation and mode: PostgreSQL runs fewer (it is there for what only it
# refuses: NUL bytes, over-long strings, 32-bit ids), SQLite more
EXAMPLES = {"sqlite": 6, "postgresql": 3}


def real_ids(alice: ApiUser) -> dict[str, Any]:
    ana = alice.book.people.add(
        PersonInput(name="Ana", emails=["ana@example.org"], phones=["+14155550123"])
    )
    talk = alice.book.interactions.log(InteractionInput(people=[ana.id], subject="hello"))
    point = alice.book.people.get(ana.id).contact_points[0]
    promise = alice.book.commitments.add(ana.id, "send the slides", due_on=alice.book.today())
    follow_up = alice.book.follow_ups.add(ana.id, "ask", alice.book.today())
    question = alice.book.people.add_question(ana.id, "How was Porto?")
    gone = alice.book.people.add(PersonInput(name="Gone Gale"))
    alice.book.people.purge(gone.id)  # into the trash (issue 15 §2)
    trashed = alice.book.history.trash()[0]
    last = alice.book.history.last_undoable()
    return {
        "group_id": last.id if last else trashed.id,
        "trash_id": trashed.id,
        "question_id": question.id or 0,
        "person_id": ana.id,
        "interaction_id": talk.id or 0,
        "point_id": point.id or 0,
        "promise_id": promise.id or 0,
        "follow_up_id": follow_up.id or 0,
        "key": f"promise:c{promise.id}",
        "organisation_id": alice.book.organisations.add(OrganisationInput(name="Acme")).id or 0,
        "contact_group_id": contact_group(alice),
        **network_ids(alice.book),
        **sync_ids(alice.book),
        **record_ids(alice.book),
    }


def contact_group(alice: ApiUser) -> int:
    """A group from a group card (groups are made by imports only)."""
    alice.book.transfer.run(b"BEGIN:VCARD\r\nVERSION:4.0\r\nUID:urn:uuid:g-1\r\nKIND:group\r\n"
                            b"FN:Friends\r\nEND:VCARD\r\n", filename="group.vcf")  # fmt: skip
    return alice.book.groups.list()[0].id


def run_operation(
    operation: Any,
    mode: GenerationMode,
    token: str,
    path_parameters: dict[str, Any] | None,
    examples: int,
) -> None:
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)

    @given(case=strategy)
    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: Any) -> None:
        # the real token replaces a generated bearer; a removed or mangled one stays (-> 401)
        generated = (case.headers or {}).get("Authorization")
        signed = isinstance(generated, str) and generated.startswith("Bearer ")
        case.call_and_validate(
            headers={"Authorization": f"Bearer {token}"} if signed else None,
            excluded_checks=[positive_data_acceptance],
        )

    check()


def test_every_operation_conforms_to_the_openapi(api_app: Any, alice: ApiUser, db_url: str) -> None:
    examples = EXAMPLES["sqlite" if db_url.startswith("sqlite") else "postgresql"]
    ids = real_ids(alice)
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", api_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    for operation in operations:
        names = {p.name for p in operation.path_parameters}
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            run_operation(operation, mode, alice.token, None, examples)
        if names:
            run_operation(
                operation,
                GenerationMode.POSITIVE,
                alice.token,
                {name: ids[name] for name in names},
                examples,
            )
