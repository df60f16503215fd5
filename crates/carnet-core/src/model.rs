//! The typed, serialisable read view of a case file and the closed lists
//! (agencies, procedure statuses, visit kinds) it uses.
//!
//! The `code()` strings are stored in documents (format: do not change
//! without a schema version bump); labels for people live in the UI catalogue.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::CoreError;
use crate::date::{Day, LocalDateTime};
use crate::ids::{CaseId, CommentId, ProcedureId, TaskId, VisitId};

macro_rules! code_enum {
    ($(#[$doc:meta])* $name:ident, $field:literal, { $($(#[$vdoc:meta])* $variant:ident => $code:literal $(| $alias:literal)*),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vdoc])* $variant),+
        }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable code stored in documents.
            #[must_use]
            pub const fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// Parses a code (case-insensitive, a few spellings accepted).
            ///
            /// # Errors
            /// [`CoreError::InvalidValue`] listing the accepted codes.
            pub fn parse(s: &str) -> Result<Self, CoreError> {
                let wanted = s.trim().to_lowercase().replace(['-', ' '], "_");
                $(
                    if wanted == $code $(|| wanted == $alias)* {
                        return Ok($name::$variant);
                    }
                )+
                Err(CoreError::InvalidValue {
                    field: $field.into(),
                    reason: format!(
                        "{s:?} is not one of: {}",
                        [$($code),+].join(", ")
                    ),
                })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }

        impl std::str::FromStr for $name {
            type Err = CoreError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }
    };
}

code_enum!(
    /// The agency a procedure is filed with.
    Agency, "agency", {
        /// Caisse d'allocations familiales.
        Caf => "caf",
        /// Mutualité sociale agricole.
        Msa => "msa",
        /// Caisse primaire d'assurance maladie.
        Cpam => "cpam",
        /// France Travail (employment).
        FranceTravail => "france_travail" | "francetravail",
        /// The tax office.
        Impots => "impots" | "impôts",
        /// Agence nationale des titres sécurisés.
        Ants => "ants",
        /// Maison départementale des personnes handicapées.
        Mdph => "mdph",
        /// A pension fund.
        Retraite => "retraite" | "caisse_de_retraite",
        /// An energy supplier.
        Energie => "energie" | "énergie",
        /// Anything else.
        Other => "other" | "autre",
    }
);

code_enum!(
    /// Where a procedure stands.
    ProcedureStatus, "status", {
        /// Not started.
        ToDo => "todo" | "to_do" | "a_faire",
        /// Being prepared.
        InProgress => "in_progress" | "en_cours",
        /// Sent to the agency.
        Submitted => "submitted" | "depose",
        /// Granted.
        Granted => "granted" | "accorde",
        /// Refused.
        Refused => "refused" | "refuse",
        /// Suspended.
        Suspended => "suspended" | "suspendu",
    }
);

impl ProcedureStatus {
    /// Whether the procedure still needs work (not granted or refused).
    #[must_use]
    pub const fn is_open(self) -> bool {
        !matches!(self, Self::Granted | Self::Refused)
    }
}

code_enum!(
    /// How a visit took place.
    VisitKind, "kind", {
        /// At the person's home.
        Home => "home" | "domicile",
        /// At an office or permanence.
        Office => "office" | "bureau",
        /// By phone.
        Phone => "phone" | "telephone",
        /// Anything else.
        Other => "other" | "autre",
    }
);

/// The whole case file as read from its document (the winning value of every
/// field; see [`crate::Conflict`] for the others).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct CaseFileView {
    /// The case file.
    pub id: CaseId,
    /// The schema version of the document.
    pub schema: i64,
    /// Set when the document cannot be edited by this version, with the reason.
    pub read_only: Option<String>,
    /// Who the case file is about.
    pub person: Person,
    /// The person's consent to the file being kept.
    pub consent: Consent,
    /// Visits, oldest first (archived ones included, flagged).
    pub visits: Vec<Visit>,
    /// Procedures, by agency then what.
    pub procedures: Vec<Procedure>,
    /// Tasks, by due date.
    pub tasks: Vec<Task>,
    /// Comments, oldest first.
    pub comments: Vec<Comment>,
    /// Archived case files are left out of the default caseload list (no
    /// contact for a long time; see `carnet retention`) but kept and
    /// searchable. False in documents written before the flag existed.
    pub archived: bool,
}

/// Who the case file is about.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Person {
    /// Display name.
    pub name: String,
    /// Birth year, if known.
    pub birth_year: Option<i64>,
    /// Commune of residence.
    pub commune: String,
    /// Phone number.
    pub phone: String,
    /// Free text about the situation.
    pub situation: String,
}

/// Consent to the file being kept.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Consent {
    /// Whether consent was given.
    pub given: bool,
    /// When it was recorded.
    pub date: Option<Day>,
    /// What it covers.
    pub scope: String,
    /// Who recorded it.
    pub recorded_by: String,
}

/// One visit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Visit {
    /// The visit.
    pub id: VisitId,
    /// When it took place.
    pub at: Option<LocalDateTime>,
    /// Who made it.
    pub worker: String,
    /// Where.
    pub place: String,
    /// How.
    pub kind: VisitKind,
    /// Who was present.
    pub present: Vec<String>,
    /// Topics discussed.
    pub topics: Vec<String>,
    /// Time spent, in minutes.
    pub duration_min: Option<i64>,
    /// The note, merged character by character.
    pub note: String,
    /// Archived visits are kept but hidden from the timeline.
    pub archived: bool,
    /// Sign-off by a team lead.
    pub reviewed: Option<Review>,
}

/// A sign-off.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Review {
    /// Who reviewed.
    pub by: String,
    /// When.
    pub at: String,
}

/// One rights procedure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Procedure {
    /// The procedure.
    pub id: ProcedureId,
    /// The agency.
    pub agency: Agency,
    /// What it is ("RSA", "complémentaire santé solidaire"…).
    pub what: String,
    /// Where it stands.
    pub status: ProcedureStatus,
    /// The next thing to do.
    pub next_step: String,
    /// When the next step is due.
    pub due: Option<Day>,
}

/// One follow-up task.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Task {
    /// The task.
    pub id: TaskId,
    /// What to do.
    pub title: String,
    /// When.
    pub due: Option<Day>,
    /// Done or not.
    pub done: bool,
    /// Who should do it.
    pub assignee: String,
}

/// A comment on the case file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Comment {
    /// The comment.
    pub id: CommentId,
    /// Who wrote it.
    pub author: String,
    /// When.
    pub at: String,
    /// The text.
    pub text: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_aliases_parse() {
        for agency in Agency::ALL {
            assert_eq!(Agency::parse(agency.code()).unwrap(), *agency);
        }
        for status in ProcedureStatus::ALL {
            assert_eq!(ProcedureStatus::parse(status.code()).unwrap(), *status);
        }
        assert_eq!(Agency::parse("France Travail").unwrap(), Agency::FranceTravail);
        assert_eq!(Agency::parse("Impôts").unwrap(), Agency::Impots);
        assert_eq!(
            ProcedureStatus::parse("in-progress").unwrap(),
            ProcedureStatus::InProgress
        );
        let err = VisitKind::parse("garden").unwrap_err().to_string();
        assert!(err.contains("home, office, phone, other"), "{err}");
    }

    #[test]
    fn only_granted_and_refused_close_a_procedure() {
        let open: Vec<_> = ProcedureStatus::ALL.iter().filter(|s| s.is_open()).collect();
        assert_eq!(open.len(), 4);
        assert!(!ProcedureStatus::Granted.is_open());
    }
}
