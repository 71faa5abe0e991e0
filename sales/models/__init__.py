from .catalog import PriceList, PriceListItem, Product
from .collisions import Collision, CollisionStatus, MatchReason
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
    "Collision", "CollisionStatus", "Competitor", "ForecastCategory", "Lead", "LeadAssignmentRule", "LeadSource",
    "LeadStatus", "MatchReason", "Opportunity",
    "OpportunityCompetitor", "OpportunityLine", "OpportunityStatus", "OpportunityTeamMember",
    "OpportunityTeamRole", "Pipeline", "PriceList", "PriceListItem", "Product", "RegistrationStatus", "Stage",
    "StageChange", "StageKind", "WinLossReason",
    "Quote", "QuoteDiscountThreshold", "QuoteLine", "QuoteStatus",
]
