"""PDPA (academy/accounts/privacy.py): an anonymised person is not sent about again,
and what was sent about them is voided in the LRS when so configured."""

from academy.accounts.privacy import DataSubject, anonymiser


@anonymiser
def anonymise_learning_records(subject: DataSubject) -> None:
    from .services import actor_anonymise

    actor_anonymise(user=subject.user, person_id=subject.person_id)
