from .catalog import PriceList, PriceListItem, Product
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
    "Competitor", "ForecastCategory", "Lead", "LeadAssignmentRule", "LeadSource", "LeadStatus", "Opportunity",
    "OpportunityCompetitor", "OpportunityLine", "OpportunityStatus", "OpportunityTeamMember",
    "OpportunityTeamRole", "Pipeline", "PriceList", "PriceListItem", "Product", "RegistrationStatus", "Stage",
    "StageChange", "StageKind", "WinLossReason",
    "Quote", "QuoteDiscountThreshold", "QuoteLine", "QuoteStatus",
]
