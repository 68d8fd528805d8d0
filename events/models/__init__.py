"""The events app's models, one module per concern."""

from events.models.attendance import AttendanceSource, AttendanceStatus, SessionAttendance
from events.models.certificates import Certificate, CompletionRule
from events.models.choices import EventFormat, EventStatus, EventType, Participation, SessionStatus
from events.models.emails import EmailKind, EmailStatus, OutboundEmail
from events.models.evaluations import (
    DefaultEvaluationQuestion,
    EvaluationAnswer,
    EvaluationDefaults,
    EvaluationInvitation,
    EvaluationKind,
    EvaluationResponse,
    EvaluationSubmission,
    EventEvaluationQuestion,
)
from events.models.limits import ApplicationQuota
from events.models.members import GroupMember
from events.models.messages import EventMessage, MessageAudience
from events.models.pages import EventIndexPage, EventPage, EventPageSlide
from events.models.questions import (
    CHOICE_KINDS,
    DataClass,
    EventQuestion,
    Option,
    QuestionKind,
    RegistrationAnswer,
)
from events.models.registrations import (
    ACTIVE_STATUSES,
    PRIVACY_TEXT_VERSION,
    SEAT_STATUSES,
    CancelReason,
    IdempotentRequest,
    RegistrantFeedKey,
    Registration,
    RegistrationSource,
    RegistrationStatus,
)
from events.models.sessions import EventSession
from events.models.webinar_people import ImportKind, MeetingImport, MeetingRegistrant
from events.models.webinars import (
    MeetingAction,
    MeetingKind,
    MeetingOperation,
    MeetingState,
    SessionMeeting,
    WebinarAccount,
    WebinarPlatform,
)

__all__ = [
    "AttendanceSource",
    "AttendanceStatus",
    "ImportKind",
    "MeetingImport",
    "MeetingRegistrant",
    "Certificate",
    "CompletionRule",
    "SessionAttendance",
    "ACTIVE_STATUSES",
    "CHOICE_KINDS",
    "DataClass",
    "EventQuestion",
    "Option",
    "QuestionKind",
    "RegistrationAnswer",
    "ApplicationQuota",
    "PRIVACY_TEXT_VERSION",
    "CancelReason",
    "IdempotentRequest",
    "RegistrantFeedKey",
    "Registration",
    "RegistrationSource",
    "RegistrationStatus",
    "SEAT_STATUSES",
    "DefaultEvaluationQuestion",
    "EvaluationAnswer",
    "EvaluationDefaults",
    "EvaluationInvitation",
    "EvaluationKind",
    "EvaluationResponse",
    "EvaluationSubmission",
    "EventEvaluationQuestion",
    "EmailKind",
    "EmailStatus",
    "EventFormat",
    "EventIndexPage",
    "EventPage",
    "EventPageSlide",
    "EventMessage",
    "EventSession",
    "MessageAudience",
    "EventStatus",
    "GroupMember",
    "EventType",
    "OutboundEmail",
    "Participation",
    "SessionStatus",
    "MeetingAction",
    "MeetingKind",
    "MeetingOperation",
    "MeetingState",
    "SessionMeeting",
    "WebinarAccount",
    "WebinarPlatform",
]
