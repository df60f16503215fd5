//! The results of one run of `carnet-bench`: the machine, the parameters
//! and each scenario that ran, as JSON (`--out`) and as a summary.

use std::fmt;

use serde::Serialize;

use crate::caseload::CaseloadReport;
use crate::day::DayReport;
use crate::join::JoinReport;
use crate::load::LoadReport;
use crate::measure::Machine;
use crate::quiet::QuietReport;
use crate::side_by_side::SideBySideReport;
use crate::slow::SlowReport;

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
    /// Scenario 5.
    pub slow: Option<SlowReport>,
    /// Scenario 6.
    pub load: Option<LoadReport>,
    /// Scenario 7.
    pub side_by_side: Option<SideBySideReport>,
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
            slow: None,
            load: None,
            side_by_side: None,
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
        if let Some(r) = &self.slow {
            writeln!(f, "\n{r}")?;
        }
        if let Some(r) = &self.load {
            writeln!(f, "\n{r}")?;
        }
        if let Some(r) = &self.side_by_side {
            writeln!(f, "\n{r}")?;
        }
        Ok(())
    }
}
