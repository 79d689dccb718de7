"""The agents: newcomers, residents, employers, municipalities, and the places on the map."""

from agents.employer import Employer
from agents.municipality import Municipality
from agents.newcomer import Newcomer
from agents.places import ReceptionCentre, Startpunt
from agents.resident import Resident

__all__ = ["Employer", "Municipality", "Newcomer", "ReceptionCentre", "Resident", "Startpunt"]
