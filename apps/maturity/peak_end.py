"""Whether a path's end moment drags the remembered experience down; no ORM here.

The peak-end rule (Kahneman, DOMAIN.md): people judge an experience by how it felt at
its most intense point and at its end, not by its average, and the memory outweighs
the experience. An end moment that trails the rest of the path therefore costs more
than its share of the encounters suggests: plan pleasant surprises into the end.
"""

from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _

FEELING_DROP = 0.5  # on the -2..+2 feeling scale
NPS_DROP = 10  # NPS points


@dataclass(frozen=True)
class WeakEnding:
    """The drops that crossed their threshold (None: that measure did not trail enough, or was not measured)."""

    feeling_drop: float | None
    nps_drop: int | None
    message: str


def weak_ending(
    *,
    end_feeling: float | None,
    rest_feeling: float | None,
    end_nps: int | None,
    rest_nps: int | None,
    end_answers: int,
    rest_answers: int,
    min_answers: int = 5,
) -> WeakEnding | None:
    """A weak ending when the end moment's customer-reported feeling (-2..+2) trails the rest
    of the path by at least 0.5, or its NPS by at least 10 points.

    None when either side has fewer than min_answers answers (too little to compare) or
    when the end holds up.
    """
    if end_answers < min_answers or rest_answers < min_answers:
        return None
    feeling_drop: float | None = None
    if end_feeling is not None and rest_feeling is not None:
        # The means carry two decimals; rounding keeps float noise from deciding the threshold.
        drop = round(rest_feeling - end_feeling, 2)
        if drop >= FEELING_DROP:
            feeling_drop = drop
    nps_drop: int | None = None
    if end_nps is not None and rest_nps is not None and rest_nps - end_nps >= NPS_DROP:
        nps_drop = rest_nps - end_nps
    if feeling_drop is None and nps_drop is None:
        return None
    details = []
    if feeling_drop is not None:
        details.append(_("feeling %(drop)s lower") % {"drop": number_format(feeling_drop, decimal_pos=1)})
    if nps_drop is not None:
        details.append(_("NPS %(drop)s lower") % {"drop": nps_drop})
    message = _("The end moment trails the rest of the path: %(details)s") % {"details": ", ".join(details)}
    return WeakEnding(feeling_drop=feeling_drop, nps_drop=nps_drop, message=message)
