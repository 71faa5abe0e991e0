"""Sales workflows. Plain edits go through core.services.object_save; these add the sales rules."""

from .conversion import DuplicateCustomers, lead_convert
from .leads import lead_assign, lead_disqualify, lead_save, leads_assign
from .opportunities import opportunity_save
from .stages import opportunity_move_stage

__all__ = ["DuplicateCustomers", "lead_assign", "lead_convert", "lead_disqualify", "lead_save", "leads_assign",
           "opportunity_move_stage", "opportunity_save"]
