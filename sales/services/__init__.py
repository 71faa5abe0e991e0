"""Sales workflows. Plain edits go through core.services.object_save; these add the sales rules."""

from .opportunities import opportunity_save
from .stages import opportunity_move_stage

__all__ = ["opportunity_move_stage", "opportunity_save"]
