"""The demo's plan: the Département's own programme, loaded from the file the repository keeps."""

from jalon.programme.commitments import demo as commitments_demo
from jalon.programme.funding import demo as funding_demo
from jalon.programme.governance import demo as governance_demo
from jalon.programme.loader import load_file, plan_files, read_plan
from jalon.programme.network import demo as network_demo


def build(ctx) -> None:
    for path in plan_files():
        if str(read_plan(path)["programme"]["departement"]) != ctx.departement.code:
            continue
        result = load_file(path)
        if result.created:
            ctx.log(f"Programme : {result.programme} ({result.counts['actions']} actions)")
        link_offer(result.programme)
        if result.programme:
            funding_demo.build(ctx, result.programme)
            governance_demo.build(ctx)
            commitments_demo.build(ctx, result.programme)
            network_demo.build(ctx, result.programme)


def link_offer(programme) -> None:
    """The offer the demo's actions run on: the plateaux techniques under the PA fiche 4 (« marchés publics
    d'insertion par étape de parcours et plateaux techniques »), the mobility services under the Landes B.12
    (« accès à l'offre de soutien à la mobilité »), the « cas complexes » dispositif under the Landes A.3. Only where
    nothing is linked yet: a pilot's links stay."""
    from jalon.offer.models import Service
    from jalon.offer.plateaux.models import PlateauTechnique
    from jalon.orientation.models import Dispositif

    links = {
        "Fiche 4": (Service.objects.none(), PlateauTechnique.objects.filter(departement=programme.departement)),
        "B.12": (
            Service.objects.filter(departement=programme.departement).with_thematique("mobilite"),
            PlateauTechnique.objects.none(),
        ),
    }
    for code, (services, plateaux) in links.items():
        action = programme.actions.filter(code=code).first()
        if action is None or action.services.exists() or action.plateaux.exists():
            continue
        action.services.set(services[:6])
        action.plateaux.set(plateaux)
    # The Landes A.3 (« référence de parcours dédiée aux allocataires de longue durée ») is the demo's dispositif
    # « cas complexes ».
    action = programme.actions.filter(code="A.3").first()
    if action is not None and not action.dispositifs.exists():
        action.dispositifs.set(
            Dispositif.objects.filter(departement=programme.departement, name__icontains="cas complexes")
        )
