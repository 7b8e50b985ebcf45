from accord.models import Location
from directory.pickers import lookup


def chosen(building: Location, field: str = "location") -> dict[str, str]:
    """What a building picker sends once a building is chosen: its label and its id."""
    return {field: lookup.label(building), f"{field}_id": str(building.id)}
