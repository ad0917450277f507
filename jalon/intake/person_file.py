"""The intake's panel on the person's file: the socio-professional data (DSP)."""


def person_file_panels(*, actor, person) -> dict:
    from jalon.intake.models import SocioProfessionalData

    return {"dsp": SocioProfessionalData.objects.filter(person=person).first()}
