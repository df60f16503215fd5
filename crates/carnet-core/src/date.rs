//! Calendar dates and local date-times as stored in case files.
//!
//! Format: `YYYY-MM-DD` and `YYYY-MM-DDTHH:MM`, local to the team (do not
//! change without a schema version bump). They sort as text in time order.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::CoreError;

/// A calendar day, `YYYY-MM-DD`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(try_from = "String", into = "String")]
pub struct Day(String);

/// A local date and time to the minute, `YYYY-MM-DDTHH:MM`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(try_from = "String", into = "String")]
pub struct LocalDateTime(String);

fn number(s: &str, min: u32, max: u32) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u32 = s.parse().ok()?;
    (min..=max).contains(&n).then_some(n)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn valid_day(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return false;
    };
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return false;
    }
    let (Some(year), Some(month)) = (number(y, 1900, 2999), number(m, 1, 12)) else {
        return false;
    };
    number(d, 1, days_in_month(year, month)).is_some()
}

impl Day {
    /// Parses `YYYY-MM-DD`.
    ///
    /// # Errors
    /// [`CoreError::InvalidValue`] when the text is not a real calendar day.
    pub fn parse(s: &str) -> Result<Self, CoreError> {
        let s = s.trim();
        if valid_day(s) {
            Ok(Self(s.to_owned()))
        } else {
            Err(CoreError::InvalidValue {
                field: "date".into(),
                reason: format!("{s:?} is not a date; write it as YYYY-MM-DD, e.g. 2026-03-14"),
            })
        }
    }

    /// The text form.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl LocalDateTime {
    /// Parses `YYYY-MM-DDTHH:MM` (a space is accepted instead of `T`).
    ///
    /// # Errors
    /// [`CoreError::InvalidValue`] when the text is not a real date and time.
    pub fn parse(s: &str) -> Result<Self, CoreError> {
        let s = s.trim();
        let bad = || CoreError::InvalidValue {
            field: "date and time".into(),
            reason: format!(
                "{s:?} is not a date and time; write it as YYYY-MM-DDTHH:MM, e.g. 2026-03-14T09:30"
            ),
        };
        let (day, time) = s.split_once(['T', ' ']).ok_or_else(bad)?;
        let (h, m) = time.split_once(':').ok_or_else(bad)?;
        if !valid_day(day)
            || h.len() != 2
            || m.len() != 2
            || number(h, 0, 23).is_none()
            || number(m, 0, 59).is_none()
        {
            return Err(bad());
        }
        Ok(Self(format!("{day}T{h}:{m}")))
    }

    /// The day part.
    #[must_use]
    pub fn day(&self) -> Day {
        Day(self.0[..10].to_owned())
    }

    /// The text form.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

macro_rules! string_forms {
    ($t:ident) => {
        impl TryFrom<String> for $t {
            type Error = CoreError;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::parse(&s)
            }
        }
        impl From<$t> for String {
            fn from(d: $t) -> String {
                d.0
            }
        }
        impl FromStr for $t {
            type Err = CoreError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}
string_forms!(Day);
string_forms!(LocalDateTime);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_checked_against_the_calendar() {
        for (text, ok) in [
            ("2026-03-14", true),
            ("2024-02-29", true),
            ("2026-02-29", false),
            ("2026-13-01", false),
            ("2026-3-14", false),
            ("14/03/2026", false),
            ("", false),
            ("2026-04-31", false),
        ] {
            assert_eq!(Day::parse(text).is_ok(), ok, "{text}");
        }
    }

    #[test]
    fn date_times_accept_a_space_and_normalise_to_t() {
        assert_eq!(
            LocalDateTime::parse("2026-03-14 09:05").unwrap().as_str(),
            "2026-03-14T09:05"
        );
        assert!(LocalDateTime::parse("2026-03-14T24:00").is_err());
        assert!(LocalDateTime::parse("2026-03-14").is_err());
        assert_eq!(
            LocalDateTime::parse("2026-03-14T09:05").unwrap().day().as_str(),
            "2026-03-14"
        );
    }
}
