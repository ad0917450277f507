"""The intake's panel on the person's file: the socio-professional data (DSP)."""


def person_file_panels(*, actor, person) -> dict:
    from jalon.intake.models import SocioProfessionalData

    return {"dsp": SocioProfessionalData.objects.filter(person=person).select_related("filled_by").first()}


def person_file_print(*, actor, person, panels: dict) -> list:
    """The DSP worded for the printed file, as the screen shows them (without DSP: the screen's notice only)."""
    from jalon.people.file_panels import FileSection

    title = "Données socio-professionnelles"
    dsp = panels.get("dsp")
    if dsp is None:
        return [FileSection(title, empty="DSP non renseignées : elles n'ont pas encore été recueillies.")]
    if dsp.is_complete:
        intro = "DSP complètes."
    else:
        intro = f"DSP complètes à {dsp.completeness} % — à compléter : {', '.join(dsp.missing_questions)}."
    last_job = "non renseigné"
    if dsp.last_job or dsp.last_job_rome_code:
        last_job = " ".join(
            part
            for part in (
                dsp.last_job,
                f"(ROME {dsp.last_job_rome_code})" if dsp.last_job_rome_code else "",
                f"— jusqu'au {dsp.last_job_end_date:%d/%m/%Y}" if dsp.last_job_end_date else "",
            )
            if part
        )
    if dsp.declared_obstacles is None:
        obstacles = "non renseignés"
    else:
        obstacles = ", ".join(dsp.declared_obstacle_labels) or "aucun frein déclaré"
    filled = " ".join(
        part
        for part in (
            "par la personne elle-même," if dsp.filled_by_person else "",
            f"le {dsp.filled_on:%d/%m/%Y}" if dsp.filled_on else "",
            f"(saisie : {dsp.filled_by.get_full_name() or dsp.filled_by.email})" if dsp.filled_by else "",
        )
        if part
    )
    lines = [
        f"Situation professionnelle : {dsp.get_professional_situation_display() or 'non renseignée'}",
        f"Niveau de formation : {dsp.get_education_level_display() or 'non renseigné'}",
        f"Dernier emploi : {last_job}",
        f"Permis de conduire : {dsp.get_driving_licence_display() or 'non renseigné'}",
        f"Véhicule : {'non renseigné' if dsp.has_vehicle is None else 'oui' if dsp.has_vehicle else 'non'}",
        f"Freins déclarés : {obstacles}",
        f"Projet : {dsp.project or 'non renseigné'}",
    ]
    if filled:
        lines.append(f"Renseignées {filled.rstrip(',')}")
    return [FileSection(title, lines, intro=intro)]
