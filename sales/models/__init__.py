from .catalog import PriceList, PriceListItem, Product
from .collisions import Collision, CollisionStatus, MatchReason
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
from .quotes import Quote, QuoteDiscountThreshold, QuoteLine, QuoteStatus

__all__ = [
    "Collision", "CollisionStatus", "Competitor", "DocumentKind", "ForecastCategory", "Lead",
    "LeadAssignmentRule", "LeadSource", "LeadStatus", "MatchReason", "NoteKind", "Opportunity",
    "OpportunityCompetitor", "OpportunityDocument", "OpportunityLine", "OpportunityNote",
    "OpportunityStatus", "OpportunityTeamMember", "OpportunityTeamRole", "Pipeline", "PriceList",
    "PriceListItem", "Product", "Quote", "QuoteDiscountThreshold", "QuoteLine", "QuoteStatus",
    "RegistrationStatus", "Stage", "StageChange", "StageKind", "WinLossReason",
]
