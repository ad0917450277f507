"""Records of the rooms above (exits, job offers, measures) that name an employer by its SIRET before the
establishment is in the directory are linked to it when it is added: the directory is filled as people work, and
the employer page then shows everything recorded about the establishment."""

from django.db.models.signals import post_save

from jalon.employers.models import Employer


def link_on_addition(model, departement_lookup: str) -> None:
    """Link `model`'s records without a directory employer, same SIRET and same département, to every establishment
    added to the directory. `departement_lookup` reaches the record's département (« departement_id »,
    « person__departement_id »)."""

    def link(sender, instance: Employer, created: bool, raw: bool = False, **kwargs) -> None:
        if created and not raw:
            model.objects.filter(
                employer=None, employer_siret=instance.siret, **{departement_lookup: instance.departement_id}
            ).update(employer=instance)

    post_save.connect(link, sender=Employer, weak=False, dispatch_uid=f"employer-link-{model._meta.label}")
