"""How cells read, as in the CLI's CSV layout: levels, yes/no answers, empty cells."""

import math

from scoring_client._proto import parcel_pb2

LEVELS = {}
for _value, _names in (
    (parcel_pb2.LEVEL_PARK, ("PARK", "LEVEL_PARK", "工业园区")),
    (parcel_pb2.LEVEL_COMMUNITY, ("COMMUNITY", "LEVEL_COMMUNITY", "工业社区")),
    (parcel_pb2.LEVEL_SCATTERED, ("SCATTERED", "LEVEL_SCATTERED", "零星工业地块")),
):
    for _name in _names:
        LEVELS[_name] = _value

_YES = {"yes", "y", "1", "true", "是"}
_NO = {"no", "n", "0", "false", "否"}


def is_empty(cell):
    """True for a cell that means "no value": None, NaN or blank text."""
    if cell is None:
        return True
    if isinstance(cell, float):
        return math.isnan(cell)
    return isinstance(cell, str) and not cell.strip()


def level(cell):
    """The Level of a cell (PARK, LEVEL_PARK or 工业园区 ...); UNSPECIFIED when empty; ValueError when unknown."""
    if is_empty(cell):
        return parcel_pb2.LEVEL_UNSPECIFIED
    if isinstance(cell, int) and cell in (1, 2, 3):
        return cell
    found = LEVELS.get(str(cell).strip().upper()) or LEVELS.get(str(cell).strip())
    if found is None:
        raise ValueError(f"'{cell}' is not a level (PARK, COMMUNITY, SCATTERED)")
    return found


def yes_no(cell):
    """True, False, or None for an empty cell; ValueError for anything else."""
    if is_empty(cell):
        return None
    if isinstance(cell, bool):
        return cell
    if isinstance(cell, (int, float)) and cell in (0, 1):
        return bool(cell)
    text = str(cell).strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(f"'{cell}' is not yes or no")


def number(cell):
    """The float of a cell, or None when empty; ValueError when it is not a number."""
    if is_empty(cell):
        return None
    if isinstance(cell, bool):
        raise ValueError(f"'{cell}' is not a number")
    try:
        return float(cell)
    except (TypeError, ValueError):
        raise ValueError(f"'{cell}' is not a number") from None


def text(cell):
    """The text of a cell, '' when empty."""
    return "" if is_empty(cell) else str(cell).strip()
