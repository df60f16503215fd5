use std::collections::BTreeMap;

use carnet_core::{CaseId, TaskId};
use carnet_store::KdfParams;

use super::*;
use crate::stats::{OverdueTask, WeekCount};

fn day(text: &str) -> Day {
    Day::parse(text).unwrap()
}

const NAME: &str = "Hélène Roux";
const TASK_TITLE: &str = "Rappeler la CAF pour le dossier de Mme Roux";
const NOTE: &str = "Dossier RSA à compléter avec Mme Roux.\n\nSœur présente ; rappeler l'assistante sociale.";

/// A quarter with three weeks of visits (5, 0, 7), two communes, two
/// agencies and one overdue task.
fn statistics() -> Statistics {
    Statistics {
        filter: StatsFilter {
            from: Some(day("2026-01-01")),
            to: Some(day("2026-03-31")),
            worker: None,
        },
        visits: 12,
        visits_per_week: vec![
            WeekCount {
                week: "2026-W02".into(),
                start: day("2026-01-05"),
                visits: 5,
            },
            WeekCount {
                week: "2026-W03".into(),
                start: day("2026-01-12"),
                visits: 0,
            },
            WeekCount {
                week: "2026-W04".into(),
                start: day("2026-01-19"),
                visits: 7,
            },
        ],
        undated_visits: 0,
        visits_by_kind: BTreeMap::from([(VisitKind::Home, 8), (VisitKind::Phone, 4)]),
        minutes: 605,
        visits_without_duration: 1,
        people: 5,
        people_by_commune: BTreeMap::from([
            ("Bugeat".to_owned(), 2),
            ("Bénévent-l'Abbaye".to_owned(), 2),
            ("Felletin".to_owned(), 1),
            ("Égletons".to_owned(), 4),
        ]),
        procedures: 4,
        procedures_by_agency: BTreeMap::from([(Agency::Caf, 3), (Agency::Cpam, 1)]),
        procedures_by_status: BTreeMap::from([
            (ProcedureStatus::InProgress, 2),
            (ProcedureStatus::Submitted, 2),
        ]),
        overdue_before: day("2026-03-31"),
        overdue_tasks: vec![OverdueTask {
            case_id: CaseId::random(),
            person: NAME.into(),
            task_id: TaskId::random(),
            title: TASK_TITLE.into(),
            due: day("2026-03-02"),
            assignee: "Anne Leroy".into(),
        }],
    }
}

fn content(language: ReportLanguage, with_notes: bool) -> ReportContent {
    ReportContent {
        language,
        statistics: statistics(),
        worker: None,
        team: Some("5f0c8a2e-3b1d-4c6e-9a7f-2d8e1b4c6a90".into()),
        author: "Anne Leroy".into(),
        device_name: "tablette Anne".into(),
        generated: LocalDateTime::parse("2026-04-02T09:30").unwrap(),
        visits_with_notes: with_notes.then(|| {
            vec![AppendixVisit {
                at: Some(LocalDateTime::parse("2026-01-06T10:00").unwrap()),
                person: NAME.into(),
                worker: "Anne Leroy".into(),
                kind: VisitKind::Home,
                duration_min: Some(45),
                note: NOTE.into(),
            }]
        }),
    }
}

fn faces() -> Faces {
    Faces::load().unwrap()
}

/// Every text of every page, one line each, in drawing order.
fn texts(pages: &[Vec<Mark>]) -> String {
    let mut out = String::new();
    for page in pages {
        for mark in page {
            if let Mark::Text { text, .. } = mark {
                out.push_str(text);
                out.push('\n');
            }
        }
    }
    out
}

/// Whitespace runs as one space, as a reader sees wrapped text.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn text_at<'m>(pages: &'m [Vec<Mark>], wanted: &str) -> (usize, &'m Mark) {
    pages
        .iter()
        .enumerate()
        .flat_map(|(i, page)| page.iter().map(move |m| (i, m)))
        .find(|(_, m)| matches!(m, Mark::Text { text, .. } if text == wanted))
        .unwrap_or_else(|| panic!("no text {wanted:?}"))
}

/// The bar drawn on the row of the table whose label is `label`.
fn row_bar(pages: &[Vec<Mark>], label: &str) -> f32 {
    let (page, Mark::Text { y: baseline, .. }) = text_at(pages, label) else {
        unreachable!()
    };
    pages[page]
        .iter()
        .find_map(|m| match m {
            Mark::Rect { y, w, h, colour, .. }
                if *colour == BAR && *h < 10.0 && *y < *baseline && *baseline < y + 15.0 =>
            {
                Some(*w)
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("no bar on the row of {label:?}"))
}

#[test]
fn the_embedded_fonts_have_every_letter_of_french() {
    let faces = faces();
    for weight in [Weight::Regular, Weight::Bold] {
        for c in "éèêëàâäçîïôöùûüÿœæÉÈÊÀÂÇÎÔÙÛŒÆ«»’–—…€°".chars() {
            let glyph = faces.face(weight).glyph_index(c);
            assert!(glyph.is_some_and(|g| g.0 != 0), "{c:?} missing in {weight:?}");
            assert!(faces.width(weight, 10.0, &c.to_string()) > 0.0, "{c:?}");
        }
    }
}

#[test]
fn wrapped_lines_fit_their_width_and_keep_every_word() {
    let faces = faces();
    let text = format!("{NOTE}\n{}\nfin", "x".repeat(300));
    for width in [60.0, 200.0, WIDTH] {
        let lines = faces.wrap(Weight::Regular, BODY, &text, width);
        for line in &lines {
            assert!(
                faces.width(Weight::Regular, BODY, line) <= width + 0.01,
                "{line:?} at {width}"
            );
        }
        assert_eq!(
            flat(&lines.concat()).replace(' ', ""),
            flat(&text).replace(' ', "")
        );
        // Paragraph breaks survive: the blank line of the note is kept.
        assert!(lines.iter().any(String::is_empty));
    }
    let fitted = faces.fit(Weight::Bold, 12.0, "Châteauneuf-la-Forêt-sur-Vienne", 80.0);
    assert!(fitted.ends_with('…'), "{fitted}");
    assert!(faces.width(Weight::Bold, 12.0, &fitted) <= 80.0);
    assert_eq!(faces.fit(Weight::Bold, 12.0, "Ahun", 80.0), "Ahun");
}

#[test]
fn days_and_periods_are_written_out_in_each_language() {
    let cases = [
        (ReportLanguage::Fr, "2026-02-01", "1er février 2026"),
        (ReportLanguage::Fr, "2026-08-15", "15 août 2026"),
        (ReportLanguage::Fr, "2026-12-31", "31 décembre 2026"),
        (ReportLanguage::En, "2026-02-01", "1 February 2026"),
        (ReportLanguage::En, "2026-12-31", "31 December 2026"),
    ];
    for (lang, d, expected) in cases {
        assert_eq!(long_date(lang, &day(d)).unwrap(), expected);
    }
    let (from, to) = (day("2026-01-01"), day("2026-03-31"));
    assert_eq!(
        period_text(ReportLanguage::Fr, &from, &to).unwrap(),
        "du 1er janvier 2026 au 31 mars 2026"
    );
    assert_eq!(
        period_text(ReportLanguage::En, &from, &to).unwrap(),
        "1 January 2026 to 31 March 2026"
    );
    assert_eq!(duration_text(605), "10 h 05 min");
    assert_eq!(duration_text(0), "0 h 00 min");
}

#[test]
fn chart_scales_step_by_one_two_or_five() {
    for (most, step) in [
        (0, 1),
        (4, 1),
        (5, 2),
        (7, 2),
        (14, 5),
        (40, 10),
        (41, 20),
        (250, 100),
    ] {
        assert_eq!(scale_step(most), step, "most {most}");
    }
}

#[test]
fn the_report_states_the_figures_of_the_statistics() {
    let pages = lay_out(&content(ReportLanguage::Fr, false), &faces()).unwrap();
    let text = flat(&texts(&pages));
    for expected in [
        "Rapport d'activité",
        "Période : du 1er janvier 2026 au 31 mars 2026",
        "Équipe : 5f0c8a2e",
        "Intervenant : toute l'équipe",
        "Établi le 2 avril 2026 à 09:30, Anne Leroy (tablette Anne)",
        "12 visites auprès de 5 personnes, pour 10 h 05 min de temps passé (1 visite sans durée renseignée). \
         4 démarches suivies pour ces personnes ; 1 tâche non faite dont l'échéance précède le 31 mars 2026.",
        "2026-W03 (12/01 – 18/01) 0 0 %",
        "CPAM (Assurance maladie) 1 25 %",
        "Par téléphone 4 33 %",
        "Tâches non faites dont l'échéance précède le 31 mars 2026 : 1.",
        "Anne Leroy 1 100 %",
    ] {
        assert!(text.contains(expected), "{expected:?} not in {text}");
    }
}

#[test]
fn without_notes_no_name_task_or_note_is_printed() {
    let pages = lay_out(&content(ReportLanguage::Fr, false), &faces()).unwrap();
    let text = flat(&texts(&pages));
    for private in [NAME, "Roux", "Rappeler la CAF", "Dossier RSA"] {
        assert!(!text.contains(private), "{private:?} printed without notes");
    }
    assert!(text.contains("ne contient ni nom de personne accompagnée ni note de visite"));
}

#[test]
fn with_notes_the_appendix_lists_the_visits_and_the_overdue_tasks() {
    let pages = lay_out(&content(ReportLanguage::Fr, true), &faces()).unwrap();
    let text = flat(&texts(&pages));
    for expected in [
        "Annexe : visites de la période",
        "6 janvier 2026 à 10:00 — Hélène Roux",
        "Anne Leroy · À domicile · 45 min",
        &flat(NOTE),
        "2 mars 2026 — Hélène Roux — Rappeler la CAF pour le dossier de Mme Roux (Anne Leroy)",
        "contient des noms et des notes de visite",
    ] {
        assert!(text.contains(expected), "{expected:?} not in {text}");
    }
    // The appendix starts on a page of its own.
    let (page, _) = text_at(&pages, "Annexe : visites de la période");
    assert!(page > 0);
    assert!(
        !pages[page - 1]
            .iter()
            .any(|m| matches!(m, Mark::Text { text, .. } if text.contains(NAME)))
    );
}

#[test]
fn bars_are_proportional_to_their_counts() {
    let pages = lay_out(&content(ReportLanguage::Fr, false), &faces()).unwrap();
    let caf = row_bar(&pages, "CAF");
    let cpam = row_bar(&pages, "CPAM (Assurance maladie)");
    assert!((caf / cpam - 3.0).abs() < 0.001, "{caf} / {cpam}");
    assert!(
        (caf - (RIGHT - LEFT - 330.0)).abs() < 0.001,
        "the largest count fills the column"
    );
    assert!((row_bar(&pages, "Égletons") / row_bar(&pages, "Felletin") - 4.0).abs() < 0.001);

    // The week chart: one bar per week with visits, 5 and 7 high, on one base.
    let chart: Vec<(f32, f32)> = pages[0]
        .iter()
        .filter_map(|m| match m {
            Mark::Rect { y, h, colour, .. } if *colour == BAR && *h > 10.0 => Some((*y + *h, *h)),
            _ => None,
        })
        .collect();
    assert_eq!(chart.len(), 2, "{chart:?}");
    assert!((chart[0].0 - chart[1].0).abs() < 0.001);
    assert!((chart[0].1 / chart[1].1 - 5.0 / 7.0).abs() < 0.001);
}

#[test]
fn communes_are_listed_most_people_first_then_as_people_read_them() {
    let pages = lay_out(&content(ReportLanguage::Fr, false), &faces()).unwrap();
    let text = texts(&pages);
    let at = |name: &str| text.find(&format!("{name}\n")).unwrap();
    assert!(at("Égletons") < at("Bénévent-l'Abbaye"));
    assert!(at("Bénévent-l'Abbaye") < at("Bugeat"));
    assert!(at("Bugeat") < at("Felletin"));
}

#[test]
fn english_reports_use_english_words() {
    let pages = lay_out(&content(ReportLanguage::En, true), &faces()).unwrap();
    let text = flat(&texts(&pages));
    for expected in [
        "Activity report",
        "Period: 1 January 2026 to 31 March 2026",
        "12 visits to 5 people, 10 h 05 min spent",
        "CPAM (health insurance) 1 25%",
        "Appendix: visits of the period",
        "6 January 2026 at 10:00 — Hélène Roux",
    ] {
        assert!(text.contains(expected), "{expected:?} not in {text}");
    }
    assert!(!text.contains("visites"));
}

#[test]
fn every_mark_stays_inside_its_page_and_every_page_has_its_footer() {
    let faces = faces();
    let mut content = content(ReportLanguage::Fr, true);
    let s = &mut content.statistics;
    // A year of weeks, a commune with a very long name, many long notes.
    s.visits_per_week = (0..53)
        .map(|i| {
            let monday = NaiveDate::from_ymd_opt(2025, 12, 29).unwrap() + chrono::Days::new(7 * i);
            WeekCount {
                week: crate::stats::iso_week(monday),
                start: day(&monday.format("%Y-%m-%d").to_string()),
                visits: usize::try_from(i % 9).unwrap(),
            }
        })
        .collect();
    s.people_by_commune.insert(
        "Saint-Martin-de-la-Très-Longue-Commune-aux-Noms-Composés".repeat(3),
        1,
    );
    let visit = content.visits_with_notes.as_ref().unwrap()[0].clone();
    let long_note = format!("{}\n{}", NOTE.repeat(12), "sans-espace".repeat(40));
    content.visits_with_notes = Some(
        (0..40)
            .map(|_| AppendixVisit {
                note: long_note.clone(),
                ..visit.clone()
            })
            .collect(),
    );

    let pages = lay_out(&content, &faces).unwrap();
    assert!(pages.len() > 5, "{} pages", pages.len());
    for (i, page) in pages.iter().enumerate() {
        let footer = format!("page {}/{}", i + 1, pages.len());
        assert!(
            page.iter()
                .any(|m| matches!(m, Mark::Text { text, .. } if *text == footer)),
            "no {footer:?}"
        );
        for mark in page {
            match mark {
                Mark::Text {
                    x,
                    y,
                    size,
                    weight,
                    text,
                    ..
                } => {
                    let right = x + faces.width(*weight, *size, text);
                    assert!(
                        *x >= LEFT - 0.01 && right <= RIGHT + 0.01,
                        "{text:?} from {x} to {right}"
                    );
                    let bottom = if text.starts_with("page ") || text.starts_with("Carnet · ") {
                        FOOTER_Y
                    } else {
                        BOTTOM
                    };
                    assert!(
                        *y >= TOP && *y <= bottom + 0.01,
                        "{text:?} at y {y} on page {}",
                        i + 1
                    );
                }
                Mark::Rect { x, y, w, h, .. } => {
                    assert!(
                        *x >= LEFT - 0.01 && x + w <= RIGHT + 0.01,
                        "rect from {x} width {w}"
                    );
                    assert!(
                        *y >= TOP - 0.01 && y + h <= BOTTOM + 0.01,
                        "rect at {y} height {h}"
                    );
                }
                Mark::Line { x1, x2, .. } => {
                    assert!(*x1 >= LEFT - 0.01 && *x2 <= RIGHT + 0.01);
                }
            }
        }
    }
}

#[test]
fn render_gives_a_pdf_with_a_subset_of_the_font_embedded() {
    let content = content(ReportLanguage::Fr, true);
    let pdf = render(&content).unwrap();
    assert!(pdf.bytes.starts_with(b"%PDF-"));
    assert!(pdf.bytes.ends_with(b"%%EOF\n") || pdf.bytes.ends_with(b"%%EOF"));
    assert_eq!(pdf.pages, lay_out(&content, &faces()).unwrap().len());
    let raw = String::from_utf8_lossy(&pdf.bytes);
    assert!(raw.contains("DejaVuSans"), "the font is named in the PDF");
    assert!(raw.contains("/FontFile2"), "the font program is embedded");
    // Both faces whole weigh 1.4 MB: a report this short carries subsets.
    assert!(pdf.bytes.len() < 150_000, "{} bytes", pdf.bytes.len());
}

// On a device: the same figures as `carnet stats`, and the checks.

fn demo_device(dir: &std::path::Path) -> Device {
    let mut device = Device::init_with(
        dir,
        "passphrase",
        "Anne",
        "tablette",
        KdfParams::INSECURE_FOR_TESTS,
    )
    .unwrap();
    device.demo(12, 3, Some(day("2026-06-01"))).unwrap();
    device
}

fn options(worker: Option<&str>, with_notes: bool) -> ReportOptions {
    ReportOptions {
        from: day("2026-01-01"),
        to: day("2026-05-31"),
        worker: worker.map(str::to_owned),
        with_notes,
        language: ReportLanguage::Fr,
    }
}

#[test]
fn a_device_report_holds_the_statistics_of_the_same_period_and_worker() {
    let tmp = tempfile::tempdir().unwrap();
    let device = demo_device(tmp.path());
    let content = device.report_content(&options(Some("  ANNE "), false)).unwrap();
    let stats = device
        .statistics(&StatsFilter {
            from: Some(day("2026-01-01")),
            to: Some(day("2026-05-31")),
            worker: Some("  ANNE ".into()),
        })
        .unwrap();
    assert!(stats.visits > 0);
    assert_eq!(content.statistics, stats);
    assert_eq!(
        content.worker.as_deref(),
        Some("Anne"),
        "spelt as in the case files"
    );
    assert_eq!(content.visits_with_notes, None);
    assert_eq!(content.team, None);

    let with_notes = device.report_content(&options(None, true)).unwrap();
    let visits = with_notes.visits_with_notes.unwrap();
    assert_eq!(visits.len(), with_notes.statistics.visits);
    assert!(visits.windows(2).all(|p| p[0].at <= p[1].at), "oldest first");
    assert!(visits.iter().all(|v| !v.note.is_empty()));

    let pdf = device.activity_report_pdf(&options(None, false)).unwrap();
    assert!(pdf.bytes.starts_with(b"%PDF-") && pdf.pages >= 1);
}

#[test]
fn an_unknown_worker_or_a_backwards_period_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let device = demo_device(tmp.path());
    let err = device
        .activity_report_pdf(&options(Some("Zoé Personne"), false))
        .unwrap_err();
    assert_eq!(err.kind(), "invalid_input");
    assert!(err.to_string().contains("\"Zoé Personne\""), "{err}");
    assert!(
        err.to_string().contains("Anne"),
        "the known workers are named: {err}"
    );

    let backwards = ReportOptions {
        from: day("2026-05-01"),
        to: day("2026-04-01"),
        ..options(None, false)
    };
    let err = device.activity_report_pdf(&backwards).unwrap_err();
    assert_eq!(err.kind(), "invalid_input");
    assert!(err.to_string().contains("give --from before --to"), "{err}");
}
