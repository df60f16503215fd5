//! `carnet-bench`: runs Carnet's benchmark scenarios and prints what they
//! measured; `--out FILE` writes it as JSON too. See docs/BENCHMARKS.md for
//! the commands, the targets and the results.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use carnet_bench::caseload::CaseloadParams;
use carnet_bench::quiet::QuietReport;
use carnet_bench::{DemoNotebook, Results, Team, caseload, day, join, quiet};
use carnet_store::KdfParams;
use clap::{Args, Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "carnet-bench",
    about = "Carnet's benchmark scenarios, through the real device, hub and HTTP transport"
)]
struct Cli {
    #[command(subcommand)]
    scenario: Scenario,
}

#[derive(Args, Debug, Clone)]
struct Common {
    /// People in the caseload (demo data).
    #[arg(long, default_value_t = 10_000)]
    people: usize,
    /// The demo seed (the same as `carnet demo --seed`).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Also write the results as JSON to this file.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Keep the generated demo notebooks in this directory and reuse them
    /// in later runs (building 10,000 people takes minutes).
    #[arg(long, env = "CARNET_BENCH_CACHE")]
    cache: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
enum Scenario {
    /// 1. A caseload: cold start to the first page, search, a case file of
    ///    200 visits, saves, database size, peak memory.
    Caseload(Common),
    /// 2. A day's work: visits written offline in as many case files, then
    ///    one sync, against the zstd-compressed new content.
    Day {
        #[command(flatten)]
        common: Common,
        /// Visits (one per case file).
        #[arg(long, default_value_t = 30)]
        visits: usize,
    },
    /// 3. A quiet reconnect: one sync with nothing new, at two sizes.
    Quiet {
        #[command(flatten)]
        common: Common,
        /// The smaller caseload (default: a tenth of --people).
        #[arg(long)]
        small: Option<usize>,
    },
    /// 4. A new device joining the team, without and with snapshots.
    Join(Common),
    /// Scenarios 1 to 4, one after the other (2 to 4 share one team).
    All {
        #[command(flatten)]
        common: Common,
        /// Visits of the day's work.
        #[arg(long, default_value_t = 30)]
        visits: usize,
        /// The smaller caseload of the quiet reconnect (default: a tenth of --people).
        #[arg(long)]
        small: Option<usize>,
    },
}

fn progress(message: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "carnet-bench: {message}");
}

fn notebook(common: &Common, people: usize) -> anyhow::Result<DemoNotebook> {
    progress(&format!(
        "preparing a notebook of {people} demo people (seed {})",
        common.seed
    ));
    let notebook = DemoNotebook::prepare(people, common.seed, KdfParams::DEVICE, common.cache.as_deref())
        .context("cannot prepare the demo notebook")?;
    if notebook.built_in.is_zero() {
        progress("  taken from the cache");
    } else {
        progress(&format!("  built in {:.1} s", notebook.built_in.as_secs_f64()));
    }
    Ok(notebook)
}

fn team(notebook: &DemoNotebook) -> anyhow::Result<Team> {
    progress(&format!(
        "creating a team and uploading {} case files",
        notebook.people()
    ));
    let team = Team::new(notebook).context("cannot set up the team")?;
    progress(&format!(
        "  uploaded in {:.1} s ({:.1} MB up, {:.1} MB down, {} round trips)",
        team.upload.seconds,
        team.upload.traffic.bytes_up as f64 / 1e6,
        team.upload.traffic.bytes_down as f64 / 1e6,
        team.upload.traffic.round_trips
    ));
    Ok(team)
}

fn quiet_small(common: &Common, small: Option<usize>) -> anyhow::Result<quiet::QuietSync> {
    let small = small.unwrap_or(common.people / 10).max(1);
    let notebook = notebook(common, small)?;
    let mut team = team(&notebook)?;
    progress(&format!("scenario 3 at {small} case files"));
    Ok(quiet::run(&mut team)?)
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let command = std::env::args().collect::<Vec<_>>().join(" ");
    let common = match &cli.scenario {
        Scenario::Caseload(c) | Scenario::Join(c) => c.clone(),
        Scenario::Day { common, .. } | Scenario::Quiet { common, .. } | Scenario::All { common, .. } => {
            common.clone()
        }
    };
    let mut results = Results::new(command, common.people, common.seed);
    match cli.scenario {
        Scenario::Caseload(_) => {
            let notebook = notebook(&common, common.people)?;
            progress("scenario 1");
            results.caseload = Some(caseload::run(&notebook, &CaseloadParams::full())?);
        }
        Scenario::Day { visits, .. } => {
            let notebook = notebook(&common, common.people)?;
            let mut team = team(&notebook)?;
            progress("scenario 2");
            results.day = Some(day::run(&mut team, visits, common.seed)?);
        }
        Scenario::Quiet { small, .. } => {
            let small = quiet_small(&common, small)?;
            let notebook = notebook(&common, common.people)?;
            let mut team = team(&notebook)?;
            progress(&format!("scenario 3 at {} case files", common.people));
            let large = quiet::run(&mut team)?;
            results.quiet = Some(QuietReport {
                sizes: vec![small, large],
            });
        }
        Scenario::Join(_) => {
            let notebook = notebook(&common, common.people)?;
            let mut team = team(&notebook)?;
            progress("scenario 4");
            results.join = Some(join::run(&mut team, KdfParams::DEVICE, common.seed)?);
        }
        Scenario::All { visits, small, .. } => {
            let notebook = notebook(&common, common.people)?;
            progress("scenario 1");
            results.caseload = Some(caseload::run(&notebook, &CaseloadParams::full())?);
            let small = quiet_small(&common, small)?;
            let mut team = team(&notebook)?;
            progress(&format!("scenario 3 at {} case files", common.people));
            let large = quiet::run(&mut team)?;
            results.quiet = Some(QuietReport {
                sizes: vec![small, large],
            });
            progress("scenario 2");
            results.day = Some(day::run(&mut team, visits, common.seed)?);
            progress("scenario 4");
            results.join = Some(join::run(&mut team, KdfParams::DEVICE, common.seed)?);
        }
    }
    results.machine.finish();
    if let Some(out) = &common.out {
        let json = serde_json::to_vec_pretty(&results)?;
        std::fs::write(out, json).with_context(|| format!("cannot write {}", out.display()))?;
        progress(&format!("results written to {}", out.display()));
    }
    let mut stdout = std::io::stdout().lock();
    write!(stdout, "{results}")?;
    Ok(())
}
