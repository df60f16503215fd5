use thiserror::Error;

/// What can be wrong with bytes received or with a key. Messages hold no
/// personal data (they cannot: everything personal is encrypted).
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ProtocolError {
    /// The message ends before it should.
    #[error("the message is truncated")]
    Truncated,
    /// The message is not a Carnet message or is malformed.
    #[error("the message is malformed: {0}")]
    Malformed(String),
    /// The message uses a protocol version this code does not speak.
    #[error(
        "the message uses protocol version {found} but this carnet speaks version {known}; update carnet"
    )]
    UnknownVersion {
        /// Version in the message.
        found: u16,
        /// Version spoken here.
        known: u16,
    },
    /// The entry's signature does not verify with its author's key.
    #[error("the entry's signature is not valid: it was altered or not written by the device it names")]
    BadSignature,
    /// The entry cannot be decrypted with the team key.
    #[error("the entry cannot be decrypted with the team key: it was altered or written for another team")]
    Decrypt,
    /// No key for the entry's epoch on this device.
    #[error("this device has no team key for epoch {0}; it may have been revoked")]
    UnknownEpoch(u32),
    /// A wrapped key cannot be opened (wrong invite code or another device's key).
    #[error("the key cannot be opened: the invite code is wrong or the key was meant for another device")]
    Unwrap,
    /// Key derivation failed.
    #[error("key derivation failed: {0}")]
    Kdf(String),
}

impl ProtocolError {
    /// Whether trying the same thing again could succeed. Bad bytes stay bad.
    #[must_use]
    pub fn is_retryable(&self) -> bool {
        false
    }
}
