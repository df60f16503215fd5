//! The `carnet` binary: `report --pdf`, run as a team lead would on a
//! notebook filled by `demo` with a known seed and day, and the PDF read
//! back as a reader would, with poppler's `pdftotext` and `pdftoppm`
//! (Debian's poppler-utils, installed by scripts/setup).

// The helpers below are test code: a failure should stop the test loudly.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

use carnet_core::{Agency, CaseFileView, Day};
use carnet_device::{Device, ReportLanguage, agency_label};
use carnet_store::KdfParams;

mod common;
use common::{PASSPHRASE, carnet};

const FROM: &str = "2026-02-01";
const TO: &str = "2026-04-30";

fn notebook(dir: &Path) -> Vec<CaseFileView> {
    let mut device =
        Device::init_with(dir, PASSPHRASE, "Anne", "tablette", KdfParams::INSECURE_FOR_TESTS).unwrap();
    device
        .demo(20, 5, Some(Day::parse("2026-06-01").unwrap()))
        .unwrap();
    device
        .case_ids()
        .unwrap()
        .into_iter()
        .map(|id| device.store().load(id).unwrap().file.view())
        .collect()
}

fn json(output: &Output) -> serde_json::Value {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// Runs a poppler tool; a missing tool fails the test with what to install.
fn poppler(tool: &str, args: &[&str]) -> Output {
    let output = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{tool} could not run ({e}): install poppler-utils (scripts/setup)"));
    assert!(
        output.status.success(),
        "{tool} {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// The PDF's text as `pdftotext -layout` reads it, whitespace runs as one
/// space (table rows stay on one line; wrapped sentences join up).
fn pdf_text(pdf: &Path) -> String {
    let output = poppler("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"]);
    let text = String::from_utf8(output.stdout).unwrap();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn report(dir: &Path, out: &Path, extra: &[&str]) -> serde_json::Value {
    let out = out.to_str().unwrap();
    let args = [
        &[
            "--json", "report", "--pdf", "--from", FROM, "--to", TO, "--out", out,
        ],
        extra,
    ]
    .concat();
    json(&carnet(dir, &args))
}

/// The counted visits of the period: not archived, both ends included.
fn visits_in_period(cases: &[CaseFileView]) -> Vec<(&CaseFileView, &carnet_core::Visit)> {
    cases
        .iter()
        .flat_map(|c| c.visits.iter().map(move |v| (c, v)))
        .filter(|(_, v)| {
            let day = v.at.as_ref().map(|at| at.day().as_str().to_owned());
            !v.archived && day.is_some_and(|d| (FROM..=TO).contains(&d.as_str()))
        })
        .collect()
}

#[test]
fn the_report_prints_the_figures_of_stats_and_no_names_or_notes_unless_asked() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("notebook");
    let cases = notebook(&dir);
    let stats = json(&carnet(&dir, &["--json", "stats", "--from", FROM, "--to", TO]));
    let visits = stats["visits"].as_u64().unwrap();
    assert!(visits > 1, "{stats}");

    let pdf = tmp.path().join("rapport.pdf");
    let answer = report(&dir, &pdf, &[]);
    let bytes = std::fs::metadata(&pdf).unwrap().len();
    assert_eq!(answer["file"], pdf.to_str().unwrap());
    assert_eq!(answer["bytes"].as_u64(), Some(bytes));
    let pages = answer["pages"].as_u64().unwrap();
    assert!(pages >= 2, "{answer}");
    let raw = poppler("pdftotext", &[pdf.to_str().unwrap(), "-"]).stdout;
    assert_eq!(
        raw.iter().filter(|b| **b == 0x0c).count() as u64,
        pages,
        "one form feed per page"
    );

    let text = pdf_text(&pdf);
    // The period, and the words with accents as they were written.
    for expected in [
        "Rapport d'activité",
        "Période : du 1er février 2026 au 30 avril 2026",
        "Intervenant : toute l'équipe",
        "Démarches des personnes rencontrées, par organisme",
    ] {
        assert!(text.contains(expected), "{expected:?} not in {text}");
    }
    // The key figures, as `carnet stats --json` gives them.
    let minutes = stats["minutes"].as_i64().unwrap();
    let time = format!("{} h {:02} min", minutes / 60, minutes % 60);
    let sentence = format!(
        "{visits} visites auprès de {} personnes, pour {time} de temps passé",
        stats["people"]
    );
    assert!(text.contains(&sentence), "{sentence:?} not in {text}");
    let (code, count) = stats["procedures_by_agency"]
        .as_object()
        .unwrap()
        .iter()
        .max_by_key(|(_, n)| n.as_u64())
        .unwrap();
    let label = agency_label(ReportLanguage::Fr, Agency::parse(code).unwrap());
    let row = format!("{label} {count} ");
    assert!(text.contains(&row), "{row:?} not in {text}");

    // Nobody's name, no note.
    for case in &cases {
        assert!(
            !text.contains(&case.person.name),
            "{:?} printed without --with-notes",
            case.person.name
        );
        for visit in &case.visits {
            let start: String = flat(&visit.note).chars().take(40).collect();
            assert!(
                !text.contains(&start),
                "a note printed without --with-notes: {start:?}"
            );
        }
    }

    // Page 1 renders.
    let prefix = tmp.path().join("page");
    poppler(
        "pdftoppm",
        &[
            "-r",
            "50",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            pdf.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    let pngs: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    assert_eq!(pngs.len(), 1, "{pngs:?}");
    let png = std::fs::read(&pngs[0]).unwrap();
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 1000,
        "{} bytes",
        png.len()
    );

    // With notes: the visits of the period, each with its person and note.
    let with_notes = tmp.path().join("avec-notes.pdf");
    let answer = report(&dir, &with_notes, &["--with-notes"]);
    assert!(answer["pages"].as_u64().unwrap() > pages);
    let text = pdf_text(&with_notes);
    let counted = visits_in_period(&cases);
    assert_eq!(counted.len() as u64, visits);
    let (case, visit) = counted[0];
    let words: Vec<&str> = visit.note.split_whitespace().take(12).collect();
    assert!(text.contains(&words.join(" ")), "{words:?} not in {text}");
    assert!(text.contains(&case.person.name));
    assert!(text.contains("Annexe : visites de la période"));
}

#[test]
fn the_report_speaks_english_and_narrows_to_one_worker() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("notebook");
    notebook(&dir);
    let stats = json(&carnet(
        &dir,
        &["--json", "stats", "--from", FROM, "--to", TO, "--worker", "anne"],
    ));
    let pdf = tmp.path().join("report.pdf");
    report(&dir, &pdf, &["--lang", "en", "--worker", "anne"]);
    let text = pdf_text(&pdf);
    for expected in [
        "Activity report".to_owned(),
        "Period: 1 February 2026 to 30 April 2026".to_owned(),
        "Worker: Anne".to_owned(),
        format!("{} visits to {} people", stats["visits"], stats["people"]),
    ] {
        assert!(text.contains(&expected), "{expected:?} not in {text}");
    }
    assert!(!text.contains("visites"), "{text}");
}

#[test]
fn bad_input_is_refused_and_writes_no_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("notebook");
    notebook(&dir);
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let pdf = out.join("r.pdf");
    let pdf_arg = pdf.to_str().unwrap();
    let run = |args: &[&str]| carnet(&dir, &[&["report", "--pdf"], args].concat());

    let backwards = run(&["--from", "2026-05-01", "--to", "2026-04-01", "--out", pdf_arg]);
    assert_eq!(backwards.status.code(), Some(5));
    assert!(String::from_utf8_lossy(&backwards.stderr).contains("give --from before --to"));

    let unknown = carnet(
        &dir,
        &[
            "--json",
            "report",
            "--pdf",
            "--from",
            FROM,
            "--to",
            TO,
            "--worker",
            "Zoé Personne",
            "--out",
            pdf_arg,
        ],
    );
    assert_eq!(unknown.status.code(), Some(5));
    let error: serde_json::Value = serde_json::from_slice(&unknown.stdout).unwrap();
    assert_eq!(error["error"]["kind"], "invalid_input");
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("\"Zoé Personne\""),
        "{error}"
    );

    let bad_day = run(&["--from", "2026-02-30", "--to", TO, "--out", pdf_arg]);
    assert_eq!(bad_day.status.code(), Some(5));

    let missing = tmp.path().join("no-such-folder").join("r.pdf");
    let unwritable = run(&["--from", FROM, "--to", TO, "--out", missing.to_str().unwrap()]);
    assert!(!unwritable.status.success());
    let message = String::from_utf8_lossy(&unwritable.stderr);
    assert!(message.contains("no-such-folder"), "{message}");

    let onto_folder = run(&["--from", FROM, "--to", TO, "--out", out.to_str().unwrap()]);
    assert_eq!(onto_folder.status.code(), Some(5));
    assert!(String::from_utf8_lossy(&onto_folder.stderr).contains("is a directory"));

    let no_format = carnet(&dir, &["report", "--from", FROM, "--to", TO, "--out", pdf_arg]);
    assert_eq!(no_format.status.code(), Some(2), "--pdf is required");

    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0, "no file written");
    assert!(!tmp.path().join("no-such-folder").exists());
    assert!(!tmp.path().join("out.partial").exists());
}
