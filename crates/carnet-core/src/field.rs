//! The fields of a case file that hold a single value and can therefore hold
//! concurrent values after a merge. Their paths name them in conflicts and in
//! `resolve` (format: `person/commune`, `procedures/<uuid>/status`; do not
//! change without a version bump).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::CoreError;

/// The kind of value a field holds, which says how a settled value is parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    /// Text.
    Str,
    /// Optional text (empty clears it).
    OptStr,
    /// Optional whole number (empty clears it).
    OptInt,
    /// Yes or no.
    Bool,
    /// Optional `YYYY-MM-DD`.
    OptDay,
    /// `YYYY-MM-DDTHH:MM`.
    DateTime,
    /// A list of short texts, written comma-separated.
    StrList,
    /// An agency code.
    Agency,
    /// A procedure status code.
    Status,
    /// A visit kind code.
    VisitKind,
    /// Automerge text (a visit's note): concurrent edits merge by character
    /// instead of competing, so it is settled rather than chosen (see
    /// [`crate::Conflict::parts`]).
    Text,
}

/// The parts of a case file holding fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    /// `person`
    Person,
    /// `consent`
    Consent,
    /// `visits/<id>`
    Visits,
    /// `procedures/<id>`
    Procedures,
    /// `tasks/<id>`
    Tasks,
}

impl Section {
    /// The document key of this section.
    #[must_use]
    pub const fn key(self) -> &'static str {
        match self {
            Section::Person => "person",
            Section::Consent => "consent",
            Section::Visits => "visits",
            Section::Procedures => "procedures",
            Section::Tasks => "tasks",
        }
    }

    /// Whether the section is a map of items keyed by UUID.
    #[must_use]
    pub const fn has_items(self) -> bool {
        matches!(self, Section::Visits | Section::Procedures | Section::Tasks)
    }

    /// The single-valued fields of the section.
    #[must_use]
    pub const fn fields(self) -> &'static [(&'static str, FieldKind)] {
        use FieldKind as K;
        match self {
            Section::Person => &[
                ("name", K::Str),
                ("birth_year", K::OptInt),
                ("commune", K::Str),
                ("phone", K::Str),
            ],
            Section::Consent => &[
                ("given", K::Bool),
                ("date", K::OptDay),
                ("scope", K::Str),
                ("recorded_by", K::Str),
            ],
            Section::Visits => &[
                ("at", K::DateTime),
                ("worker", K::Str),
                ("place", K::Str),
                ("kind", K::VisitKind),
                ("present", K::StrList),
                ("topics", K::StrList),
                ("duration_min", K::OptInt),
                ("note", K::Text),
                ("archived", K::Bool),
                ("reviewed_by", K::OptStr),
                ("reviewed_at", K::OptStr),
            ],
            Section::Procedures => &[
                ("agency", K::Agency),
                ("what", K::Str),
                ("status", K::Status),
                ("next_step", K::Str),
                ("due", K::OptDay),
            ],
            Section::Tasks => &[
                ("title", K::Str),
                ("due", K::OptDay),
                ("done", K::Bool),
                ("assignee", K::Str),
            ],
        }
    }

    /// Every section.
    pub const ALL: [Section; 5] = [
        Section::Person,
        Section::Consent,
        Section::Visits,
        Section::Procedures,
        Section::Tasks,
    ];

    fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.key() == key)
    }
}

/// The path of one single-valued field.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct FieldPath {
    section: Section,
    item: Option<Uuid>,
    field: String,
}

impl FieldPath {
    /// A path, checked against the registry.
    ///
    /// # Errors
    /// [`CoreError::InvalidValue`] when the section has no such field, or an
    /// item id is missing or given where none belongs.
    pub fn new(section: Section, item: Option<Uuid>, field: &str) -> Result<Self, CoreError> {
        let bad = |reason: String| CoreError::InvalidValue {
            field: "field path".into(),
            reason,
        };
        if section.has_items() != item.is_some() {
            return Err(bad(format!(
                "{} {} an item id",
                section.key(),
                if section.has_items() { "needs" } else { "takes no" }
            )));
        }
        let Some((name, _)) = section.fields().iter().find(|(name, _)| *name == field) else {
            let known: Vec<&str> = section.fields().iter().map(|(n, _)| *n).collect();
            return Err(bad(format!(
                "{} has no field {field:?}; fields are {}",
                section.key(),
                known.join(", ")
            )));
        };
        Ok(Self {
            section,
            item,
            field: (*name).to_owned(),
        })
    }

    /// The section.
    #[must_use]
    pub fn section(&self) -> Section {
        self.section
    }

    /// The item's id, for visits, procedures and tasks.
    #[must_use]
    pub fn item(&self) -> Option<Uuid> {
        self.item
    }

    /// The field's key in its map.
    #[must_use]
    pub fn field(&self) -> &str {
        &self.field
    }

    /// The kind of value.
    #[must_use]
    pub fn kind(&self) -> FieldKind {
        self.section
            .fields()
            .iter()
            .find(|(name, _)| *name == self.field)
            .map_or(FieldKind::Str, |(_, kind)| *kind)
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.item {
            Some(item) => write!(f, "{}/{}/{}", self.section.key(), item, self.field),
            None => write!(f, "{}/{}", self.section.key(), self.field),
        }
    }
}

impl FromStr for FieldPath {
    type Err = CoreError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || CoreError::InvalidValue {
            field: "field path".into(),
            reason: format!("{s:?} is not a field path such as person/commune or procedures/<id>/status"),
        };
        let parts: Vec<&str> = s.trim().split('/').collect();
        let section = Section::from_key(parts.first().copied().unwrap_or_default()).ok_or_else(bad)?;
        match parts.as_slice() {
            [_, field] => Self::new(section, None, field),
            [_, item, field] => {
                let item = Uuid::parse_str(item).map_err(|_| bad())?;
                Self::new(section, Some(item), field)
            }
            _ => Err(bad()),
        }
    }
}

impl TryFrom<String> for FieldPath {
    type Error = CoreError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<FieldPath> for String {
    fn from(p: FieldPath) -> String {
        p.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_round_trip() {
        let id = Uuid::new_v4();
        for text in [
            "person/commune".to_owned(),
            format!("procedures/{id}/status"),
            format!("visits/{id}/topics"),
        ] {
            let path: FieldPath = text.parse().unwrap();
            assert_eq!(path.to_string(), text);
        }
    }

    #[test]
    fn bad_paths_are_refused_with_the_reason() {
        let id = Uuid::new_v4();
        for (text, needle) in [
            ("person/colour".to_owned(), "no field"),
            (format!("person/{id}/name"), "takes no"),
            ("procedures/status".to_owned(), "needs"),
            ("garden/x".to_owned(), "not a field path"),
            ("visits/not-a-uuid/place".to_owned(), "not a field path"),
            (format!("visits/{id}/garden"), "no field"),
        ] {
            let err = text.parse::<FieldPath>().unwrap_err().to_string();
            assert!(err.contains(needle), "{text}: {err}");
        }
    }
}
