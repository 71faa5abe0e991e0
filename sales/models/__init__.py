from .catalog import PriceList, PriceListItem, Product
from .documents import DocumentKind, NoteKind, OpportunityDocument, OpportunityNote
from .leads import Lead, LeadAssignmentRule, LeadSource, LeadStatus
from .opportunities import (
    Opportunity,
    OpportunityCompetitor,
    OpportunityLine,
    OpportunityStatus,
    OpportunityTeamMember,
    OpportunityTeamRole,
    RegistrationStatus,
    StageChange,
)
from .pipelines import Competitor, ForecastCategory, Pipeline, Stage, StageKind, WinLossReason

__all__ = [
    "Competitor", "DocumentKind", "ForecastCategory", "Lead", "LeadAssignmentRule", "LeadSource", "LeadStatus",
    "NoteKind", "Opportunity", "OpportunityCompetitor", "OpportunityDocument", "OpportunityLine", "OpportunityNote",
    "OpportunityStatus", "OpportunityTeamMember", "OpportunityTeamRole", "Pipeline", "PriceList", "PriceListItem",
    "Product", "RegistrationStatus", "Stage", "StageChange", "StageKind", "WinLossReason",
]
