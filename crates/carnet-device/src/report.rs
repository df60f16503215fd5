//! The activity report of a period as a PDF, for the team lead to hand to
//! partners and funders: the key figures of `carnet stats` as tables and
//! vector bar charts, in French (or English), with no names and no notes
//! unless they are asked for.
//!
//! How a report is made:
//!
//! 1. [`Device::report_content`] loads every case file once and computes the
//!    figures with [`crate::compute_statistics`], the function behind
//!    `carnet stats`, so the report prints exactly the numbers `carnet stats`
//!    prints for the same period and worker. Only with notes does it also
//!    gather the visits of the period (date, person, worker, note).
//! 2. [`render`] is pure: it lays the [`ReportContent`] out into pages of
//!    marks (lines of text, rectangles, rules), measuring text with the
//!    embedded font, then draws those marks with krilla, which embeds the
//!    subset of the font the report uses.
//!
//! The font is DejaVu Sans (regular and bold, `fonts/`, Bitstream Vera
//! licence), compiled into the binary: accents print the same on every
//! machine and nothing is fetched at run time. Text is laid out one glyph per
//! character from the font's own advances, which is enough for French and
//! English and keeps what is measured identical to what is drawn.
//!
//! Privacy: without notes, [`render`] reads no person's name, task title or
//! note; the figures are counts, and communes and workers are the only names
//! printed (the tests check this on the marks and on the text of the PDF).

use std::collections::BTreeMap;

use carnet_core::{Agency, CaseFileView, Day, LocalDateTime, ProcedureStatus, VisitKind};
use chrono::{Datelike, NaiveDate};
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, GlyphId, KrillaGlyph};
use serde::{Deserialize, Serialize};
use ttf_parser::Face;

use crate::csv_export::CsvFilter;
use crate::stats::{Statistics, StatsFilter, compute};
use crate::{Device, DeviceError};

type Res<T> = Result<T, DeviceError>;

/// DejaVu Sans 2.37 (Debian's fonts-dejavu-core; licence in fonts/LICENSE).
static REGULAR_FONT: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
/// DejaVu Sans Bold 2.37.
static BOLD_FONT: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// The language of the report's words (the data is printed as written).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportLanguage {
    /// French, the default.
    #[default]
    Fr,
    /// English.
    En,
}

/// What a report covers and shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportOptions {
    /// The first day of the period.
    pub from: Day,
    /// The last day of the period (included).
    pub to: Day,
    /// Only this worker's visits and tasks (case and surrounding spaces
    /// ignored); the whole team when empty.
    pub worker: Option<String>,
    /// Add an appendix with the visits of the period (date, person, worker,
    /// note) and the overdue tasks in full. Off by default: notes are
    /// personal and a PDF travels further than the notebook.
    pub with_notes: bool,
    /// The language of the report.
    pub language: ReportLanguage,
}

/// A visit as the appendix lists it (only with notes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppendixVisit {
    /// When.
    pub at: Option<LocalDateTime>,
    /// The person's name.
    pub person: String,
    /// Who made the visit.
    pub worker: String,
    /// How it took place.
    pub kind: VisitKind,
    /// Minutes, when recorded.
    pub duration_min: Option<i64>,
    /// The note.
    pub note: String,
}

/// Everything a report shows, gathered before any layout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportContent {
    /// The language of the report.
    pub language: ReportLanguage,
    /// The figures, as `carnet stats` computes them for the same period and
    /// worker.
    pub statistics: Statistics,
    /// The worker asked for, spelt as in the case files; `None` for the
    /// whole team.
    pub worker: Option<String>,
    /// The team this device belongs to (its id), if any.
    pub team: Option<String>,
    /// The worker of the device that made the report.
    pub author: String,
    /// The name of that device.
    pub device_name: String,
    /// When the report was made, local time.
    pub generated: LocalDateTime,
    /// The counted visits of the period, oldest first, with their notes:
    /// `Some` only when notes were asked for.
    pub visits_with_notes: Option<Vec<AppendixVisit>>,
}

/// A finished report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportPdf {
    /// The PDF file.
    pub bytes: Vec<u8>,
    /// Its number of pages.
    pub pages: usize,
}

impl Device {
    /// Gathers what the activity report of a period shows: the figures of
    /// [`Device::statistics`] for that period and worker, and with notes the
    /// visits of the period.
    ///
    /// # Errors
    /// [`DeviceError::Input`] when the period ends before it starts or when
    /// no visit or task on the device is by the worker asked for (a
    /// misspelt name would otherwise give an empty report); corrupt case
    /// files and store errors.
    pub fn report_content(&self, options: &ReportOptions) -> Res<ReportContent> {
        if options.from > options.to {
            return Err(DeviceError::Input(format!(
                "the period starts on {}, after its end on {}: give --from before --to",
                options.from, options.to
            )));
        }
        let mut cases = Vec::new();
        for id in self.case_ids()? {
            cases.push(self.store().load(id)?.file.view());
        }
        let worker = match &options.worker {
            Some(asked) => Some(self.known_worker(asked, &cases)?),
            None => None,
        };
        let filter = StatsFilter {
            from: Some(options.from.clone()),
            to: Some(options.to.clone()),
            worker: options.worker.clone(),
        };
        let statistics = compute(&cases, &filter, &self.today())?;
        let visits_with_notes = options.with_notes.then(|| appendix_visits(&cases, &filter));
        let identity = self.identity();
        Ok(ReportContent {
            language: options.language,
            statistics,
            worker,
            team: self.store().team()?.map(|t| t.team_id),
            author: identity.worker.clone(),
            device_name: identity.device_name.clone(),
            generated: self.clock().now().local,
            visits_with_notes,
        })
    }

    /// The activity report of a period as a PDF (see the module header).
    ///
    /// # Errors
    /// As [`Device::report_content`]; [`DeviceError::Input`] if the PDF
    /// cannot be assembled.
    pub fn activity_report_pdf(&self, options: &ReportOptions) -> Res<ReportPdf> {
        render(&self.report_content(options)?)
    }

    /// The worker's name as the case files spell it.
    fn known_worker(&self, worker: &str, cases: &[CaseFileView]) -> Res<String> {
        let wanted = normalised(worker);
        let mut known: BTreeMap<String, String> = BTreeMap::new();
        let mut add = |name: &str| {
            if !name.trim().is_empty() {
                known
                    .entry(normalised(name))
                    .or_insert_with(|| name.trim().to_owned());
            }
        };
        add(&self.identity().worker);
        for case in cases {
            case.visits.iter().for_each(|v| add(&v.worker));
            case.tasks.iter().for_each(|t| add(&t.assignee));
        }
        for member in self.team_members()? {
            if let Some(name) = &member.worker {
                add(name);
            }
        }
        if let Some(name) = known.get(&wanted) {
            return Ok(name.clone());
        }
        let names: Vec<&str> = known.values().map(String::as_str).collect();
        Err(DeviceError::Input(format!(
            "no visit or task on this device is by the worker {:?}: check the name (workers known here: {})",
            worker.trim(),
            names.join(", ")
        )))
    }
}

/// `text` in lower case without French accents, to sort as people read.
fn folded(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.to_lowercase().chars() {
        match c {
            'à' | 'â' | 'ä' => out.push('a'),
            'é' | 'è' | 'ê' | 'ë' => out.push('e'),
            'î' | 'ï' => out.push('i'),
            'ô' | 'ö' => out.push('o'),
            'ù' | 'û' | 'ü' => out.push('u'),
            'ÿ' => out.push('y'),
            'ç' => out.push('c'),
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            other => out.push(other),
        }
    }
    out
}

fn normalised(name: &str) -> String {
    name.trim().to_lowercase()
}

/// The counted visits of the period (as the statistics count them), oldest
/// first.
fn appendix_visits(cases: &[CaseFileView], filter: &StatsFilter) -> Vec<AppendixVisit> {
    let keep = CsvFilter {
        from: filter.from.clone(),
        to: filter.to.clone(),
        worker: filter.worker.clone(),
        with_notes: true,
    };
    let mut rows: Vec<_> = cases
        .iter()
        .flat_map(|case| case.visits.iter().map(move |v| (case, v)))
        .filter(|(_, v)| !v.archived && keep.keeps(v))
        .collect();
    rows.sort_by(|a, b| (&a.1.at, a.0.id, a.1.id).cmp(&(&b.1.at, b.0.id, b.1.id)));
    rows.into_iter()
        .map(|(case, v)| AppendixVisit {
            at: v.at.clone(),
            person: case.person.name.clone(),
            worker: v.worker.clone(),
            kind: v.kind,
            duration_min: v.duration_min,
            note: v.note.clone(),
        })
        .collect()
}

/// Lays out and draws a report.
///
/// # Errors
/// [`DeviceError::Input`] if a stored date cannot be read or the PDF cannot
/// be assembled (neither happens with checked dates and the embedded fonts).
pub fn render(content: &ReportContent) -> Res<ReportPdf> {
    let faces = Faces::load()?;
    let pages = lay_out(content, &faces)?;
    let bytes = draw(&pages, &faces, content)?;
    Ok(ReportPdf {
        bytes,
        pages: pages.len(),
    })
}

// ---------------------------------------------------------------------------
// Words

impl ReportLanguage {
    fn fr(self) -> bool {
        self == ReportLanguage::Fr
    }

    /// `one` or `many` after `n`, by the language's rule (French: 0 and 1
    /// are singular).
    fn count(self, n: usize, one: &str, many: &str) -> String {
        let singular = if self.fr() { n < 2 } else { n == 1 };
        format!("{n} {}", if singular { one } else { many })
    }

    fn code(self) -> &'static str {
        if self.fr() { "fr" } else { "en" }
    }
}

/// The report's words in one language.
#[derive(Debug)]
struct Words {
    title: &'static str,
    period: &'static str,
    team: &'static str,
    no_team: &'static str,
    worker: &'static str,
    whole_team: &'static str,
    made_on: &'static str,
    no_names: &'static str,
    with_notes_warning: &'static str,
    key_figures: &'static str,
    visits: &'static str,
    people: &'static str,
    time_spent: &'static str,
    procedures: &'static str,
    overdue: &'static str,
    without_duration: &'static str,
    per_week: &'static str,
    per_week_caption: &'static str,
    week: &'static str,
    by_kind: &'static str,
    kind: &'static str,
    per_commune: &'static str,
    commune: &'static str,
    no_commune: &'static str,
    by_agency: &'static str,
    agency: &'static str,
    by_status: &'static str,
    status: &'static str,
    overdue_title: &'static str,
    assignee: &'static str,
    nobody_assigned: &'static str,
    count: &'static str,
    share: &'static str,
    percent: &'static str,
    none: &'static str,
    method_title: &'static str,
    method: &'static str,
    appendix_visits: &'static str,
    appendix_tasks: &'static str,
    no_note: &'static str,
    page: &'static str,
}

const FR: Words = Words {
    title: "Rapport d'activité",
    period: "Période",
    team: "Équipe",
    no_team: "aucune (carnet de cet appareil seulement)",
    worker: "Intervenant",
    whole_team: "toute l'équipe",
    made_on: "Établi le",
    no_names: "Ce rapport ne contient ni nom de personne accompagnée ni note de visite.",
    with_notes_warning: "Ce rapport contient des noms et des notes de visite en annexe : il se conserve et se \
                         transmet avec les mêmes précautions que les dossiers eux-mêmes.",
    key_figures: "Chiffres clés",
    visits: "visites",
    people: "personnes rencontrées",
    time_spent: "temps passé",
    procedures: "démarches suivies",
    overdue: "tâches en retard",
    without_duration: "visites sans durée",
    per_week: "Visites par semaine",
    per_week_caption: "Semaines ISO, du lundi au dimanche ; sous chaque barre, la date du lundi.",
    week: "Semaine",
    by_kind: "Visites par type",
    kind: "Type",
    per_commune: "Personnes rencontrées par commune",
    commune: "Commune",
    no_commune: "(commune non renseignée)",
    by_agency: "Démarches des personnes rencontrées, par organisme",
    agency: "Organisme",
    by_status: "Démarches des personnes rencontrées, par état",
    status: "État",
    overdue_title: "Tâches en retard",
    assignee: "Responsable",
    nobody_assigned: "(sans responsable)",
    count: "Nombre",
    share: "Part",
    percent: " %",
    none: "Aucune sur la période.",
    method_title: "Comment ces chiffres sont établis",
    method: "Les chiffres sont ceux de « carnet stats » pour la même période et le même intervenant, \
             calculés sur les dossiers fusionnés de cet appareil (synchroniser avant d'établir le rapport). \
             Une visite compte si elle a lieu dans la période, bornes comprises ; les visites archivées ne \
             comptent pas. Les personnes rencontrées sont les dossiers ayant au moins une visite comptée, \
             par leur commune actuelle. Les démarches sont celles de ces personnes, avec leur organisme et \
             leur état actuels. Une tâche est en retard si elle n'est pas faite et que son échéance précède \
             la date indiquée (la fin de la période, ou aujourd'hui si elle est plus tôt) ; les dossiers \
             archivés n'en ont pas.",
    appendix_visits: "Annexe : visites de la période",
    appendix_tasks: "Annexe : tâches en retard",
    no_note: "(pas de note)",
    page: "page",
};

const EN: Words = Words {
    title: "Activity report",
    period: "Period",
    team: "Team",
    no_team: "none (this device's notebook only)",
    worker: "Worker",
    whole_team: "the whole team",
    made_on: "Made on",
    no_names: "This report holds no name of a person followed and no visit note.",
    with_notes_warning: "This report holds names and visit notes in its appendix: keep and share it with the \
                         same care as the case files themselves.",
    key_figures: "Key figures",
    visits: "visits",
    people: "people reached",
    time_spent: "time spent",
    procedures: "procedures followed",
    overdue: "overdue tasks",
    without_duration: "visits without a duration",
    per_week: "Visits per week",
    per_week_caption: "ISO weeks, Monday to Sunday; under each bar, the date of its Monday.",
    week: "Week",
    by_kind: "Visits by kind",
    kind: "Kind",
    per_commune: "People reached per commune",
    commune: "Commune",
    no_commune: "(no commune recorded)",
    by_agency: "Procedures of the people reached, by agency",
    agency: "Agency",
    by_status: "Procedures of the people reached, by status",
    status: "Status",
    overdue_title: "Overdue tasks",
    assignee: "Assignee",
    nobody_assigned: "(nobody assigned)",
    count: "Count",
    share: "Share",
    percent: "%",
    none: "None in the period.",
    method_title: "How these figures are made",
    method: "The figures are those of \"carnet stats\" for the same period and worker, computed from the \
             merged case files on this device (sync before making the report). A visit counts when it \
             falls in the period, both ends included; archived visits do not count. People reached are \
             the case files with at least one counted visit, by their current commune. Procedures are \
             those of these people, with their current agency and status. A task is overdue when it is \
             not done and its due date is before the day shown (the end of the period, or today if that \
             is earlier); archived case files have none.",
    appendix_visits: "Appendix: visits of the period",
    appendix_tasks: "Appendix: overdue tasks",
    no_note: "(no note)",
    page: "page",
};

fn words(lang: ReportLanguage) -> &'static Words {
    if lang.fr() { &FR } else { &EN }
}

/// The label of a visit kind, as the app shows it.
#[must_use]
pub fn kind_label(lang: ReportLanguage, kind: VisitKind) -> &'static str {
    match (lang, kind) {
        (ReportLanguage::Fr, VisitKind::Home) => "À domicile",
        (ReportLanguage::Fr, VisitKind::Office) => "En permanence ou au bureau",
        (ReportLanguage::Fr, VisitKind::Phone) => "Par téléphone",
        (ReportLanguage::Fr, VisitKind::Other) => "Autre",
        (ReportLanguage::En, VisitKind::Home) => "At home",
        (ReportLanguage::En, VisitKind::Office) => "At an office or drop-in",
        (ReportLanguage::En, VisitKind::Phone) => "By phone",
        (ReportLanguage::En, VisitKind::Other) => "Other",
    }
}

/// The label of an agency, as the app shows it.
#[must_use]
pub fn agency_label(lang: ReportLanguage, agency: Agency) -> &'static str {
    let fr = lang.fr();
    match agency {
        Agency::Caf if fr => "CAF",
        Agency::Caf => "CAF (family benefits)",
        Agency::Msa if fr => "MSA",
        Agency::Msa => "MSA (farmers’ welfare)",
        Agency::Cpam if fr => "CPAM (Assurance maladie)",
        Agency::Cpam => "CPAM (health insurance)",
        Agency::FranceTravail if fr => "France Travail",
        Agency::FranceTravail => "France Travail (employment)",
        Agency::Impots if fr => "Impôts",
        Agency::Impots => "Tax office",
        Agency::Ants if fr => "ANTS (titres sécurisés)",
        Agency::Ants => "ANTS (identity documents)",
        Agency::Mdph if fr => "MDPH",
        Agency::Mdph => "MDPH (disability)",
        Agency::Retraite if fr => "Caisse de retraite",
        Agency::Retraite => "Pension fund",
        Agency::Energie if fr => "Fournisseur d’énergie",
        Agency::Energie => "Energy supplier",
        Agency::Other if fr => "Autre organisme",
        Agency::Other => "Other agency",
    }
}

/// The label of a procedure status, as the app shows it.
#[must_use]
pub fn status_label(lang: ReportLanguage, status: ProcedureStatus) -> &'static str {
    let fr = lang.fr();
    match status {
        ProcedureStatus::ToDo if fr => "À faire",
        ProcedureStatus::ToDo => "To do",
        ProcedureStatus::InProgress if fr => "En cours",
        ProcedureStatus::InProgress => "In progress",
        ProcedureStatus::Submitted if fr => "Déposée",
        ProcedureStatus::Submitted => "Submitted",
        ProcedureStatus::Granted if fr => "Accordée",
        ProcedureStatus::Granted => "Granted",
        ProcedureStatus::Refused if fr => "Refusée",
        ProcedureStatus::Refused => "Refused",
        ProcedureStatus::Suspended if fr => "Suspendue",
        ProcedureStatus::Suspended => "Suspended",
    }
}

const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn date(day: &Day) -> Res<NaiveDate> {
    NaiveDate::parse_from_str(day.as_str(), "%Y-%m-%d")
        .map_err(|e| DeviceError::Input(format!("{day} is not a date: {e}")))
}

/// A day written out: "1er février 2026", "1 February 2026".
///
/// # Errors
/// [`DeviceError::Input`] for a day chrono cannot read.
pub fn long_date(lang: ReportLanguage, day: &Day) -> Res<String> {
    let d = date(day)?;
    let month = d.month0() as usize;
    Ok(if lang.fr() {
        let n = if d.day() == 1 {
            "1er".to_owned()
        } else {
            d.day().to_string()
        };
        format!("{n} {} {}", MONTHS_FR[month], d.year())
    } else {
        format!("{} {} {}", d.day(), MONTHS_EN[month], d.year())
    })
}

/// The period in words: "du 1er février 2026 au 30 avril 2026",
/// "1 February 2026 to 30 April 2026".
///
/// # Errors
/// [`DeviceError::Input`] for a day chrono cannot read.
pub fn period_text(lang: ReportLanguage, from: &Day, to: &Day) -> Res<String> {
    let (from, to) = (long_date(lang, from)?, long_date(lang, to)?);
    Ok(if lang.fr() {
        format!("du {from} au {to}")
    } else {
        format!("{from} to {to}")
    })
}

/// Minutes as "37 h 05 min", as `carnet stats` prints them.
#[must_use]
pub fn duration_text(minutes: i64) -> String {
    format!("{} h {:02} min", minutes / 60, minutes % 60)
}

fn local_time_text(lang: ReportLanguage, at: &LocalDateTime) -> Res<String> {
    let (_, time) = at.as_str().split_once('T').unwrap_or((at.as_str(), ""));
    let day = long_date(lang, &at.day())?;
    Ok(if lang.fr() {
        format!("{day} à {time}")
    } else {
        format!("{day} at {time}")
    })
}

/// The opening paragraph: the figures in one sentence each.
fn summary(lang: ReportLanguage, s: &Statistics) -> Res<String> {
    let overdue_day = long_date(lang, &s.overdue_before)?;
    let mut text = if lang.fr() {
        format!(
            "{} auprès de {}, pour {} de temps passé",
            lang.count(s.visits, "visite", "visites"),
            lang.count(s.people, "personne", "personnes"),
            duration_text(s.minutes)
        )
    } else {
        format!(
            "{} to {}, {} spent",
            lang.count(s.visits, "visit", "visits"),
            lang.count(s.people, "person", "people"),
            duration_text(s.minutes)
        )
    };
    if s.visits_without_duration > 0 {
        text.push_str(&if lang.fr() {
            format!(
                " ({} sans durée renseignée)",
                lang.count(s.visits_without_duration, "visite", "visites")
            )
        } else {
            format!(
                " ({} without a recorded duration)",
                lang.count(s.visits_without_duration, "visit", "visits")
            )
        });
    }
    text.push_str(&if lang.fr() {
        format!(
            ". {} pour ces personnes ; {} dont l'échéance précède le {overdue_day}.",
            lang.count(s.procedures, "démarche suivie", "démarches suivies"),
            lang.count(s.overdue_tasks.len(), "tâche non faite", "tâches non faites"),
        )
    } else {
        format!(
            ". {} for these people; {} not done and due before {overdue_day}.",
            lang.count(s.procedures, "procedure followed", "procedures followed"),
            lang.count(s.overdue_tasks.len(), "task", "tasks"),
        )
    });
    Ok(text)
}

// ---------------------------------------------------------------------------
// Fonts and text measure

/// A weight of the embedded typeface.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Weight {
    Regular,
    Bold,
}

/// The embedded faces, read for glyphs and advances.
struct Faces {
    regular: Face<'static>,
    bold: Face<'static>,
}

impl std::fmt::Debug for Faces {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Faces(DejaVu Sans, DejaVu Sans Bold)")
    }
}

impl Faces {
    fn load() -> Res<Self> {
        let parse = |data: &'static [u8], name: &str| {
            Face::parse(data, 0).map_err(|e| {
                DeviceError::Input(format!(
                    "the report's font {name} cannot be read ({e}): reinstall carnet"
                ))
            })
        };
        Ok(Faces {
            regular: parse(REGULAR_FONT, "DejaVu Sans")?,
            bold: parse(BOLD_FONT, "DejaVu Sans Bold")?,
        })
    }

    fn face(&self, weight: Weight) -> &Face<'static> {
        match weight {
            Weight::Regular => &self.regular,
            Weight::Bold => &self.bold,
        }
    }

    /// One glyph per character, with its advance in ems; a character the
    /// font lacks shows as the font's empty box (glyph 0) but keeps its text.
    fn glyphs(&self, weight: Weight, text: &str) -> Vec<KrillaGlyph> {
        let face = self.face(weight);
        let per_em = f32::from(face.units_per_em());
        text.char_indices()
            .map(|(at, c)| {
                let glyph = face.glyph_index(c).unwrap_or(ttf_parser::GlyphId(0));
                let advance = face.glyph_hor_advance(glyph).map_or(0.0, f32::from);
                KrillaGlyph {
                    glyph_id: GlyphId::new(u32::from(glyph.0)),
                    text_range: at..at + c.len_utf8(),
                    x_advance: advance / per_em,
                    x_offset: 0.0,
                    y_offset: 0.0,
                    y_advance: 0.0,
                    location: None,
                }
            })
            .collect()
    }

    /// The width of `text` at `size` points, as it is drawn.
    fn width(&self, weight: Weight, size: f32, text: &str) -> f32 {
        self.glyphs(weight, text).iter().map(|g| g.x_advance).sum::<f32>() * size
    }

    /// `text` cut to `width` with an ellipsis when it is wider.
    fn fit(&self, weight: Weight, size: f32, text: &str, width: f32) -> String {
        if self.width(weight, size, text) <= width {
            return text.to_owned();
        }
        let mut cut = String::new();
        for c in text.chars() {
            cut.push(c);
            if self.width(weight, size, &format!("{cut}…")) > width {
                cut.pop();
                break;
            }
        }
        format!("{}…", cut.trim_end())
    }

    /// `text` in lines no wider than `width`: paragraphs (line breaks) are
    /// kept, words go to the next line, a word wider than a line is split.
    fn wrap(&self, weight: Weight, size: f32, text: &str, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.lines() {
            let mut line = String::new();
            for word in paragraph.split_whitespace() {
                let candidate = if line.is_empty() {
                    word.to_owned()
                } else {
                    format!("{line} {word}")
                };
                if self.width(weight, size, &candidate) <= width {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                for c in word.chars() {
                    line.push(c);
                    if self.width(weight, size, &line) > width && line.chars().count() > 1 {
                        line.pop();
                        lines.push(std::mem::take(&mut line));
                        line.push(c);
                    }
                }
            }
            lines.push(line);
        }
        lines
    }
}

// ---------------------------------------------------------------------------
// Layout: pages of marks

/// An RGB colour.
type Colour = (u8, u8, u8);

const INK: Colour = (33, 37, 41);
const GREY: Colour = (96, 104, 112);
const RULE: Colour = (206, 212, 218);
const PANEL: Colour = (241, 243, 245);
const BAR: Colour = (31, 104, 170);
const WARNING: Colour = (150, 60, 0);

/// One thing drawn on a page; `y` grows downwards from the top edge, in
/// points, and a text's `y` is its baseline.
#[derive(Clone, Debug, PartialEq)]
enum Mark {
    Text {
        x: f32,
        y: f32,
        size: f32,
        weight: Weight,
        colour: Colour,
        text: String,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        colour: Colour,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        colour: Colour,
    },
}

/// A4 portrait, in points.
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const LEFT: f32 = 56.0;
const RIGHT: f32 = PAGE_W - 56.0;
const WIDTH: f32 = RIGHT - LEFT;
const TOP: f32 = 56.0;
/// Content stops here; the footer sits below.
const BOTTOM: f32 = PAGE_H - 64.0;
const FOOTER_Y: f32 = PAGE_H - 36.0;
/// Line height as a multiple of the font size.
const LEADING: f32 = 1.35;
const BODY: f32 = 9.5;

struct Layout<'f> {
    faces: &'f Faces,
    pages: Vec<Vec<Mark>>,
    /// The top of the free space on the last page.
    y: f32,
}

impl<'f> Layout<'f> {
    fn new(faces: &'f Faces) -> Self {
        Layout {
            faces,
            pages: vec![Vec::new()],
            y: TOP,
        }
    }

    fn mark(&mut self, mark: Mark) {
        if let Some(page) = self.pages.last_mut() {
            page.push(mark);
        }
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    /// Starts a new page unless `height` fits below the current position;
    /// true when it did.
    fn room(&mut self, height: f32) -> bool {
        let fresh = self.y <= TOP;
        if self.y + height > BOTTOM && !fresh {
            self.new_page();
            return true;
        }
        false
    }

    fn text(&mut self, x: f32, y: f32, size: f32, weight: Weight, colour: Colour, text: &str) {
        let text: String = text.chars().filter(|c| !c.is_control()).collect();
        if text.trim().is_empty() {
            return;
        }
        self.mark(Mark::Text {
            x,
            y,
            size,
            weight,
            colour,
            text,
        });
    }

    /// Right-aligned at `right`.
    fn text_right(&mut self, right: f32, y: f32, size: f32, weight: Weight, colour: Colour, text: &str) {
        let x = right - self.faces.width(weight, size, text);
        self.text(x, y, size, weight, colour, text);
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, colour: Colour) {
        if w > 0.0 && h > 0.0 {
            self.mark(Mark::Rect { x, y, w, h, colour });
        }
    }

    fn rule(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32, colour: Colour) {
        self.mark(Mark::Line {
            x1,
            y1,
            x2,
            y2,
            width,
            colour,
        });
    }

    /// Wrapped lines from the current position, each on the page that has
    /// room for it.
    fn paragraph(&mut self, x: f32, width: f32, size: f32, weight: Weight, colour: Colour, text: &str) {
        for line in self.faces.wrap(weight, size, text, width) {
            self.room(size * LEADING);
            self.text(x, self.y + size, size, weight, colour, &line);
            self.y += size * LEADING;
        }
    }

    fn heading(&mut self, text: &str) {
        if self.y > TOP {
            self.y += 14.0;
        }
        // A heading never ends a page: keep room for a few lines after it.
        self.room(13.0 * LEADING + 60.0);
        self.text(LEFT, self.y + 13.0, 13.0, Weight::Bold, BAR, text);
        self.y += 13.0 * LEADING + 4.0;
    }

    /// A table of counts with a bar per row, the longest bar for the
    /// largest count; `total` gives each row's share.
    fn count_table(&mut self, w: &Words, label_header: &str, rows: &[(String, usize)], total: usize) {
        if rows.is_empty() {
            self.paragraph(LEFT, WIDTH, BODY, Weight::Regular, GREY, w.none);
            return;
        }
        const ROW: f32 = 15.0;
        let count_right = LEFT + 270.0;
        let share_right = LEFT + 315.0;
        let bar_left = LEFT + 330.0;
        let bar_width = RIGHT - bar_left;
        let most = rows.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
        let header = |l: &mut Layout<'_>| {
            let y = l.y + BODY;
            l.text(LEFT, y, BODY, Weight::Bold, INK, label_header);
            l.text_right(count_right, y, BODY, Weight::Bold, INK, w.count);
            l.text_right(share_right, y, BODY, Weight::Bold, INK, w.share);
            l.y += ROW;
            l.rule(LEFT, l.y - 3.0, RIGHT, l.y - 3.0, 0.8, INK);
        };
        self.room(ROW * 3.0);
        header(self);
        for (label, n) in rows {
            if self.room(ROW) {
                header(self);
            }
            let y = self.y + BODY;
            let label = self
                .faces
                .fit(Weight::Regular, BODY, label, count_right - LEFT - 60.0);
            self.text(LEFT, y, BODY, Weight::Regular, INK, &label);
            self.text_right(count_right, y, BODY, Weight::Regular, INK, &n.to_string());
            let share = (*n as f64 * 100.0 / total.max(1) as f64).round();
            self.text_right(
                share_right,
                y,
                BODY,
                Weight::Regular,
                GREY,
                &format!("{share}{}", w.percent),
            );
            let bar = *n as f32 / most as f32 * bar_width;
            self.rect(bar_left, self.y + 2.5, bar, ROW - 6.0, BAR);
            self.y += ROW;
            self.rule(LEFT, self.y - 2.0, RIGHT, self.y - 2.0, 0.4, RULE);
        }
        self.y += 4.0;
    }

    /// The key figures in boxes, three to a row.
    fn key_figures(&mut self, figures: &[(String, &str)]) {
        const GAP: f32 = 10.0;
        const HEIGHT: f32 = 52.0;
        let width = (WIDTH - 2.0 * GAP) / 3.0;
        for row in figures.chunks(3) {
            self.room(HEIGHT + GAP);
            for (i, (value, label)) in row.iter().enumerate() {
                let x = LEFT + i as f32 * (width + GAP);
                self.rect(x, self.y, width, HEIGHT, PANEL);
                let value = self.faces.fit(Weight::Bold, 18.0, value, width - 16.0);
                self.text(x + 8.0, self.y + 25.0, 18.0, Weight::Bold, INK, &value);
                let label = self.faces.fit(Weight::Regular, 8.5, label, width - 16.0);
                self.text(x + 8.0, self.y + 42.0, 8.5, Weight::Regular, GREY, &label);
            }
            self.y += HEIGHT + GAP;
        }
    }

    /// Visits per week as vertical bars over a scale, weeks without visits
    /// left empty.
    fn week_chart(&mut self, lang: ReportLanguage, weeks: &[(NaiveDate, usize)]) {
        const PLOT: f32 = 130.0;
        const AXIS: f32 = 28.0;
        if weeks.is_empty() {
            return;
        }
        self.room(PLOT + AXIS + 12.0);
        let top = self.y + 6.0;
        let base = top + PLOT;
        let most = weeks.iter().map(|(_, n)| *n).max().unwrap_or(0);
        let step = scale_step(most);
        let ceiling = most.div_ceil(step).max(1) * step;
        let left = LEFT + 28.0;
        let width = RIGHT - left;
        let mut tick = 0;
        while tick <= ceiling {
            let y = base - tick as f32 / ceiling as f32 * PLOT;
            self.rule(
                left,
                y,
                RIGHT,
                y,
                if tick == 0 { 0.8 } else { 0.4 },
                if tick == 0 { INK } else { RULE },
            );
            self.text_right(left - 4.0, y + 3.0, 7.5, Weight::Regular, GREY, &tick.to_string());
            tick += step;
        }
        let slot = width / weeks.len() as f32;
        let label_every = (26.0 / slot).ceil().max(1.0) as usize;
        for (i, (monday, n)) in weeks.iter().enumerate() {
            let x = left + i as f32 * slot;
            let h = *n as f32 / ceiling as f32 * PLOT;
            self.rect(x + slot * 0.15, base - h, slot * 0.7, h, BAR);
            if slot >= 13.0 && *n > 0 {
                let value = n.to_string();
                let w = self.faces.width(Weight::Regular, 7.0, &value);
                self.text(
                    x + (slot - w) / 2.0,
                    base - h - 2.5,
                    7.0,
                    Weight::Regular,
                    INK,
                    &value,
                );
            }
            if i % label_every == 0 {
                let label = if lang.fr() {
                    monday.format("%d/%m").to_string()
                } else {
                    monday.format("%d %b").to_string()
                };
                let w = self.faces.width(Weight::Regular, 7.0, &label);
                let lx = (x + (slot - w) / 2.0).clamp(LEFT, RIGHT - w);
                self.text(lx, base + 11.0, 7.0, Weight::Regular, GREY, &label);
            }
        }
        self.y = base + AXIS;
    }
}

/// A round step for a scale of about four ticks up to `most`: 1, 2 or 5
/// times a power of ten.
fn scale_step(most: usize) -> usize {
    let rough = most.div_ceil(4).max(1);
    let mut power = 1;
    while power * 10 <= rough {
        power *= 10;
    }
    [1, 2, 5, 10]
        .into_iter()
        .map(|m| m * power)
        .find(|s| *s >= rough)
        .unwrap_or(10 * power)
}

fn lay_out(content: &ReportContent, faces: &Faces) -> Res<Vec<Vec<Mark>>> {
    let lang = content.language;
    let w = words(lang);
    let s = &content.statistics;
    let (Some(from), Some(to)) = (&s.filter.from, &s.filter.to) else {
        return Err(DeviceError::Input(
            "a report needs a period: give --from and --to".into(),
        ));
    };
    let period = period_text(lang, from, to)?;
    let mut l = Layout::new(faces);

    // Title and what the report covers.
    l.text(LEFT, l.y + 22.0, 22.0, Weight::Bold, INK, w.title);
    l.y += 22.0 * LEADING + 4.0;
    let worker = content.worker.as_deref().map_or(w.whole_team, str::trim);
    let team = content
        .team
        .as_deref()
        .map_or_else(|| w.no_team.to_owned(), |t| t.chars().take(8).collect());
    let made = format!(
        "{} {}, {} ({})",
        w.made_on,
        local_time_text(lang, &content.generated)?,
        content.author,
        content.device_name
    );
    let sep = if lang.fr() { " : " } else { ": " };
    for line in [
        format!("{}{sep}{period}", w.period),
        format!("{}{sep}{team}", w.team),
        format!("{}{sep}{worker}", w.worker),
        made,
    ] {
        l.paragraph(LEFT, WIDTH, 10.5, Weight::Regular, INK, &line);
    }
    l.y += 4.0;
    if content.visits_with_notes.is_some() {
        l.paragraph(LEFT, WIDTH, BODY, Weight::Bold, WARNING, w.with_notes_warning);
    } else {
        l.paragraph(LEFT, WIDTH, BODY, Weight::Regular, GREY, w.no_names);
    }

    l.heading(w.key_figures);
    l.paragraph(LEFT, WIDTH, 10.5, Weight::Regular, INK, &summary(lang, s)?);
    l.y += 8.0;
    l.key_figures(&[
        (s.visits.to_string(), w.visits),
        (s.people.to_string(), w.people),
        (duration_text(s.minutes), w.time_spent),
        (s.procedures.to_string(), w.procedures),
        (s.overdue_tasks.len().to_string(), w.overdue),
        (s.visits_without_duration.to_string(), w.without_duration),
    ]);

    l.heading(w.per_week);
    let weeks: Vec<(NaiveDate, usize)> = s
        .visits_per_week
        .iter()
        .map(|wk| Ok((date(&wk.start)?, wk.visits)))
        .collect::<Res<_>>()?;
    l.week_chart(lang, &weeks);
    l.paragraph(LEFT, WIDTH, 8.0, Weight::Regular, GREY, w.per_week_caption);
    l.y += 6.0;
    let week_rows: Vec<(String, usize)> = s
        .visits_per_week
        .iter()
        .zip(&weeks)
        .map(|(wk, (monday, n))| {
            let sunday = *monday + chrono::Days::new(6);
            (
                format!(
                    "{}  ({} – {})",
                    wk.week,
                    monday.format("%d/%m"),
                    sunday.format("%d/%m")
                ),
                *n,
            )
        })
        .collect();
    l.count_table(w, w.week, &week_rows, s.visits);

    l.heading(w.by_kind);
    let kinds: Vec<(String, usize)> = s
        .visits_by_kind
        .iter()
        .map(|(k, n)| (kind_label(lang, *k).to_owned(), *n))
        .collect();
    l.count_table(w, w.kind, &kinds, s.visits);

    l.heading(w.per_commune);
    // Most people first, then in alphabetical order as people read it
    // (accents ignored), so "Bénévent" comes before "Bugeat".
    let mut communes: Vec<(String, usize)> = s
        .people_by_commune
        .iter()
        .map(|(c, n)| {
            (
                if c.is_empty() {
                    w.no_commune.to_owned()
                } else {
                    c.clone()
                },
                *n,
            )
        })
        .collect();
    communes.sort_by_cached_key(|(c, n)| (std::cmp::Reverse(*n), folded(c)));
    l.count_table(w, w.commune, &communes, s.people);

    l.heading(w.by_agency);
    let agencies: Vec<(String, usize)> = s
        .procedures_by_agency
        .iter()
        .map(|(a, n)| (agency_label(lang, *a).to_owned(), *n))
        .collect();
    l.count_table(w, w.agency, &agencies, s.procedures);

    l.heading(w.by_status);
    let statuses: Vec<(String, usize)> = s
        .procedures_by_status
        .iter()
        .map(|(st, n)| (status_label(lang, *st).to_owned(), *n))
        .collect();
    l.count_table(w, w.status, &statuses, s.procedures);

    l.heading(w.overdue_title);
    let overdue_day = long_date(lang, &s.overdue_before)?;
    let intro = if lang.fr() {
        format!(
            "Tâches non faites dont l'échéance précède le {overdue_day} : {}.",
            s.overdue_tasks.len()
        )
    } else {
        format!(
            "Tasks not done and due before {overdue_day}: {}.",
            s.overdue_tasks.len()
        )
    };
    l.paragraph(LEFT, WIDTH, BODY, Weight::Regular, INK, &intro);
    l.y += 4.0;
    let mut by_assignee: BTreeMap<String, usize> = BTreeMap::new();
    for task in &s.overdue_tasks {
        let name = task.assignee.trim();
        let name = if name.is_empty() { w.nobody_assigned } else { name };
        *by_assignee.entry(name.to_owned()).or_default() += 1;
    }
    let by_assignee: Vec<(String, usize)> = by_assignee.into_iter().collect();
    l.count_table(w, w.assignee, &by_assignee, s.overdue_tasks.len());

    l.heading(w.method_title);
    l.paragraph(LEFT, WIDTH, 8.5, Weight::Regular, GREY, w.method);

    if let Some(visits) = &content.visits_with_notes {
        appendix(&mut l, lang, visits, s)?;
    }

    let mut pages = l.pages;
    add_footers(&mut pages, faces, w, &period);
    Ok(pages)
}

/// The appendix (only with notes): every counted visit with its note, then
/// the overdue tasks in full.
fn appendix(l: &mut Layout<'_>, lang: ReportLanguage, visits: &[AppendixVisit], s: &Statistics) -> Res<()> {
    let w = words(lang);
    l.new_page();
    l.heading(w.appendix_visits);
    if visits.is_empty() {
        l.paragraph(LEFT, WIDTH, BODY, Weight::Regular, GREY, w.none);
    }
    for visit in visits {
        l.room(BODY * LEADING * 3.0);
        let when = match &visit.at {
            Some(at) => local_time_text(lang, at)?,
            None => "-".to_owned(),
        };
        l.paragraph(
            LEFT,
            WIDTH,
            BODY,
            Weight::Bold,
            INK,
            &format!("{when} — {}", visit.person),
        );
        let mut details = vec![visit.worker.clone(), kind_label(lang, visit.kind).to_owned()];
        if let Some(minutes) = visit.duration_min {
            details.push(format!("{minutes} min"));
        }
        l.paragraph(LEFT, WIDTH, 8.5, Weight::Regular, GREY, &details.join(" · "));
        let note = if visit.note.trim().is_empty() {
            w.no_note
        } else {
            visit.note.as_str()
        };
        l.paragraph(LEFT + 8.0, WIDTH - 8.0, BODY, Weight::Regular, INK, note);
        l.y += 8.0;
    }
    l.heading(w.appendix_tasks);
    if s.overdue_tasks.is_empty() {
        l.paragraph(LEFT, WIDTH, BODY, Weight::Regular, GREY, w.none);
    }
    for task in &s.overdue_tasks {
        let assignee = if task.assignee.trim().is_empty() {
            w.nobody_assigned
        } else {
            task.assignee.trim()
        };
        let line = format!(
            "{} — {} — {} ({assignee})",
            long_date(lang, &task.due)?,
            task.person,
            task.title
        );
        l.paragraph(LEFT, WIDTH, BODY, Weight::Regular, INK, &line);
        l.y += 2.0;
    }
    Ok(())
}

fn add_footers(pages: &mut [Vec<Mark>], faces: &Faces, w: &Words, period: &str) {
    let total = pages.len();
    for (i, page) in pages.iter_mut().enumerate() {
        let number = format!("{} {}/{total}", w.page, i + 1);
        let number_width = faces.width(Weight::Regular, 8.0, &number);
        let title = faces.fit(
            Weight::Regular,
            8.0,
            &format!("Carnet · {} · {period}", w.title),
            WIDTH - number_width - 12.0,
        );
        page.push(Mark::Line {
            x1: LEFT,
            y1: FOOTER_Y - 11.0,
            x2: RIGHT,
            y2: FOOTER_Y - 11.0,
            width: 0.4,
            colour: RULE,
        });
        page.push(Mark::Text {
            x: LEFT,
            y: FOOTER_Y,
            size: 8.0,
            weight: Weight::Regular,
            colour: GREY,
            text: title,
        });
        page.push(Mark::Text {
            x: RIGHT - number_width,
            y: FOOTER_Y,
            size: 8.0,
            weight: Weight::Regular,
            colour: GREY,
            text: number,
        });
    }
}

// ---------------------------------------------------------------------------
// Drawing

fn draw(pages: &[Vec<Mark>], faces: &Faces, content: &ReportContent) -> Res<Vec<u8>> {
    let font = |data: &'static [u8]| {
        Font::new(data.into(), 0).ok_or_else(|| {
            DeviceError::Input("the report's font cannot be embedded: reinstall carnet".into())
        })
    };
    let (regular, bold) = (font(REGULAR_FONT)?, font(BOLD_FONT)?);
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
        .ok_or_else(|| DeviceError::Input("the report's page size is not valid".into()))?;
    let paint = |(r, g, b): Colour| rgb::Color::new(r, g, b).into();
    let mut document = krilla::Document::new();
    let w = words(content.language);
    document.set_metadata(
        Metadata::new()
            .title(w.title.to_owned())
            .language(content.language.code().to_owned())
            .creator("Carnet".to_owned()),
    );
    for marks in pages {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        for mark in marks {
            match mark {
                Mark::Text {
                    x,
                    y,
                    size,
                    weight,
                    colour,
                    text,
                } => {
                    surface.set_stroke(None);
                    surface.set_fill(Some(Fill {
                        paint: paint(*colour),
                        opacity: NormalizedF32::ONE,
                        rule: Default::default(),
                    }));
                    let font = match weight {
                        Weight::Regular => regular.clone(),
                        Weight::Bold => bold.clone(),
                    };
                    let glyphs = faces.glyphs(*weight, text);
                    surface.draw_glyphs(Point::from_xy(*x, *y), &glyphs, font, text, *size, false);
                }
                Mark::Rect { x, y, w, h, colour } => {
                    let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) else {
                        continue;
                    };
                    let mut path = PathBuilder::new();
                    path.push_rect(rect);
                    let Some(path) = path.finish() else { continue };
                    surface.set_stroke(None);
                    surface.set_fill(Some(Fill {
                        paint: paint(*colour),
                        opacity: NormalizedF32::ONE,
                        rule: Default::default(),
                    }));
                    surface.draw_path(&path);
                }
                Mark::Line {
                    x1,
                    y1,
                    x2,
                    y2,
                    width,
                    colour,
                } => {
                    let mut path = PathBuilder::new();
                    path.move_to(*x1, *y1);
                    path.line_to(*x2, *y2);
                    let Some(path) = path.finish() else { continue };
                    surface.set_fill(None);
                    surface.set_stroke(Some(Stroke {
                        paint: paint(*colour),
                        width: *width,
                        ..Stroke::default()
                    }));
                    surface.draw_path(&path);
                }
            }
        }
        surface.finish();
        page.finish();
    }
    document
        .finish()
        .map_err(|e| DeviceError::Input(format!("the PDF could not be assembled: {e:?}")))
}

#[cfg(test)]
#[path = "report_tests.rs"]
mod tests;
