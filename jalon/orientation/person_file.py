"""The orientation's panels on the person's file: current orientation, référents, sessions, reorientation,
interviews and delays."""


def person_file_panels(*, actor, person) -> dict:
    from jalon.orientation.delays.selectors import person_delays
    from jalon.orientation.interviews.selectors import person_interviews
    from jalon.orientation.reorientation.selectors import person_reorientations
    from jalon.orientation.selectors import current_orientation, referent_history
    from jalon.orientation.sessions.selectors import person_participations

    return {
        "orientation": current_orientation(person=person),
        "referents": list(referent_history(person=person)),
        "participations": list(person_participations(person=person)),
        "reorientation": person_reorientations(actor=actor, person=person),
        "interviews": list(person_interviews(person=person)),
        "delays": person_delays(person=person),
    }
