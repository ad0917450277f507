"""Every read of a carnet is audited: each screen and API read a professional opens records who looked at which
person, and on which screen."""

import datetime

import pytest
from django.urls import reverse

from jalon.core.enums import AuditCode
from jalon.core.models import AuditEvent
from jalon.notebook.followup import services as followup
from jalon.notebook.models import ContractType, Objective
from tests.conftest import actor_for


SCREENS = [
    ("notebook:detail", {}),
    ("notebook:freins", {}),
    ("notebook:project_create", {}),
    ("notebook:objectives", {}),
    ("notebook:objective_create", {}),
    ("notebook:timeline", {}),
    ("notebook:contracts", {}),
    ("notebook:appointments", {}),
    ("notebook:contacts", {}),
    ("notebook:team", {}),
    ("notebook:contract_pdf", {"pk": "contract"}),
    ("notebook:objective_edit", {"pk": "objective"}),
    ("notebook:action_create", {"objective_pk": "objective"}),
    ("api:notebook", {}),
]


@pytest.fixture
def opened(carnet):
    notebook, referent, _ = carnet
    followup.contract_types_default_create(departement=notebook.person.departement)
    contract = followup.contract_create(
        actor=actor_for(referent),
        notebook=notebook,
        version=None,
        contract_type=ContractType.objects.get(departement=notebook.person.departement, code="cer"),
        starts_on=datetime.date(2026, 9, 1),
        ends_on=None,
        organisation=referent.organisation,
    )
    objective = Objective.objects.create(notebook=notebook, title="Passer le permis B")
    return notebook, referent, {"contract": contract.pk, "objective": objective.pk}


@pytest.mark.parametrize(("name", "extra"), SCREENS, ids=[name for name, _ in SCREENS])
def test_every_carnet_screen_and_api_read_is_audited(opened, login_as, name, extra):
    notebook, referent, pks = opened
    person = notebook.person
    kwargs = {"pk" if name.startswith("api:") else "person_pk": person.pk}
    kwargs |= {key: pks[value] for key, value in extra.items()}
    before = set(AuditEvent.objects.values_list("pk", flat=True))

    response = login_as(referent).get(reverse(name, kwargs=kwargs))

    assert response.status_code == 200
    [read] = AuditEvent.objects.exclude(pk__in=before).filter(person_id=person.pk)
    read_codes = (AuditCode.PERSON_VIEWED, AuditCode.CONTRACT_PDF_DOWNLOADED)
    assert (read.code, read.actor_id, read.person_id) in [(code, referent.user_id, person.pk) for code in read_codes]
