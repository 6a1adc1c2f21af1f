"""The patient changes an answer after the record was signed off: the signed record stays as it
was signed, the change is kept beside it with its time, and the trail says what kind it was.

The patient's pages call `watch` before they apply what the patient sent and `keep` after, for
every request that may change an answer.
"""

from __future__ import annotations

from .. import audit
from ..content import ContentPack
from ..models import Discussion
from . import fields as defs
from . import signed

# The kinds of change, as the audit trail names them: never the patient's words.
KINDS = {
    "leaning": "leaning",
    "leaning_reason": "reason for leaning",
    "values_note": "what else matters",
    "asked": "guide question to ask",
    "own_question": "own question",
    "rating": "what matters rating",
    "concern": "risk that matters most",
    "readiness": "readiness answer",
}


def watch(discussion: Discussion, pack: ContentPack) -> signed.PatientAnswers | None:
    """What the patient's answers are before this request changes any, on a signed record (None
    for a draft, where the patient's answers are the record's). A record signed before what was
    signed was kept is frozen now, as it stands, before the patient changes anything."""
    if discussion.finalised_at is None:
        return None
    if not discussion.signed_snapshot:
        frozen = signed.Snapshot(
            signed.answers_now(discussion), defs.stored_values(discussion, pack)
        )
        discussion.signed_snapshot = frozen.to_json()
    return signed.answers_now(discussion)


def keep(discussion: Discussion, before: signed.PatientAnswers) -> None:
    """Keep what changed since `watch`, and say in the audit trail which kinds of answer."""
    changed = signed.keep_changes(discussion, before)
    if changed:
        kinds = sorted({KINDS.get(c.kind, c.kind) for c in changed})
        audit.record("changed-after-sign-off", discussion, detail="; ".join(kinds))
