//! The results of one run of `carnet-bench`: the machine, the parameters
//! and each scenario that ran, as JSON (`--out`) and as a summary.

use std::fmt;

use serde::Serialize;

use crate::caseload::CaseloadReport;
use crate::day::DayReport;
use crate::join::JoinReport;
use crate::measure::Machine;
use crate::quiet::QuietReport;

/// Everything one run measured (format: read by people and scripts; add
/// fields rather than rename them).
#[derive(Clone, Debug, Serialize)]
pub struct Results {
    /// The command line, as typed.
    pub command: String,
    /// The machine, the date and the load.
    pub machine: Machine,
    /// Demo people of the full-size caseload.
    pub people: usize,
    /// The demo seed.
    pub seed: u64,
    /// Scenario 1.
    pub caseload: Option<CaseloadReport>,
    /// Scenario 2.
    pub day: Option<DayReport>,
    /// Scenario 3.
    pub quiet: Option<QuietReport>,
    /// Scenario 4.
    pub join: Option<JoinReport>,
}

impl Results {
    /// Nothing measured yet.
    #[must_use]
    pub fn new(command: String, people: usize, seed: u64) -> Self {
        Self {
            command,
            machine: Machine::now(),
            people,
            seed,
            caseload: None,
            day: None,
            quiet: None,
            join: None,
        }
    }
}

impl fmt::Display for Results {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "carnet-bench: {}", self.command)?;
        writeln!(f, "machine: {}", self.machine)?;
        if let Some(r) = &self.caseload {
            writeln!(f, "\n{r}")?;
        }
        if let Some(r) = &self.day {
            writeln!(f, "\n{r}")?;
        }
        if let Some(r) = &self.quiet {
            writeln!(f, "\n{r}")?;
        }
        if let Some(r) = &self.join {
            writeln!(f, "\n{r}")?;
        }
        Ok(())
    }
}
