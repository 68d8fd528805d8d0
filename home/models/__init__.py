"""The home app's models, one module per concern: the vocabulary, the page tree, the change log.

Modules of ``home`` import the module they need (``home.models.vocabulary``), never this
package: the page models' admin forms read the vocabulary, and this package loads the pages.
"""

from home.models.changes import ContentChange
from home.models.pages import (
    ContentPage,
    HomePage,
    KnowledgeIndexPage,
    KnowledgeKind,
    KnowledgePage,
    KnowledgePageDocument,
    LinkedDocument,
    PartnerAreaMixin,
    PartnerFolderMixin,
    SectionIndexPage,
)
from home.models.vocabulary import (
    Audience,
    Municipality,
    Partner,
    Region,
    Topic,
    VocabularyTerm,
    hosted_event_url_template,
    validate_event_url_template,
)

__all__ = [
    "Audience",
    "ContentChange",
    "ContentPage",
    "HomePage",
    "KnowledgeIndexPage",
    "KnowledgeKind",
    "KnowledgePage",
    "KnowledgePageDocument",
    "LinkedDocument",
    "Municipality",
    "Partner",
    "PartnerAreaMixin",
    "PartnerFolderMixin",
    "Region",
    "SectionIndexPage",
    "Topic",
    "VocabularyTerm",
    "hosted_event_url_template",
    "validate_event_url_template",
]
