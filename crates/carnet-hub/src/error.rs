use std::path::PathBuf;

use carnet_protocol::ProtocolError;
use thiserror::Error;

/// Everything the hub can refuse or fail with. Messages are lower case, say
/// what the device or its user should do next, and never hold internals: the
/// cause of an [`HubError::Internal`] is logged, not sent.
#[derive(Debug, Error)]
pub enum HubError {
    /// The request cannot be understood or breaks a rule of the protocol.
    #[error("the request was refused: {0}")]
    BadRequest(&'static str),
    /// The device's clock is too far from the hub's.
    #[error(
        "the device's clock is more than 10 minutes off the hub's; \
         set the device's date and time, then try again"
    )]
    ClockSkew,
    /// The request speaks another protocol version.
    #[error("the request uses protocol version {found} but this hub speaks version {known}; update carnet")]
    UnsupportedVersion {
        /// The version in the request.
        found: u16,
        /// The version spoken here.
        known: u16,
    },
    /// The request or an entry in it is over a limit.
    #[error("the request is too large: {0}")]
    TooLarge(&'static str),
    /// The hub does not know the device, or the signature does not match its key.
    #[error(
        "the hub does not recognise this device or its signature; \
         check the hub address, or join with an invite"
    )]
    Unauthenticated,
    /// The device was revoked.
    #[error("this device was revoked by the team lead; ask for a new invite")]
    Revoked,
    /// A worker's device asked for something only a lead may do.
    #[error("only a team lead's device can invite or revoke devices; ask your team lead")]
    Forbidden,
    /// No invite with that id.
    #[error("there is no such invite; check the code, or ask the team lead for a new invite")]
    InviteNotFound,
    /// The invite was used by another device.
    #[error("this invite was already used; ask the team lead for a new invite")]
    InviteUsed,
    /// The invite expired.
    #[error("this invite has expired; ask the team lead for a new invite")]
    InviteExpired,
    /// The team id is taken.
    #[error("a team with this id already exists; create the team again to get a new id")]
    TeamExists,
    /// The device sent too many requests.
    #[error("too many requests from this device; wait a moment and try again")]
    RateLimited,
    /// The hub's database was made by a newer hub (at start-up only).
    #[error(
        "the hub database is from a newer carnet-hub (schema {found}, this one knows {known}); \
         update carnet-hub"
    )]
    NewerDatabase {
        /// Its schema version.
        found: i64,
        /// Ours.
        known: i64,
    },
    /// The hub's database cannot be opened or migrated (at start-up only).
    #[error(
        "the hub database {path} cannot be opened ({source}); check the data directory and its permissions"
    )]
    Open {
        /// The database file.
        path: PathBuf,
        /// Why.
        source: rusqlite::Error,
    },
    /// The hub failed (its cause is logged, never sent).
    #[error("the hub failed to answer; try again later, and tell the hub's administrator if it goes on")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync + 'static>),
}

impl HubError {
    /// Wraps a failure of the hub itself.
    pub fn internal(source: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>) -> Self {
        HubError::Internal(source.into())
    }

    /// A stable machine-readable code, sent with the message.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            HubError::BadRequest(_) | HubError::ClockSkew => "bad_request",
            HubError::UnsupportedVersion { .. } => "unsupported_version",
            HubError::TooLarge(_) => "too_large",
            HubError::Unauthenticated => "unauthenticated",
            HubError::Revoked => "revoked",
            HubError::Forbidden => "forbidden",
            HubError::InviteNotFound => "invite_not_found",
            HubError::InviteUsed => "invite_used",
            HubError::InviteExpired => "invite_expired",
            HubError::TeamExists => "team_exists",
            HubError::RateLimited => "rate_limited",
            HubError::NewerDatabase { .. } | HubError::Open { .. } | HubError::Internal(_) => "internal",
        }
    }

    /// The HTTP status the error is sent with.
    #[must_use]
    pub fn status(&self) -> u16 {
        match self {
            HubError::BadRequest(_) | HubError::ClockSkew | HubError::UnsupportedVersion { .. } => 400,
            HubError::Unauthenticated => 401,
            HubError::Revoked | HubError::Forbidden => 403,
            HubError::InviteNotFound => 404,
            HubError::InviteUsed | HubError::TeamExists => 409,
            HubError::InviteExpired => 410,
            HubError::TooLarge(_) => 413,
            HubError::RateLimited => 429,
            HubError::NewerDatabase { .. } | HubError::Open { .. } | HubError::Internal(_) => 500,
        }
    }

    /// Whether sending the same request again later could succeed.
    #[must_use]
    pub fn is_retryable(&self) -> bool {
        matches!(self, HubError::RateLimited | HubError::Internal(_))
    }

    /// The error for bytes that do not decode as a message.
    pub(crate) fn from_decoding(error: &ProtocolError) -> Self {
        match error {
            ProtocolError::UnknownVersion { found, known } => HubError::UnsupportedVersion {
                found: *found,
                known: *known,
            },
            ProtocolError::Truncated => HubError::BadRequest("the message is truncated; send it again"),
            _ => HubError::BadRequest("the body is not a carnet message; update carnet"),
        }
    }
}

impl From<rusqlite::Error> for HubError {
    fn from(e: rusqlite::Error) -> Self {
        HubError::internal(e)
    }
}
