//! `carnet-bench`: runs Carnet's benchmark scenarios and prints what they
//! measured; `--out FILE` writes it as JSON too. See docs/BENCHMARKS.md for
//! the commands, the targets and the results.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use carnet_bench::caseload::CaseloadParams;
use carnet_bench::load::{HubProgram, LoadParams};
use carnet_bench::quiet::QuietReport;
use carnet_bench::{
    DemoNotebook, LinkProfile, Results, Team, caseload, day, join, load, quiet, side_by_side, slow,
};
use carnet_hub::RateLimit;
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
    /// 7. Scenarios 3 and 2 beside two samod (automerge-repo) peers on the
    ///    same documents and changes, over loopback, with the ratios.
    SideBySide {
        #[command(flatten)]
        common: Common,
        /// Visits of the day's work.
        #[arg(long, default_value_t = 30)]
        visits: usize,
    },
    /// 5. Slow links: scenario 2 with the sync over an emulated GPRS or 2G link.
    Slow {
        #[command(flatten)]
        common: Common,
        /// Visits (one per case file), for each link.
        #[arg(long, default_value_t = 30)]
        visits: usize,
        /// The links, in order (`gprs`, `2g`; default: both).
        #[arg(long = "link")]
        links: Vec<String>,
    },
    /// 6. Hub under load: devices syncing in a loop against one hub process.
    Load(LoadArgs),
    /// Serves the hub for scenario 6 (as `carnet-hub serve`).
    #[command(hide = true)]
    ServeHub(ServeHubArgs),
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

#[derive(Args, Debug, Clone)]
struct LoadArgs {
    /// Devices syncing at once.
    #[arg(long, default_value_t = 200)]
    devices: usize,
    /// How long they sync, seconds.
    #[arg(long, default_value_t = 60)]
    seconds: u64,
    /// Devices per team, the lead included.
    #[arg(long, default_value_t = 10)]
    team_size: usize,
    /// Every this many syncs, a device records a visit first.
    #[arg(long, default_value_t = 10)]
    edit_every: u64,
    /// The hub's rate limit per device, requests a second (raised: every
    /// device here syncs back to back, far more often than the app does).
    #[arg(long, default_value_t = 1_000.0)]
    rate: f64,
    /// The hub's burst per device.
    #[arg(long, default_value_t = 1_000)]
    burst: u32,
    /// The `carnet-hub` binary to run (default: the one next to this
    /// binary if built, else this binary serves the same hub code).
    #[arg(long)]
    hub_bin: Option<PathBuf>,
    /// Seeds the demo people and visits.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Also write the results as JSON to this file.
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct ServeHubArgs {
    #[arg(long)]
    data: PathBuf,
    #[arg(long)]
    listen: std::net::SocketAddr,
    #[arg(long)]
    rate: f64,
    #[arg(long)]
    burst: u32,
}

/// The hub scenario 6 runs: `--hub-bin`, else `carnet-hub` beside this binary, else this binary.
fn hub_program(args: &LoadArgs) -> anyhow::Result<HubProgram> {
    if let Some(path) = &args.hub_bin {
        return Ok(HubProgram::carnet_hub(path));
    }
    let me = std::env::current_exe().context("cannot find this binary's path")?;
    let beside = me.with_file_name("carnet-hub");
    Ok(if beside.is_file() {
        HubProgram::carnet_hub(&beside)
    } else {
        HubProgram::carnet_bench(&me)
    })
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
        Scenario::SideBySide { common, .. } | Scenario::Slow { common, .. } => common.clone(),
        Scenario::Load(args) => Common {
            people: 0,
            seed: args.seed,
            out: args.out.clone(),
            cache: None,
        },
        Scenario::ServeHub(args) => {
            let limit = RateLimit {
                per_second: args.rate,
                burst: args.burst,
            };
            return Ok(carnet_bench::load::serve_hub(&args.data, args.listen, limit)?);
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
        Scenario::SideBySide { visits, .. } => {
            let notebook = notebook(&common, common.people)?;
            progress("scenario 7");
            results.side_by_side = Some(side_by_side::run(&notebook, visits, common.seed, &mut |m| {
                progress(&format!("  {m}"));
            })?);
        }
        Scenario::Slow { visits, links, .. } => {
            let links = if links.is_empty() {
                LinkProfile::all()
            } else {
                links
                    .iter()
                    .map(|l| LinkProfile::named(l))
                    .collect::<Result<_, _>>()?
            };
            let notebook = notebook(&common, common.people)?;
            let mut team = team(&notebook)?;
            progress("scenario 5");
            results.slow = Some(slow::run(&mut team, &links, visits, common.seed)?);
        }
        Scenario::Load(args) => {
            let hub = hub_program(&args)?;
            progress(&format!(
                "scenario 6: {} devices for {} s against {hub}",
                args.devices, args.seconds
            ));
            let params = LoadParams {
                devices: args.devices,
                duration: std::time::Duration::from_secs(args.seconds),
                team_size: args.team_size,
                edit_every: args.edit_every,
                // No notebook is opened while measuring: a cheap key
                // derivation only shortens the setup.
                kdf: KdfParams::INSECURE_FOR_TESTS,
                rate_limit: RateLimit {
                    per_second: args.rate,
                    burst: args.burst,
                },
                seed: args.seed,
            };
            results.load = Some(load::run(&params, &hub)?);
        }
        Scenario::ServeHub(_) => {}
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
    if let Some(load) = results.load.as_ref().filter(|l| l.errors > 0) {
        anyhow::bail!("{} errors under load; none is expected", load.errors);
    }
    Ok(())
}
