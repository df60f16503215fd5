use std::collections::BTreeMap;
use std::path::Path;

use carnet_core::{Agency, NewPerson, NewProcedure, ProcedureId, ProcedureStatus, VisitKind};
use carnet_store::KdfParams;

use super::*;
use crate::demo::{DemoSpec, build_people};
use crate::{Device, VisitInput};

const TODAY: &str = "2026-06-01";

fn notebook(dir: &Path) -> Device {
    Device::init_with(
        dir,
        "passphrase",
        "Anne",
        "tablette",
        KdfParams::INSECURE_FOR_TESTS,
    )
    .unwrap()
}

/// A notebook holding a deterministic demo caseload visited by two workers.
fn demo_notebook(dir: &Path, people: usize) -> Device {
    let mut device = notebook(dir);
    let spec = DemoSpec {
        people,
        seed: 7,
        today: Day::parse(TODAY).unwrap(),
        workers: vec!["Anne".into(), "Bruno".into()],
    };
    let files = build_people(&spec, 0..people, device.store().writer()).unwrap();
    device.store_mut().insert_cases(files).unwrap();
    device
}

fn export(device: &Device, table: CsvTable, filter: &CsvFilter) -> (Vec<u8>, CsvSummary) {
    let mut bytes = Vec::new();
    let summary = device.export_csv(table, filter, &mut bytes).unwrap();
    (bytes, summary)
}

/// The rows of an export, read back with the csv crate, keyed by column name.
fn read_back(bytes: &[u8]) -> (Vec<String>, Vec<BTreeMap<String, String>>) {
    let body = bytes
        .strip_prefix(UTF8_BOM)
        .expect("the export starts with a UTF-8 BOM");
    let mut reader = csv::Reader::from_reader(body);
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    let rows = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            assert_eq!(r.len(), header.len(), "a row has the header's width");
            header.iter().cloned().zip(r.iter().map(str::to_owned)).collect()
        })
        .collect();
    (header, rows)
}

fn views(device: &Device) -> Vec<CaseFileView> {
    device
        .case_ids()
        .unwrap()
        .into_iter()
        .map(|id| device.show(&id.to_string()).unwrap().case)
        .collect()
}

fn cell(row: &BTreeMap<String, String>, column: &str) -> String {
    row[column].clone()
}

#[test]
fn a_demo_caseload_round_trips_through_the_visits_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let device = demo_notebook(tmp.path(), 12);
    let filter = CsvFilter {
        with_notes: true,
        ..CsvFilter::default()
    };
    let (bytes, summary) = export(&device, CsvTable::Visits, &filter);
    let (header, rows) = read_back(&bytes);
    let mut expected_header: Vec<&str> = VISIT_COLUMNS.to_vec();
    expected_header.push("note");
    assert_eq!(header, expected_header);

    let views = views(&device);
    let visits: usize = views.iter().map(|v| v.visits.len()).sum();
    assert!(visits > 20, "the demo has visits to export ({visits})");
    assert_eq!((rows.len(), summary.rows), (visits, visits));
    assert_eq!(
        summary.case_files,
        views.iter().filter(|v| !v.visits.is_empty()).count()
    );
    let by_id: BTreeMap<String, &BTreeMap<String, String>> =
        rows.iter().map(|r| (cell(r, "visit_id"), r)).collect();
    assert_eq!(by_id.len(), visits, "one row per visit");
    for case in &views {
        for visit in &case.visits {
            let row = by_id[&visit.id.to_string()];
            let at = visit.at.as_ref().unwrap().as_str();
            let expected = [
                ("case_id", case.id.to_string()),
                ("person", case.person.name.clone()),
                ("commune", case.person.commune.clone()),
                ("date", at[..10].to_owned()),
                ("time", at[11..].to_owned()),
                ("kind", visit.kind.code().to_owned()),
                ("place", visit.place.clone()),
                ("worker", visit.worker.clone()),
                (
                    "duration_min",
                    visit.duration_min.map(|m| m.to_string()).unwrap_or_default(),
                ),
                ("topics", visit.topics.join("; ")),
                ("people_present", visit.present.join("; ")),
                (
                    "reviewed_by",
                    visit.reviewed.as_ref().map(|r| r.by.clone()).unwrap_or_default(),
                ),
                ("archived", visit.archived.to_string()),
                ("note_chars", visit.note.chars().count().to_string()),
                ("note", visit.note.clone()),
            ];
            for (column, value) in expected {
                assert_eq!(
                    cell(row, column),
                    neutralise(&value),
                    "{column} of visit {}",
                    visit.id
                );
            }
        }
    }
    // Sorted by date and time.
    let dates: Vec<String> = rows.iter().map(|r| cell(r, "date") + &cell(r, "time")).collect();
    assert!(dates.is_sorted());
}

#[test]
fn the_procedures_csv_holds_every_procedure_with_its_current_state() {
    let tmp = tempfile::tempdir().unwrap();
    let device = demo_notebook(tmp.path(), 12);
    let (bytes, summary) = export(&device, CsvTable::Procedures, &CsvFilter::default());
    let (header, rows) = read_back(&bytes);
    assert_eq!(header, PROCEDURE_COLUMNS);
    let views = views(&device);
    let procedures: usize = views.iter().map(|v| v.procedures.len()).sum();
    assert!(procedures > 5, "the demo has procedures to export ({procedures})");
    assert_eq!((rows.len(), summary.rows), (procedures, procedures));
    for case in &views {
        for p in &case.procedures {
            let row = rows
                .iter()
                .find(|r| r["procedure_id"] == p.id.to_string())
                .unwrap();
            let expected = [
                ("case_id", case.id.to_string()),
                ("person", case.person.name.clone()),
                ("commune", case.person.commune.clone()),
                ("agency", p.agency.code().to_owned()),
                ("what", p.what.clone()),
                ("status", p.status.code().to_owned()),
                ("next_step", p.next_step.clone()),
                (
                    "due",
                    p.due.as_ref().map(|d| d.as_str().to_owned()).unwrap_or_default(),
                ),
            ];
            for (column, value) in expected {
                assert_eq!(
                    cell(row, column),
                    neutralise(&value),
                    "{column} of procedure {}",
                    p.id
                );
            }
        }
    }
}

#[test]
fn accents_separators_and_formulas_survive_as_text_in_a_file_spreadsheets_open() {
    let tmp = tempfile::tempdir().unwrap();
    let mut device = notebook(tmp.path());
    let case = device
        .add_person(NewPerson {
            name: "Éloïse Müller-Ngô".into(),
            commune: "Saint-Étienne, Loire".into(),
            ..NewPerson::default()
        })
        .unwrap()
        .id
        .to_string();
    let note = "Rendez-vous à 14h, \"urgent\" ; dossier CAF.\nRappeler lundi,\r\nsans faute.";
    device
        .add_visit(
            &case,
            VisitInput {
                at: Some(carnet_core::LocalDateTime::parse("2026-05-12T14:00").unwrap()),
                place: "=HYPERLINK(\"http://example.invalid\",\"ici\")".into(),
                kind: Some(VisitKind::Office),
                present: vec!["Mme Müller".into(), "+33 6 12 34 56 78".into()],
                topics: vec!["CAF".into(), "logement, énergie".into()],
                duration_min: Some(30),
                note: note.into(),
            },
        )
        .unwrap();
    device
        .add_procedure(
            &case,
            NewProcedure {
                id: ProcedureId::random(),
                agency: Agency::Caf,
                what: "@SUM(1+1)".into(),
                status: ProcedureStatus::Submitted,
                next_step: "-10 € de trop-perçu à contester".into(),
                due: None,
            },
        )
        .unwrap();

    let filter = CsvFilter {
        with_notes: true,
        ..CsvFilter::default()
    };
    let (bytes, _) = export(&device, CsvTable::Visits, &filter);
    assert!(bytes.starts_with(b"\xEF\xBB\xBFcase_id,person,commune,visit_id,date,time,"));
    let header_end = bytes.windows(2).position(|w| w == b"\r\n").unwrap();
    assert!(!bytes[..header_end].contains(&b'\n'), "the header ends with CRLF");
    assert!(bytes.ends_with(b"\r\n"), "the last row ends with CRLF");
    let text = std::str::from_utf8(&bytes).unwrap();
    assert!(text.contains("\"Saint-Étienne, Loire\""), "a comma is quoted");
    assert!(text.contains("\"\"urgent\"\""), "a quote is doubled");

    let (_, rows) = read_back(&bytes);
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row["person"], "Éloïse Müller-Ngô");
    assert_eq!(row["commune"], "Saint-Étienne, Loire");
    assert_eq!(row["note"], note, "commas, quotes and new lines survive");
    assert_eq!(row["note_chars"], note.chars().count().to_string());
    assert_eq!(row["place"], "'=HYPERLINK(\"http://example.invalid\",\"ici\")");
    assert_eq!(row["people_present"], "Mme Müller; +33 6 12 34 56 78");
    assert_eq!(row["topics"], "CAF; logement, énergie");
    assert_eq!(
        (row["date"].as_str(), row["time"].as_str()),
        ("2026-05-12", "14:00")
    );
    assert_eq!(
        (row["kind"].as_str(), row["duration_min"].as_str()),
        ("office", "30")
    );

    let (without_notes, _) = export(&device, CsvTable::Visits, &CsvFilter::default());
    let (header, rows) = read_back(&without_notes);
    assert!(!header.iter().any(|h| h == "note"));
    assert!(
        !String::from_utf8(without_notes).unwrap().contains("Rappeler"),
        "no note text by default"
    );
    assert_eq!(rows[0]["note_chars"], note.chars().count().to_string());

    let (bytes, _) = export(&device, CsvTable::Procedures, &CsvFilter::default());
    let (_, rows) = read_back(&bytes);
    assert_eq!(rows[0]["what"], "'@SUM(1+1)");
    assert_eq!(rows[0]["next_step"], "'-10 € de trop-perçu à contester");
    assert_eq!(rows[0]["status"], "submitted");
}

#[test]
fn cells_that_start_like_a_formula_get_an_apostrophe() {
    let cases = [
        ("=1+1", "'=1+1"),
        ("+33 6", "'+33 6"),
        ("-2", "'-2"),
        ("@A1", "'@A1"),
        ("\tx", "'\tx"),
        ("a=b", "a=b"),
        ("Éloïse", "Éloïse"),
        ("", ""),
    ];
    for (cell, written) in cases {
        assert_eq!(neutralise(cell), written, "{cell:?}");
    }
}

#[test]
fn from_to_and_worker_choose_the_visits_and_the_people_whose_procedures_are_listed() {
    let tmp = tempfile::tempdir().unwrap();
    let device = demo_notebook(tmp.path(), 20);
    let views = views(&device);
    let (from, to) = (
        Day::parse("2026-01-01").unwrap(),
        Day::parse("2026-03-31").unwrap(),
    );
    let in_period = |v: &carnet_core::Visit| {
        let day = v.at.as_ref().unwrap().day();
        day >= from && day <= to
    };

    let period = CsvFilter {
        from: Some(from.clone()),
        to: Some(to.clone()),
        ..CsvFilter::default()
    };
    let (bytes, _) = export(&device, CsvTable::Visits, &period);
    let (_, rows) = read_back(&bytes);
    let expected = views
        .iter()
        .flat_map(|c| &c.visits)
        .filter(|v| in_period(v))
        .count();
    let total: usize = views.iter().map(|c| c.visits.len()).sum();
    assert!(
        expected > 0 && expected < total,
        "the period keeps some visits ({expected} of {total})"
    );
    assert_eq!(rows.len(), expected);
    assert!(
        rows.iter()
            .all(|r| r["date"].as_str() >= "2026-01-01" && r["date"].as_str() <= "2026-03-31")
    );

    let bruno = CsvFilter {
        worker: Some(" bruno ".into()),
        ..period.clone()
    };
    let (bytes, _) = export(&device, CsvTable::Visits, &bruno);
    let (_, rows) = read_back(&bytes);
    let expected = views
        .iter()
        .flat_map(|c| &c.visits)
        .filter(|v| in_period(v) && v.worker == "Bruno")
        .count();
    assert!(expected > 0, "Bruno visited someone in the period");
    assert_eq!(rows.len(), expected);
    assert!(rows.iter().all(|r| r["worker"] == "Bruno"));

    let only_from = CsvFilter {
        from: Some(Day::parse("2026-05-01").unwrap()),
        ..CsvFilter::default()
    };
    let (bytes, _) = export(&device, CsvTable::Visits, &only_from);
    let (_, rows) = read_back(&bytes);
    let expected = views
        .iter()
        .flat_map(|c| &c.visits)
        .filter(|v| v.at.as_ref().unwrap().as_str() >= "2026-05-01")
        .count();
    assert_eq!(rows.len(), expected);

    let (bytes, summary) = export(&device, CsvTable::Procedures, &bruno);
    let (_, rows) = read_back(&bytes);
    let people: Vec<&CaseFileView> = views
        .iter()
        .filter(|c| c.visits.iter().any(|v| in_period(v) && v.worker == "Bruno"))
        .collect();
    let expected: usize = people.iter().map(|c| c.procedures.len()).sum();
    assert_eq!((rows.len(), summary.rows), (expected, expected));
    assert!(
        rows.iter()
            .all(|r| people.iter().any(|c| c.id.to_string() == r["case_id"]))
    );
}

#[test]
fn an_empty_notebook_exports_the_header_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let device = notebook(tmp.path());
    let (bytes, summary) = export(&device, CsvTable::Procedures, &CsvFilter::default());
    assert_eq!(
        bytes,
        b"\xEF\xBB\xBFcase_id,person,commune,procedure_id,agency,what,status,next_step,due\r\n"
    );
    assert_eq!((summary.rows, summary.case_files), (0, 0));
}
