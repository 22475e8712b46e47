"""The 95 % interval of a share (the yes share of a yes/no question); no database.

Wilson's score interval rather than the textbook p ± 1.96·sqrt(p(1 - p) / n): that one gives a
zero-width interval at 0 % and 100 % (3 yes of 3 would read as "100 %, ± 0") and can run past
0 or 100 with few answers. Wilson's stays within 0..100 and is honest about small samples:
3 yes of 3 is 44-100 %, 30 of 30 is 89-100 %.

    centre    = (p + z² / 2n) / (1 + z² / n)
    half-width = z / (1 + z² / n) · sqrt(p(1 - p) / n + z² / 4n²)

with p = successes / n and z = 1.96.
"""

import math

Z_95 = 1.96


def share_interval(*, successes: int, answers: int, z: float = Z_95) -> tuple[float, float] | None:
    """The Wilson interval of successes / answers, in percent (one decimal); None without answers."""
    if answers <= 0:
        return None
    if not 0 <= successes <= answers:
        raise ValueError(f"{successes} successes of {answers} answers")
    p = successes / answers
    z2 = z * z
    denominator = 1 + z2 / answers
    centre = (p + z2 / (2 * answers)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / answers + z2 / (4 * answers * answers))
    low, high = max(0.0, centre - half), min(1.0, centre + half)
    return round(100 * low, 1), round(100 * high, 1)
