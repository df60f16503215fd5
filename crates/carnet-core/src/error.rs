use thiserror::Error;

/// Everything that can go wrong in the domain. Messages are lower case and
/// say what to do next.
#[derive(Debug, Error)]
pub enum CoreError {
    /// The bytes are not an Automerge document (truncated, corrupted, or another file).
    #[error("this is not a readable case file ({reason}); the file may be truncated or damaged")]
    InvalidDocument {
        /// What the decoder said.
        reason: String,
    },
    /// The document is an Automerge document but not a Carnet case file.
    #[error("this document is not a carnet case file: {reason}")]
    NotACaseFile {
        /// What is missing or wrong.
        reason: String,
    },
    /// The case file was written by a newer version of Carnet.
    #[error(
        "this case file uses schema version {found} but this version of carnet knows up to {known}; it is shown read-only, update carnet to edit it"
    )]
    SchemaTooNew {
        /// The version in the document.
        found: i64,
        /// The newest version this code understands.
        known: i64,
    },
    /// An id could not be parsed.
    #[error("{value:?} is not a valid {what} id")]
    InvalidId {
        /// What the id was for.
        what: &'static str,
        /// The text given.
        value: String,
    },
    /// A field value is not acceptable.
    #[error("invalid {field}: {reason}")]
    InvalidValue {
        /// The field.
        field: String,
        /// Why.
        reason: String,
    },
    /// The case file has no such item.
    #[error("there is no {what} {id} in this case file")]
    NotFound {
        /// What kind of item.
        what: &'static str,
        /// Its id.
        id: String,
    },
    /// The two documents are different case files.
    #[error("these are two different case files ({ours} and {theirs}); they cannot be merged")]
    DifferentCaseFiles {
        /// This case file.
        ours: String,
        /// The other one.
        theirs: String,
    },
    /// Automerge refused an operation; this points at a bug in Carnet.
    #[error("the case file could not be updated: {0}")]
    Automerge(Box<automerge::AutomergeError>),
}

impl From<automerge::AutomergeError> for CoreError {
    fn from(e: automerge::AutomergeError) -> Self {
        CoreError::Automerge(Box::new(e))
    }
}
