//! `carnet`: the command line of the device API, for scripts, admin, tests
//! and exports. Every subcommand prints for people, or JSON with `--json`,
//! and exits with a code saying what kind of error stopped it (see
//! [`exit_code`]).

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use carnet_core::{
    Agency, ConsentRecord, Day, LocalDateTime, NewPerson, NewProcedure, NewTask, PersonPatch, ProcedureId,
    ProcedurePatch, ProcedureStatus, TaskId, TaskPatch, VisitKind, VisitPatch,
};
use carnet_device::{
    ApiError, CsvFilter, CsvTable, Device, DeviceError, HttpTransport, ReportLanguage, ReportOptions, Role,
    Statistics, StatsFilter, VisitInput, local_instant_ms,
};
use carnet_store::CaseloadFilter;
use clap::{Args, Parser, Subcommand, ValueEnum};
use serde::Serialize;

#[derive(Parser, Debug)]
#[command(
    name = "carnet",
    version,
    about = "Carnet: the visit notebook of outreach social workers"
)]
struct Cli {
    /// The notebook's directory.
    #[arg(long, global = true, env = "CARNET_DATA")]
    data: Option<PathBuf>,
    /// Print JSON for scripts instead of text for people.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Create this device's notebook and identity.
    Init {
        /// The worker's name, as the team knows them.
        #[arg(long)]
        worker: String,
        /// A name for this device.
        #[arg(long, default_value = "tablette")]
        device_name: String,
    },
    /// People (case files).
    #[command(subcommand)]
    Person(PersonCommand),
    /// Visits.
    #[command(subcommand)]
    Visit(VisitCommand),
    /// Rights procedures (démarches).
    #[command(subcommand)]
    Procedure(ProcedureCommand),
    /// Follow-up tasks.
    #[command(subcommand)]
    Task(TaskCommand),
    /// Every change of a case file: who, when, which device, what; or the
    /// case file as it was at a date.
    History {
        /// Case file id (or its first characters).
        case: String,
        /// Show the case file as it was at this local date (the end of that
        /// day) or time (the end of that minute): YYYY-MM-DD[THH:MM].
        #[arg(long)]
        as_of: Option<String>,
    },
    /// Fields with concurrent values, in one case file or all.
    Conflicts {
        /// Case file id (or its first characters).
        case: Option<String>,
    },
    /// The lead's review: every change since the last review point, by
    /// case file, with who, when, which device and what; `--mark` marks a
    /// new point.
    Review {
        /// Mark a review point now: what changed so far counts as reviewed.
        #[arg(long)]
        mark: bool,
        /// At most this many case files, the most recently changed first.
        #[arg(long, default_value_t = 200)]
        limit: usize,
    },
    /// Comment on a case file for its worker (it syncs like any edit).
    Comment {
        /// Case file id (or its first characters).
        case: String,
        /// The comment.
        text: String,
    },
    /// Settle a conflict with one value.
    Resolve {
        /// Case file id.
        case: String,
        /// The field, as `carnet conflicts` shows it (e.g. procedures/<id>/status).
        field: String,
        /// The settled value.
        value: String,
    },
    /// Write case files out as JSON or as Automerge documents, or the
    /// caseload's visits or procedures as a CSV table (docs/EXPORTS.md).
    Export(ExportArgs),
    /// Activity figures of a period: visits per ISO week, time spent, visits
    /// by kind, people reached per commune, their procedures by agency and
    /// status, overdue tasks (rules in docs/EXPORTS.md).
    Stats {
        /// Visits on or after this day (YYYY-MM-DD).
        #[arg(long)]
        from: Option<String>,
        /// Visits on or before this day (YYYY-MM-DD).
        #[arg(long)]
        to: Option<String>,
        /// Visits by this worker, and tasks assigned to them.
        #[arg(long)]
        worker: Option<String>,
    },
    /// The activity report of a period as a PDF for the team lead: the
    /// figures of `carnet stats` as tables and charts, no names or notes
    /// unless --with-notes (docs/EXPORTS.md).
    Report(ReportArgs),
    /// Case files with no contact (last visit, or creation without a visit)
    /// for some months, to archive with `carnet person archive`.
    Retention {
        /// Months without contact.
        #[arg(long, default_value_t = 24)]
        months: u32,
    },
    /// Merge `.automerge` files exported by another device (files or directories).
    Import {
        /// Files or directories.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Rebuild the index (caseload, search, tasks, conflicts) from the documents.
    Reindex,
    /// The team: create, invite, join, devices.
    #[command(subcommand)]
    Team(TeamCommand),
    /// Exchange work with the team's hub.
    Sync {
        /// Keep syncing, waiting longer after each failure (up to 5 minutes).
        #[arg(long)]
        watch: bool,
        /// With --watch: seconds between syncs when all is well.
        #[arg(long, default_value_t = 30)]
        every: u64,
    },
    /// The sync status: team, last sync, changes waiting, last error.
    Status,
    /// Fill the notebook with deterministic demo data.
    Demo {
        /// How many people.
        #[arg(long, default_value_t = 50)]
        people: usize,
        /// Seed: the same seed gives the same data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The day the data is built around (default: today).
        #[arg(long)]
        today: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
enum TeamCommand {
    /// Create a team on a hub, with this device as its lead.
    Create {
        /// The hub's address, e.g. http://127.0.0.1:7420.
        #[arg(long)]
        hub: String,
    },
    /// Lead only: a single-use code for a new device (valid 7 days).
    Invite {
        /// worker or lead.
        #[arg(long, default_value = "worker")]
        role: String,
    },
    /// Join a team with an invite code.
    Join {
        /// The hub's address.
        #[arg(long)]
        hub: String,
        /// The code the team lead gave.
        #[arg(long)]
        code: String,
    },
    /// The team's devices.
    Devices,
    /// Lead only: revoke a device (a lost tablet) and rotate the team key.
    Revoke {
        /// The device id (or its first characters), from `carnet team devices`.
        device: String,
    },
}

#[derive(Subcommand, Debug)]
enum PersonCommand {
    /// Open a case file.
    Add {
        /// Display name.
        name: String,
        #[arg(long)]
        birth_year: Option<i64>,
        #[arg(long, default_value = "")]
        commune: String,
        #[arg(long, default_value = "")]
        phone: String,
        #[arg(long, default_value = "")]
        situation: String,
    },
    /// Change a person's details.
    Edit {
        /// Case file id.
        case: String,
        #[arg(long)]
        name: Option<String>,
        /// A year, or `none` to clear it.
        #[arg(long)]
        birth_year: Option<String>,
        #[arg(long)]
        commune: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        #[arg(long)]
        situation: Option<String>,
    },
    /// Record the person's consent to the file being kept.
    Consent {
        /// Case file id.
        case: String,
        /// yes or no.
        #[arg(long)]
        given: String,
        /// YYYY-MM-DD (default: today).
        #[arg(long)]
        date: Option<String>,
        /// What it covers.
        #[arg(long, default_value = "suivi des démarches administratives")]
        scope: String,
    },
    /// The caseload, most recently visited first.
    List {
        #[arg(long)]
        commune: Option<String>,
        /// Only people with a task due within this many days.
        #[arg(long)]
        due_within: Option<u32>,
        /// Only people with an open procedure.
        #[arg(long)]
        open_procedures: bool,
        /// Only case files with conflicts.
        #[arg(long)]
        conflicts: bool,
        /// Archived case files too (left out by default).
        #[arg(long)]
        archived: bool,
        #[arg(long)]
        limit: Option<u32>,
        #[arg(long, default_value_t = 0)]
        offset: u32,
    },
    /// Archive a case file (no contact for a long time; see `carnet
    /// retention`): it leaves the caseload list but stays searchable.
    Archive {
        /// Case file id.
        case: String,
        /// Bring it back instead.
        #[arg(long)]
        undo: bool,
    },
    /// One case file in full.
    Show {
        /// Case file id.
        case: String,
    },
    /// Find people by name, commune or note words (accents ignored).
    Search {
        /// Words.
        #[arg(required = true)]
        words: Vec<String>,
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
}

#[derive(Args, Debug)]
struct VisitFields {
    /// YYYY-MM-DDTHH:MM.
    #[arg(long)]
    at: Option<String>,
    #[arg(long)]
    place: Option<String>,
    /// home, office, phone or other.
    #[arg(long)]
    kind: Option<String>,
    /// Comma-separated.
    #[arg(long)]
    present: Option<String>,
    /// Comma-separated.
    #[arg(long)]
    topics: Option<String>,
    /// Minutes.
    #[arg(long)]
    duration: Option<i64>,
    /// The note; `-` reads it from standard input.
    #[arg(long)]
    note: Option<String>,
}

#[derive(Subcommand, Debug)]
enum VisitCommand {
    /// Record a visit.
    Add {
        /// Case file id.
        case: String,
        #[command(flatten)]
        fields: VisitFields,
    },
    /// Change a visit (the note is merged character by character).
    Edit {
        /// Visit id.
        visit: String,
        #[command(flatten)]
        fields: VisitFields,
    },
    /// Archive a visit (nothing is deleted).
    Archive {
        /// Visit id.
        visit: String,
        /// Bring it back instead.
        #[arg(long)]
        undo: bool,
    },
    /// Sign a visit off as reviewed.
    Review {
        /// Visit id.
        visit: String,
    },
}

#[derive(Subcommand, Debug)]
enum ProcedureCommand {
    /// Add a procedure.
    Add {
        /// Case file id.
        case: String,
        /// caf, msa, cpam, france_travail, impots, ants, mdph, retraite, energie, other.
        #[arg(long)]
        agency: String,
        /// What it is.
        #[arg(long)]
        what: String,
        /// todo, in_progress, submitted, granted, refused, suspended.
        #[arg(long, default_value = "todo")]
        status: String,
        #[arg(long, default_value = "")]
        next_step: String,
        /// YYYY-MM-DD.
        #[arg(long)]
        due: Option<String>,
    },
    /// Change a procedure.
    Set {
        /// Procedure id.
        procedure: String,
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        what: Option<String>,
        #[arg(long)]
        next_step: Option<String>,
        /// YYYY-MM-DD, or `none`.
        #[arg(long)]
        due: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
enum TaskCommand {
    /// Add a task.
    Add {
        /// Case file id.
        case: String,
        /// What to do.
        title: String,
        /// YYYY-MM-DD.
        #[arg(long)]
        due: Option<String>,
        /// Who (default: this device's worker).
        #[arg(long)]
        assignee: Option<String>,
    },
    /// Change a task's title, due date or assignee.
    Edit {
        /// Task id.
        task: String,
        /// What to do.
        #[arg(long)]
        title: Option<String>,
        /// YYYY-MM-DD.
        #[arg(long)]
        due: Option<String>,
        /// Clear the due date.
        #[arg(long, conflicts_with = "due")]
        no_due: bool,
        /// Who.
        #[arg(long)]
        assignee: Option<String>,
    },
    /// Mark a task done.
    Done {
        /// Task id.
        task: String,
        /// Mark it not done instead.
        #[arg(long)]
        undo: bool,
    },
    /// Tasks due within some days (overdue included).
    Due {
        #[arg(long, default_value_t = 7)]
        days: u32,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ExportFormat {
    Json,
    Automerge,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum CsvTableArg {
    Visits,
    Procedures,
}

#[derive(Args, Debug)]
struct ExportArgs {
    /// Case file id (or use --all or --csv).
    case: Option<String>,
    /// Every case file, one file each in the --out directory.
    #[arg(long, conflicts_with = "case")]
    all: bool,
    #[arg(long, value_enum, default_value = "json")]
    format: ExportFormat,
    /// A table of every case file's visits or procedures, as CSV (UTF-8 with
    /// a BOM, CRLF, columns in docs/EXPORTS.md).
    #[arg(long, value_enum, conflicts_with_all = ["case", "all", "format"])]
    csv: Option<CsvTableArg>,
    /// With --csv: visits on or after this day (YYYY-MM-DD).
    #[arg(long, requires = "csv")]
    from: Option<String>,
    /// With --csv: visits on or before this day (YYYY-MM-DD).
    #[arg(long, requires = "csv")]
    to: Option<String>,
    /// With --csv: visits by this worker.
    #[arg(long, requires = "csv")]
    worker: Option<String>,
    /// With --csv visits: add the text of the notes (left out by default).
    #[arg(long, requires = "csv")]
    with_notes: bool,
    /// A file (one case file, or the CSV table) or a directory (--all). One
    /// JSON case file or the CSV table goes to standard output without it.
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ReportLang {
    Fr,
    En,
}

#[derive(Args, Debug)]
struct ReportArgs {
    /// Write the report as a PDF (the only format so far).
    #[arg(long, required = true)]
    pdf: bool,
    /// The first day of the period (YYYY-MM-DD).
    #[arg(long)]
    from: String,
    /// The last day of the period, included (YYYY-MM-DD).
    #[arg(long)]
    to: String,
    /// Only this worker's visits and tasks.
    #[arg(long)]
    worker: Option<String>,
    /// Add an appendix with the visits (date, person, worker, note) and the
    /// overdue tasks in full (left out by default: notes are personal).
    #[arg(long)]
    with_notes: bool,
    /// The language of the report.
    #[arg(long, value_enum, default_value = "fr")]
    lang: ReportLang,
    /// The PDF file to write.
    #[arg(long)]
    out: PathBuf,
}

/// The kind of an import that left some files out; its report says which.
const PARTLY_DONE: &str = "partly_done";

/// Exit codes: 0 done; 1 other error; 2 usage; 3 wrong passphrase or no
/// notebook; 4 not found; 5 invalid input or file; 6 a stored case file is
/// damaged; 7 the hub could not be reached or refused.
fn exit_code(error: &ApiError) -> u8 {
    match error.kind.as_str() {
        "wrong_passphrase" | "not_initialised" | "key_file" => 3,
        "not_found" | "ambiguous" => 4,
        "invalid_input"
        | "invalid_document"
        | "different_case_files"
        | "read_only"
        | "already_initialised"
        | PARTLY_DONE => 5,
        "corrupt" => 6,
        "offline" | "refused" => 7,
        _ => 1,
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.json;
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // The JSON report already holds the errors: print one document only.
        Err(error) if json && error.kind == PARTLY_DONE => ExitCode::from(5),
        Err(error) => {
            if json {
                println!("{}", serde_json::json!({ "error": error }));
            } else {
                eprintln!("carnet: {}", error.message);
            }
            ExitCode::from(exit_code(&error))
        }
    }
}

fn data_dir(cli: &Option<PathBuf>) -> PathBuf {
    if let Some(dir) = cli {
        return dir.clone();
    }
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("carnet")
}

fn passphrase(confirm: bool) -> Result<String, ApiError> {
    if let Ok(p) = std::env::var("CARNET_PASSPHRASE") {
        return Ok(p);
    }
    if !std::io::stdin().is_terminal() {
        return Err(input(
            "no passphrase: set CARNET_PASSPHRASE or run carnet in a terminal",
        ));
    }
    let first = rpassword::prompt_password("Passphrase: ").map_err(|e| input(&e.to_string()))?;
    if confirm {
        let second = rpassword::prompt_password("Passphrase again: ").map_err(|e| input(&e.to_string()))?;
        if first != second {
            return Err(input("the two passphrases differ; nothing was created"));
        }
    }
    Ok(first)
}

fn input(message: &str) -> ApiError {
    DeviceError::Input(message.to_owned()).to_api()
}

fn api<T>(r: Result<T, DeviceError>) -> Result<T, ApiError> {
    r.map_err(|e| e.to_api())
}

fn core<T>(r: Result<T, carnet_core::CoreError>) -> Result<T, ApiError> {
    api(r.map_err(DeviceError::from))
}

fn list(text: &Option<String>) -> Option<Vec<String>> {
    text.as_ref().map(|t| {
        t.split(',')
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect()
    })
}

fn note(text: &Option<String>) -> Result<Option<String>, ApiError> {
    match text.as_deref() {
        Some("-") => {
            let mut note = String::new();
            std::io::stdin()
                .read_to_string(&mut note)
                .map_err(|e| input(&format!("reading the note: {e}")))?;
            Ok(Some(note))
        }
        other => Ok(other.map(str::to_owned)),
    }
}

fn opt_day(text: &Option<String>) -> Result<Option<Option<Day>>, ApiError> {
    match text.as_deref() {
        None => Ok(None),
        Some("none" | "") => Ok(Some(None)),
        Some(d) => Ok(Some(Some(core(Day::parse(d))?))),
    }
}

struct Out {
    json: bool,
}

impl Out {
    fn print<T: Serialize>(&self, value: &T, text: impl FnOnce() -> String) -> Result<(), ApiError> {
        let mut stdout = std::io::stdout().lock();
        let written = if self.json {
            serde_json::to_writer_pretty(&mut stdout, value)
                .map_err(std::io::Error::other)
                .and_then(|()| writeln!(stdout))
        } else {
            writeln!(stdout, "{}", text().trim_end())
        };
        written.map_err(|e| input(&format!("writing the output: {e}")))
    }
}

fn run(cli: Cli) -> Result<(), ApiError> {
    let dir = data_dir(&cli.data);
    let out = Out { json: cli.json };
    if let Command::Init { worker, device_name } = &cli.command {
        let pass = passphrase(true)?;
        let device = api(Device::init(&dir, &pass, worker, device_name))?;
        let identity = device.identity().clone();
        return out.print(&identity, || {
            format!(
                "notebook created in {}\nworker: {}\ndevice: {} ({})",
                dir.display(),
                identity.worker,
                identity.device_name,
                identity.device_id
            )
        });
    }
    let pass = passphrase(false)?;
    let mut device = api(Device::open(&dir, &pass))?;
    match cli.command {
        Command::Init { .. } => Ok(()),
        Command::Person(cmd) => person(&mut device, &out, cmd),
        Command::Visit(cmd) => visit(&mut device, &out, cmd),
        Command::Procedure(cmd) => procedure(&mut device, &out, cmd),
        Command::Task(cmd) => task(&mut device, &out, cmd),
        Command::History {
            case,
            as_of: Some(as_of),
        } => {
            let instant = api(local_instant_ms(&as_of))?;
            let past = api(device.case_as_of(&case, instant))?;
            out.print(&past, || {
                let detail = carnet_device::CaseDetail {
                    case: past.case.clone(),
                    conflicts: Vec::new(),
                    heads: past.heads.clone(),
                };
                let mut text = format!(
                    "as of {} ({} change(s))\n",
                    format_ms(past.as_of_ms),
                    past.changes
                );
                if past.held_back > 0 {
                    text.push_str(&format!(
                        "{} change(s) dated earlier are left out: they build on a later change \
                         (a device's clock was behind)\n",
                        past.held_back
                    ));
                }
                text.push_str(&show_text(&detail));
                text
            })
        }
        Command::History { case, as_of: None } => {
            let history = api(device.history(&case))?;
            out.print(&history, || {
                history
                    .iter()
                    .map(|h| {
                        format!(
                            "{}  {:<18} {:<16} device {}  {}\n",
                            format_ms(h.time_ms),
                            h.label,
                            h.worker.as_deref().unwrap_or("?"),
                            h.device.map_or_else(|| "?".to_owned(), |d| short(&d.to_string())),
                            h.touched.join(", ")
                        )
                    })
                    .collect()
            })
        }
        Command::Review { mark: true, .. } => {
            let marked = api(device.mark_review_point())?;
            out.print(&marked, || {
                format!(
                    "review point marked at {}; {} case file(s) had changed since the previous one",
                    format_ms(marked.at_ms),
                    marked.cases
                )
            })
        }
        Command::Review { mark: false, limit } => {
            let since = api(device.since_review(limit))?;
            out.print(&since, || review_text(&since))
        }
        Command::Comment { case, text } => {
            let detail = api(device.add_comment(&case, &text))?;
            out.print(&detail, || {
                format!(
                    "comment added; {} comment(s) on this case file",
                    detail.case.comments.len()
                )
            })
        }
        Command::Conflicts { case } => {
            let conflicts = api(device.conflicts(case.as_deref()))?;
            out.print(&conflicts, || {
                if conflicts.is_empty() {
                    return "no conflicts".to_owned();
                }
                let mut text = String::new();
                for case in &conflicts {
                    text.push_str(&format!("{} ({})\n", case.name, case.case_id));
                    for c in &case.conflicts {
                        text.push_str(&format!("  {}  shown: {:?}\n", c.field, c.shown));
                        for v in &c.values {
                            text.push_str(&format!(
                                "    {:?} by {} at {}\n",
                                v.value,
                                v.worker.as_deref().unwrap_or("?"),
                                format_ms(v.time_ms)
                            ));
                        }
                    }
                }
                text
            })
        }
        Command::Resolve { case, field, value } => {
            let detail = api(device.resolve(&case, &field, &value))?;
            out.print(&detail, || {
                format!(
                    "{field} is now {value:?}; {} conflict(s) left",
                    detail.conflicts.len()
                )
            })
        }
        Command::Export(args) => export(&device, &out, args),
        Command::Stats { from, to, worker } => {
            let day = |text: Option<String>| core(text.as_deref().map(Day::parse).transpose());
            let filter = StatsFilter {
                from: day(from)?,
                to: day(to)?,
                worker,
            };
            let stats = api(device.statistics(&filter))?;
            out.print(&stats, || stats_text(&stats))
        }
        Command::Report(args) => report(&device, &out, args),
        Command::Retention { months } => {
            let report = api(device.retention(months))?;
            out.print(&report, || {
                let mut t = format!(
                    "{} case file(s) without contact for {months} months (last contact before {})\n",
                    report.case_files.len(),
                    report.before
                );
                for d in &report.case_files {
                    t.push_str(&format!(
                        "{}  {:<28} {:<20} last contact {} ({}){}\n",
                        short(&d.case_id.to_string()),
                        d.person,
                        d.commune,
                        d.last_contact,
                        match d.source {
                            carnet_device::ContactSource::Visit => "visit",
                            carnet_device::ContactSource::Created => "created, no visit",
                        },
                        if d.archived { "  archived" } else { "" }
                    ));
                }
                t
            })
        }
        Command::Import { paths } => import(&mut device, &out, &paths),
        Command::Reindex => {
            let report = api(device.reindex())?;
            let result = out.print(&report, || {
                let mut text = format!("{} case files indexed", report.indexed);
                for b in &report.broken {
                    text.push_str(&format!("\ncould not read case file {}: {}", b.id, b.error));
                }
                text
            });
            if report.broken.is_empty() {
                result
            } else {
                result?;
                Err(ApiError {
                    kind: "corrupt".into(),
                    message: format!(
                        "{} case file(s) could not be read; the others are indexed",
                        report.broken.len()
                    ),
                })
            }
        }
        Command::Team(cmd) => team(&mut device, &out, cmd),
        Command::Sync { watch, every } => sync(&mut device, &out, watch, every),
        Command::Status => {
            let status = api(device.sync_status())?;
            out.print(&status, || status_text(&status))
        }
        Command::Demo { people, seed, today } => {
            let today = today.as_deref().map(Day::parse).transpose();
            let count = api(device.demo(people, seed, core(today)?))?;
            out.print(&serde_json::json!({ "people": count, "seed": seed }), || {
                format!("{count} demo case files added (seed {seed})")
            })
        }
    }
}

fn person(device: &mut Device, out: &Out, cmd: PersonCommand) -> Result<(), ApiError> {
    match cmd {
        PersonCommand::Add {
            name,
            birth_year,
            commune,
            phone,
            situation,
        } => {
            let view = api(device.add_person(NewPerson {
                name,
                birth_year,
                commune,
                phone,
                situation,
            }))?;
            out.print(&view, || format!("{}  {}", view.id, view.person.name))
        }
        PersonCommand::Edit {
            case,
            name,
            birth_year,
            commune,
            phone,
            situation,
        } => {
            let birth_year = match birth_year.as_deref() {
                None => None,
                Some("none" | "") => Some(None),
                Some(y) => Some(Some(
                    y.parse::<i64>()
                        .map_err(|_| input(&format!("{y:?} is not a year")))?,
                )),
            };
            let view = api(device.update_person(
                &case,
                PersonPatch {
                    name,
                    birth_year,
                    commune,
                    phone,
                    situation,
                },
            ))?;
            out.print(&view, || format!("{}  {} updated", view.id, view.person.name))
        }
        PersonCommand::Consent {
            case,
            given,
            date,
            scope,
        } => {
            let given = match given.to_lowercase().as_str() {
                "yes" | "oui" | "true" => true,
                "no" | "non" | "false" => false,
                other => return Err(input(&format!("--given {other:?}: say yes or no"))),
            };
            let date = match date {
                Some(d) => core(Day::parse(&d))?,
                None => device.today(),
            };
            let view = api(device.record_consent(&case, ConsentRecord { given, date, scope }))?;
            out.print(&view, || format!("consent recorded for {}", view.person.name))
        }
        PersonCommand::List {
            commune,
            due_within,
            open_procedures,
            conflicts,
            archived,
            limit,
            offset,
        } => {
            let task_due_by = due_within
                .map(|days| api(device.days_from_today(days)))
                .transpose()?;
            let filter = CaseloadFilter {
                commune,
                task_due_by,
                open_procedures,
                conflicts,
                include_archived: archived,
                limit,
                offset,
            };
            let people = api(device.list(&filter))?;
            print_people(out, &people)?;
            let broken = api(device.store().broken().map_err(DeviceError::from))?;
            if !broken.is_empty() && !out.json {
                eprintln!(
                    "carnet: {} case file(s) could not be read; run `carnet reindex` for details",
                    broken.len()
                );
            }
            Ok(())
        }
        PersonCommand::Archive { case, undo } => {
            let view = api(device.archive_case(&case, !undo))?;
            out.print(&view, || {
                format!(
                    "{}  {} {}",
                    view.id,
                    view.person.name,
                    if view.archived {
                        "archived: left out of `person list` (see --archived), still found by search"
                    } else {
                        "is back on the caseload"
                    }
                )
            })
        }
        PersonCommand::Show { case } => {
            let detail = api(device.show(&case))?;
            out.print(&detail, || show_text(&detail))
        }
        PersonCommand::Search { words, limit } => {
            let people = api(device.search(&words.join(" "), limit))?;
            print_people(out, &people)
        }
    }
}

fn print_people(out: &Out, people: &[carnet_store::CaseSummary]) -> Result<(), ApiError> {
    out.print(&people, || {
        if people.is_empty() {
            return "nobody".to_owned();
        }
        people
            .iter()
            .map(|p| {
                format!(
                    "{}  {:<28} {:<20} last visit {:<16} open procedures {}{}{}{}\n",
                    short(&p.id.to_string()),
                    p.name,
                    p.commune,
                    p.last_visit.as_deref().unwrap_or("-"),
                    p.open_procedures,
                    p.next_task_due
                        .as_deref()
                        .map(|d| format!("  task due {d}"))
                        .unwrap_or_default(),
                    if p.conflicts > 0 {
                        format!("  conflicts {}", p.conflicts)
                    } else {
                        String::new()
                    },
                    if p.archived { "  archived" } else { "" }
                )
            })
            .collect()
    })
}

fn show_text(detail: &carnet_device::CaseDetail) -> String {
    let c = &detail.case;
    let mut t = format!("{}  ({})\n", c.person.name, c.id);
    if let Some(reason) = &c.read_only {
        t.push_str(&format!("read-only: {reason}\n"));
    }
    t.push_str(&format!(
        "commune: {}  phone: {}  born: {}\n",
        c.person.commune,
        c.person.phone,
        c.person
            .birth_year
            .map_or_else(|| "-".to_owned(), |y| y.to_string())
    ));
    if !c.person.situation.is_empty() {
        t.push_str(&format!("situation: {}\n", c.person.situation));
    }
    t.push_str(&format!(
        "consent: {}{}\n",
        if c.consent.given { "given" } else { "not recorded" },
        c.consent
            .date
            .as_ref()
            .map(|d| format!(" on {d} ({})", c.consent.scope))
            .unwrap_or_default()
    ));
    t.push_str("\nvisits:\n");
    for v in &c.visits {
        t.push_str(&format!(
            "  {} {} {} by {} at {}{}{}\n",
            short(&v.id.to_string()),
            v.at.as_ref().map_or("-", |a| a.as_str()),
            v.kind,
            v.worker,
            v.place,
            if v.archived { "  [archived]" } else { "" },
            v.reviewed
                .as_ref()
                .map(|r| format!("  [reviewed by {}]", r.by))
                .unwrap_or_default()
        ));
        if !v.topics.is_empty() {
            t.push_str(&format!("    topics: {}\n", v.topics.join(", ")));
        }
        for line in v.note.lines() {
            t.push_str(&format!("    {line}\n"));
        }
    }
    t.push_str("\nprocedures:\n");
    for p in &c.procedures {
        t.push_str(&format!(
            "  {} {} {} [{}] next: {}{}\n",
            short(&p.id.to_string()),
            p.agency,
            p.what,
            p.status,
            p.next_step,
            p.due.as_ref().map(|d| format!(" by {d}")).unwrap_or_default()
        ));
    }
    t.push_str("\ntasks:\n");
    for task in &c.tasks {
        t.push_str(&format!(
            "  {} [{}] {}{} ({})\n",
            short(&task.id.to_string()),
            if task.done { "x" } else { " " },
            task.title,
            task.due.as_ref().map(|d| format!(" due {d}")).unwrap_or_default(),
            task.assignee
        ));
    }
    if !detail.conflicts.is_empty() {
        t.push_str("\nconflicts (see `carnet conflicts`):\n");
        for conflict in &detail.conflicts {
            t.push_str(&format!("  {}\n", conflict.field));
        }
    }
    t
}

fn visit(device: &mut Device, out: &Out, cmd: VisitCommand) -> Result<(), ApiError> {
    let parse_at = |at: &Option<String>| at.as_deref().map(LocalDateTime::parse).transpose();
    let parse_kind = |kind: &Option<String>| kind.as_deref().map(VisitKind::parse).transpose();
    match cmd {
        VisitCommand::Add { case, fields } => {
            let input = VisitInput {
                at: core(parse_at(&fields.at))?,
                place: fields.place.clone().unwrap_or_default(),
                kind: core(parse_kind(&fields.kind))?,
                present: list(&fields.present).unwrap_or_default(),
                topics: list(&fields.topics).unwrap_or_default(),
                duration_min: fields.duration,
                note: note(&fields.note)?.unwrap_or_default(),
            };
            let (id, view) = api(device.add_visit(&case, input))?;
            out.print(&serde_json::json!({ "visit_id": id, "case_id": view.id }), || {
                format!("visit {id} recorded for {}", view.person.name)
            })
        }
        VisitCommand::Edit { visit, fields } => {
            let patch = VisitPatch {
                at: core(parse_at(&fields.at))?,
                place: fields.place.clone(),
                kind: core(parse_kind(&fields.kind))?,
                present: list(&fields.present),
                topics: list(&fields.topics),
                duration_min: fields.duration.map(Some),
                note: note(&fields.note)?,
            };
            let view = api(device.edit_visit(&visit, patch))?;
            out.print(&view, || format!("visit updated in {}", view.person.name))
        }
        VisitCommand::Archive { visit, undo } => {
            let view = api(device.archive_visit(&visit, !undo))?;
            out.print(&view, || {
                format!(
                    "visit {} in {}",
                    if undo { "restored" } else { "archived" },
                    view.person.name
                )
            })
        }
        VisitCommand::Review { visit } => {
            let view = api(device.review_visit(&visit))?;
            out.print(&view, || format!("visit signed off in {}", view.person.name))
        }
    }
}

fn procedure(device: &mut Device, out: &Out, cmd: ProcedureCommand) -> Result<(), ApiError> {
    match cmd {
        ProcedureCommand::Add {
            case,
            agency,
            what,
            status,
            next_step,
            due,
        } => {
            let procedure = NewProcedure {
                id: ProcedureId::random(),
                agency: core(Agency::parse(&agency))?,
                what,
                status: core(ProcedureStatus::parse(&status))?,
                next_step,
                due: opt_day(&due)?.flatten(),
            };
            let (id, view) = api(device.add_procedure(&case, procedure))?;
            out.print(
                &serde_json::json!({ "procedure_id": id, "case_id": view.id }),
                || format!("procedure {id} added for {}", view.person.name),
            )
        }
        ProcedureCommand::Set {
            procedure,
            status,
            what,
            next_step,
            due,
        } => {
            let patch = ProcedurePatch {
                what,
                status: core(status.as_deref().map(ProcedureStatus::parse).transpose())?,
                next_step,
                due: opt_day(&due)?,
            };
            let view = api(device.set_procedure(&procedure, patch))?;
            out.print(&view, || format!("procedure updated in {}", view.person.name))
        }
    }
}

fn task(device: &mut Device, out: &Out, cmd: TaskCommand) -> Result<(), ApiError> {
    match cmd {
        TaskCommand::Add {
            case,
            title,
            due,
            assignee,
        } => {
            let assignee = assignee.unwrap_or_else(|| device.identity().worker.clone());
            let task = NewTask {
                id: TaskId::random(),
                title,
                due: opt_day(&due)?.flatten(),
                assignee,
            };
            let (id, view) = api(device.add_task(&case, task))?;
            out.print(&serde_json::json!({ "task_id": id, "case_id": view.id }), || {
                format!("task {id} added for {}", view.person.name)
            })
        }
        TaskCommand::Edit {
            task,
            title,
            due,
            no_due,
            assignee,
        } => {
            let patch = TaskPatch {
                title,
                due: if no_due { Some(None) } else { opt_day(&due)? },
                assignee,
            };
            let view = api(device.edit_task(&task, patch))?;
            out.print(&view, || format!("task updated in {}", view.person.name))
        }
        TaskCommand::Done { task, undo } => {
            let view = api(device.set_task_done(&task, !undo))?;
            out.print(&view, || {
                format!(
                    "task {} in {}",
                    if undo { "reopened" } else { "done" },
                    view.person.name
                )
            })
        }
        TaskCommand::Due { days } => {
            let due = api(device.tasks_due(days))?;
            out.print(&due, || {
                if due.is_empty() {
                    return format!("nothing due in the next {days} days");
                }
                due.iter()
                    .map(|t| {
                        format!(
                            "{}  {}  {:<28} {}  ({})\n",
                            t.due,
                            short(&t.task_id.to_string()),
                            t.name,
                            t.title,
                            t.assignee
                        )
                    })
                    .collect()
            })
        }
    }
}

fn export(device: &Device, out: &Out, args: ExportArgs) -> Result<(), ApiError> {
    if let Some(table) = args.csv {
        return export_csv(device, out, table, args);
    }
    let ids: Vec<String> = match (&args.case, args.all) {
        (Some(case), false) => vec![case.clone()],
        (None, true) => api(device.case_ids())?.iter().map(ToString::to_string).collect(),
        _ => return Err(input("give a case file id, or --all with --out DIR")),
    };
    let to_dir = args.all;
    if to_dir && args.out.is_none() {
        return Err(input("--all needs --out DIR"));
    }
    if let Some(dir) = args.out.as_ref().filter(|_| to_dir) {
        std::fs::create_dir_all(dir).map_err(|e| file_error(dir, e))?;
    }
    let mut written = Vec::new();
    for case in &ids {
        let (id, bytes, ext) = match args.format {
            ExportFormat::Json => {
                let (id, json) = api(device.export_json(case))?;
                let mut bytes = serde_json::to_vec_pretty(&json).map_err(|e| input(&e.to_string()))?;
                bytes.push(b'\n');
                (id, bytes, "json")
            }
            ExportFormat::Automerge => {
                let (id, bytes) = api(device.export_automerge(case))?;
                (id, bytes, "automerge")
            }
        };
        let path = match (&args.out, to_dir) {
            (Some(dir), true) => dir.join(format!("{id}.{ext}")),
            (Some(file), false) => file.clone(),
            (None, _) => {
                if matches!(args.format, ExportFormat::Automerge) && std::io::stdout().is_terminal() {
                    return Err(input("an .automerge file is binary: give --out FILE"));
                }
                std::io::stdout()
                    .write_all(&bytes)
                    .map_err(|e| input(&e.to_string()))?;
                return Ok(());
            }
        };
        write_atomically(&path, &bytes)?;
        written.push(path.display().to_string());
    }
    out.print(&serde_json::json!({ "written": written }), || {
        format!("{} file(s) written", written.len())
    })
}

fn export_csv(device: &Device, out: &Out, table: CsvTableArg, args: ExportArgs) -> Result<(), ApiError> {
    let day = |text: &Option<String>| core(text.as_deref().map(Day::parse).transpose());
    let filter = CsvFilter {
        from: day(&args.from)?,
        to: day(&args.to)?,
        worker: args.worker.clone(),
        with_notes: args.with_notes,
    };
    if let (Some(from), Some(to)) = (&filter.from, &filter.to)
        && from > to
    {
        return Err(input(&format!(
            "--from {from} is after --to {to}: nothing could match"
        )));
    }
    let table = match table {
        CsvTableArg::Visits => CsvTable::Visits,
        CsvTableArg::Procedures => CsvTable::Procedures,
    };
    if filter.with_notes && table == CsvTable::Procedures {
        return Err(input(
            "--with-notes goes with --csv visits: procedures have no notes",
        ));
    }
    let Some(path) = &args.out else {
        if out.json {
            return Err(input(
                "--json reports on a file: give --out FILE (without it the CSV itself goes to standard output)",
            ));
        }
        let stdout = std::io::stdout().lock();
        api(device.export_csv(table, &filter, stdout))?;
        return Ok(());
    };
    let mut bytes = Vec::new();
    let summary = api(device.export_csv(table, &filter, &mut bytes))?;
    write_atomically(path, &bytes)?;
    let written = path.display().to_string();
    out.print(
        &serde_json::json!({ "written": written, "table": summary.table, "rows": summary.rows,
                             "case_files": summary.case_files }),
        || {
            format!(
                "{} row(s) from {} case file(s) written to {written}",
                summary.rows, summary.case_files
            )
        },
    )
}

fn report(device: &Device, out: &Out, args: ReportArgs) -> Result<(), ApiError> {
    let options = ReportOptions {
        from: core(Day::parse(&args.from))?,
        to: core(Day::parse(&args.to))?,
        worker: args.worker,
        with_notes: args.with_notes,
        language: match args.lang {
            ReportLang::Fr => ReportLanguage::Fr,
            ReportLang::En => ReportLanguage::En,
        },
    };
    // Refused before the work: renaming the finished file onto a directory
    // would fail only after a partial file was left beside it.
    if args.out.is_dir() {
        return Err(input(&format!(
            "--out {} is a directory: give the name of the PDF file to write",
            args.out.display()
        )));
    }
    let pdf = api(device.activity_report_pdf(&options))?;
    write_atomically(&args.out, &pdf.bytes)?;
    let file = args.out.display().to_string();
    out.print(
        &serde_json::json!({ "file": file, "bytes": pdf.bytes.len(), "pages": pdf.pages }),
        || format!("report of {} page(s) written to {file}", pdf.pages),
    )
}

fn stats_text(stats: &Statistics) -> String {
    let f = &stats.filter;
    let mut t = format!(
        "period: {} to {}  worker: {}\n",
        f.from.as_ref().map_or("the beginning", Day::as_str),
        f.to.as_ref().map_or("no end", Day::as_str),
        f.worker.as_deref().unwrap_or("everyone")
    );
    t.push_str(&format!(
        "visits: {}  people reached: {}\ntime spent: {} h {:02} min ({} visit(s) without a duration)\n",
        stats.visits,
        stats.people,
        stats.minutes / 60,
        stats.minutes % 60,
        stats.visits_without_duration
    ));
    let counts = |pairs: Vec<(String, usize)>| {
        if pairs.is_empty() {
            return "-".to_owned();
        }
        pairs
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    t.push_str(&format!(
        "visits by kind: {}\n",
        counts(
            stats
                .visits_by_kind
                .iter()
                .map(|(k, v)| (k.to_string(), *v))
                .collect()
        )
    ));
    t.push_str("visits per week:\n");
    let widest = stats
        .visits_per_week
        .iter()
        .map(|w| w.visits)
        .max()
        .unwrap_or(0)
        .max(1);
    for w in &stats.visits_per_week {
        // A bar of at most 40 marks, so a busy week still fits a terminal.
        let bar = "#".repeat((w.visits * 40).div_ceil(widest));
        t.push_str(&format!("  {} ({})  {:>4}  {bar}\n", w.week, w.start, w.visits));
    }
    if stats.undated_visits > 0 {
        t.push_str(&format!("  without a date  {:>4}\n", stats.undated_visits));
    }
    t.push_str("people reached per commune:\n");
    for (commune, people) in &stats.people_by_commune {
        let commune = if commune.is_empty() {
            "(no commune)"
        } else {
            commune
        };
        t.push_str(&format!("  {commune:<28} {people:>4}\n"));
    }
    t.push_str(&format!(
        "procedures of the people reached: {}\n  by agency: {}\n  by status: {}\n",
        stats.procedures,
        counts(
            stats
                .procedures_by_agency
                .iter()
                .map(|(k, v)| (k.to_string(), *v))
                .collect()
        ),
        counts(
            stats
                .procedures_by_status
                .iter()
                .map(|(k, v)| (k.to_string(), *v))
                .collect()
        )
    ));
    t.push_str(&format!(
        "overdue tasks (not done, due before {}): {}\n",
        stats.overdue_before,
        stats.overdue_tasks.len()
    ));
    for task in &stats.overdue_tasks {
        t.push_str(&format!(
            "  {}  {:<28} {}{}\n",
            task.due,
            task.person,
            task.title,
            if task.assignee.is_empty() {
                String::new()
            } else {
                format!("  ({})", task.assignee)
            }
        ));
    }
    t
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), ApiError> {
    let tmp = path.with_extension("partial");
    std::fs::write(&tmp, bytes).map_err(|e| file_error(path, e))?;
    std::fs::rename(&tmp, path).map_err(|e| file_error(path, e))
}

fn file_error(path: &Path, source: std::io::Error) -> ApiError {
    DeviceError::File {
        path: path.display().to_string(),
        source,
    }
    .to_api()
}

#[derive(Serialize)]
struct ImportReport {
    imported: Vec<carnet_device::ImportOutcome>,
    failed: Vec<ImportFailure>,
}

#[derive(Serialize)]
struct ImportFailure {
    path: String,
    error: ApiError,
}

fn import(device: &mut Device, out: &Out, paths: &[PathBuf]) -> Result<(), ApiError> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let entries = std::fs::read_dir(path).map_err(|e| file_error(path, e))?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "automerge"))
                .collect();
            found.sort();
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    let mut report = ImportReport {
        imported: Vec::new(),
        failed: Vec::new(),
    };
    for path in &files {
        let result = std::fs::read(path)
            .map_err(|e| file_error(path, e))
            .and_then(|bytes| api(device.import(&bytes)));
        match result {
            Ok(outcome) => report.imported.push(outcome),
            Err(error) => report.failed.push(ImportFailure {
                path: path.display().to_string(),
                error,
            }),
        }
    }
    out.print(&report, || {
        let mut text = String::new();
        for i in &report.imported {
            text.push_str(&format!(
                "{} {}: {} new change(s){}\n",
                short(&i.case_id.to_string()),
                i.name,
                i.new_changes,
                if i.created { " (new case file)" } else { "" }
            ));
        }
        for f in &report.failed {
            text.push_str(&format!("{}: not imported: {}\n", f.path, f.error.message));
        }
        text
    })?;
    match report.failed.first() {
        None => Ok(()),
        Some(_) => Err(ApiError {
            kind: PARTLY_DONE.to_owned(),
            message: format!(
                "{} of {} file(s) could not be imported; nothing was changed by them",
                report.failed.len(),
                files.len()
            ),
        }),
    }
}

fn short(id: &str) -> String {
    id.chars().take(8).collect()
}

fn format_ms(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| {
            t.with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_else(|| "?".to_owned())
}

fn transport_for(device: &Device, hub: Option<&str>) -> Result<HttpTransport, ApiError> {
    let url = match hub {
        Some(url) => url.to_owned(),
        None => api(device.store().team().map_err(DeviceError::from))?
            .map(|t| t.hub_url)
            .ok_or_else(|| {
                input("this device is not in a team yet: run `carnet team create` or `carnet team join`")
            })?,
    };
    Ok(HttpTransport::new(&url))
}

fn team(device: &mut Device, out: &Out, cmd: TeamCommand) -> Result<(), ApiError> {
    match cmd {
        TeamCommand::Create { hub } => {
            let mut transport = transport_for(device, Some(&hub))?;
            let team = api(device.create_team(&hub, &mut transport))?;
            out.print(&team, || {
                format!(
                    "team {} created on {}; this device is its lead",
                    team.team_id, team.hub_url
                )
            })
        }
        TeamCommand::Invite { role } => {
            let role = match role.to_lowercase().as_str() {
                "worker" => Role::Worker,
                "lead" => Role::Lead,
                other => return Err(input(&format!("--role {other:?}: say worker or lead"))),
            };
            let mut transport = transport_for(device, None)?;
            let invitation = api(device.invite(role, &mut transport))?;
            out.print(&invitation, || {
                format!(
                    "invite code: {}\nrole: {}\nvalid until {} — it works once",
                    invitation.code,
                    invitation.role,
                    format_ms(invitation.expires_ms)
                )
            })
        }
        TeamCommand::Join { hub, code } => {
            let mut transport = transport_for(device, Some(&hub))?;
            let team = api(device.join_team(&hub, &code, &mut transport))?;
            out.print(&team, || format!("joined team {} as {}", team.team_id, team.role))
        }
        TeamCommand::Revoke { device: target } => {
            let mut transport = transport_for(device, None)?;
            let epoch = api(device.revoke(&target, &mut transport))?;
            out.print(&serde_json::json!({ "revoked": target, "epoch": epoch }), || {
                format!("device {target} revoked; the team key is now at epoch {epoch}")
            })
        }
        TeamCommand::Devices => {
            // A sync brings the list and the roster's names up to date;
            // offline, the list as of the last sync is shown.
            let mut transport = transport_for(device, None)?;
            if let Err(e) = device.sync(&mut transport) {
                eprintln!("carnet: {e}; showing the team as of the last sync");
            }
            let members = api(device.team_members())?;
            out.print(&members, || {
                members
                    .iter()
                    .map(|m| {
                        format!(
                            "{}  {}  {} ({}){}{}\n",
                            m.device_id,
                            m.role,
                            m.worker.as_deref().unwrap_or("?"),
                            m.device_name.as_deref().unwrap_or("name not received yet"),
                            if m.this_device { "  [this device]" } else { "" },
                            if m.revoked { "  [revoked]" } else { "" }
                        )
                    })
                    .collect()
            })
        }
    }
}

fn sync(device: &mut Device, out: &Out, watch: bool, every: u64) -> Result<(), ApiError> {
    let mut transport = transport_for(device, None)?;
    if !watch {
        let report = api(device.sync(&mut transport))?;
        return out.print(&report, || sync_text(&report));
    }
    let mut failures: u32 = 0;
    loop {
        match device.sync(&mut transport) {
            Ok(report) => {
                failures = 0;
                out.print(&report, || sync_text(&report))?;
            }
            Err(e) => {
                failures = failures.saturating_add(1);
                eprintln!("carnet: {e}");
            }
        }
        // Back off after failures: 2 s, 4 s, ... up to 5 minutes.
        let wait = if failures == 0 {
            every
        } else {
            (1u64 << failures.min(8)).min(300)
        };
        std::thread::sleep(std::time::Duration::from_secs(wait));
    }
}

fn sync_text(report: &carnet_device::SyncReport) -> String {
    let mut text = format!(
        "synced: {} change set(s) received, {} waiting, {} round trip(s)",
        report.applied, report.pending, report.exchanges
    );
    for r in &report.rejected {
        text.push_str(&format!("\nrefused {r}"));
    }
    if report.checked > 0 || report.unchecked > 0 {
        text.push_str(&format!(
            "\nchecked {} case file(s) received with the team's snapshots, {} left",
            report.checked, report.unchecked
        ));
    }
    text
}

fn status_text(status: &carnet_device::SyncStatusView) -> String {
    let Some(team) = &status.team else {
        return "not in a team: work stays on this device (carnet team join to share it)".to_owned();
    };
    format!(
        "team {} on {} ({})\nlast sync: {}\nchanges waiting: {}{}",
        team.team_id,
        team.hub_url,
        team.role,
        status.last_sync_ms.map_or_else(|| "never".to_owned(), format_ms),
        status.pending,
        status
            .last_error
            .as_ref()
            .map(|e| format!("\nlast error: {e}"))
            .unwrap_or_default()
    )
}

/// What changed since the last review point, for people to read.
fn review_text(since: &carnet_device::SinceReview) -> String {
    let mut text = match since.since_ms {
        Some(ms) => format!("since the review point of {}:", format_ms(ms)),
        None => "no review point yet: everything is new:".to_owned(),
    };
    text.push_str(&format!(
        " {} change(s) in {} case file(s)\n",
        since.total_changes, since.total_cases
    ));
    for case in &since.cases {
        let new = if case.new_case { "  [new]" } else { "" };
        text.push_str(&format!(
            "{} ({}){new}\n",
            case.name,
            short(&case.case_id.to_string())
        ));
        for h in &case.changes {
            text.push_str(&format!(
                "  {}  {:<18} {:<16} device {}\n",
                format_ms(h.time_ms),
                h.label,
                h.worker.as_deref().unwrap_or("?"),
                h.device.map_or_else(|| "?".to_owned(), |d| short(&d.to_string())),
            ));
            for f in &h.fields {
                if f.diff.is_empty() {
                    text.push_str(&format!(
                        "      {}: {} -> {}\n",
                        f.field,
                        f.before.as_deref().unwrap_or("(none)"),
                        f.after.as_deref().unwrap_or("(none)")
                    ));
                } else {
                    text.push_str(&format!("      {}: text changed\n", f.field));
                }
            }
        }
    }
    text
}
