"""The SQL model: the one place both bot/ and scheduler/ take their tables from.

Alembic owns the schema (alembic/versions); the app never calls create_all.
Every time is stored as timezone-aware UTC. The states and kinds the tables store are
in bot/enums.py, re-exported here.
"""

from bot.enums import (
    BroadcastState,
    ContestMode,
    ContestState,
    ConversationState,
    DeliveryStatus,
    Eligibility,
    InteractionKind,
    Language,
    PostStatus,
    RelayEventKind,
    RelayStatus,
    Role,
)
from bot.models.base import NAMING, Base, JSONDocument, UTCDateTime, utcnow
from bot.models.broadcasts import Broadcast
from bot.models.campaigns import CampaignRow, PostRow
from bot.models.contests import Answer, Contest, ContestDraw, Poll, Question, Vote
from bot.models.inbox import InboxEntry, InboxReply
from bot.models.interactions import Interaction
from bot.models.messages import ChannelRate, Delivery, InboundMedia, InboundMessage, MediaFile
from bot.models.organisers import AddressAccess, LoginFailure, Organiser, OrganiserSession
from bot.models.relays import Relay, RelayEvent

__all__ = [
    "NAMING",
    "AddressAccess",
    "Answer",
    "Base",
    "Broadcast",
    "BroadcastState",
    "CampaignRow",
    "ChannelRate",
    "Contest",
    "ContestDraw",
    "ContestMode",
    "ContestState",
    "ConversationState",
    "Delivery",
    "DeliveryStatus",
    "Eligibility",
    "InboundMedia",
    "InboundMessage",
    "InboxEntry",
    "InboxReply",
    "Interaction",
    "InteractionKind",
    "JSONDocument",
    "Language",
    "LoginFailure",
    "MediaFile",
    "Organiser",
    "OrganiserSession",
    "Poll",
    "PostRow",
    "PostStatus",
    "Question",
    "Relay",
    "RelayEvent",
    "RelayEventKind",
    "RelayStatus",
    "Role",
    "UTCDateTime",
    "Vote",
    "utcnow",
]
