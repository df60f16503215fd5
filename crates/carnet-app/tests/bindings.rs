//! The UI's TypeScript types are generated from the Rust types that cross
//! the command boundary ([`carnet_app::commands::visit_api_types`] and their
//! dependencies), one file per type in `ui/src/lib/api/bindings/` plus an
//! `index.ts` that re-exports them all.
//!
//! `the_ui_types_match_the_rust_types` fails when the committed files differ
//! from what the Rust types give now, or when a file is missing or left over;
//! with `CARNET_WRITE_BINDINGS=1` it writes them instead (and removes stale
//! ones). `the_json_of_every_command_matches_the_ui_types` runs every command
//! and checks its real JSON against the generated types, which catches the
//! serde attributes ts-rs does not follow.

use std::any::TypeId;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use carnet_app::Session;
use carnet_app::commands::call;
use carnet_store::KdfParams;
use serde_json::{Value, json};
use ts_rs::{Config, TS, TypeVisitor};

const REGENERATE: &str = "CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings";

fn header() -> String {
    format!("// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: {REGENERATE}\n")
}

/// Where the files go, from the repository's root.
const BINDINGS: &str = "ui/src/lib/api/bindings";

fn bindings_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(BINDINGS)
}

/// The generation settings. JSON numbers reach the UI as `number`, not
/// `bigint`: the `i64`/`u64` the API sends (counts, milliseconds since the
/// epoch, years) stay far below 2^53.
fn config() -> Config {
    Config::new().with_large_int("number")
}

/// Every exported type, reached from the API's types through their
/// dependencies: file name → (Rust type, TypeScript text).
struct Collect<'a> {
    cfg: &'a Config,
    files: BTreeMap<String, (TypeId, &'static str, String)>,
    problems: Vec<String>,
}

impl TypeVisitor for Collect<'_> {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        let Some(path) = T::output_path() else {
            return;
        };
        let name = path.to_string_lossy().into_owned();
        let rust = std::any::type_name::<T>();
        if let Some((id, other, _)) = self.files.get(&name) {
            if *id != TypeId::of::<T>() {
                self.problems.push(format!(
                    "{other} and {rust} would both be written to {name}: rename one with #[ts(rename)]"
                ));
            }
            return;
        }
        match T::export_to_string(self.cfg) {
            Ok(text) => {
                // ts-rs starts every file with its own note; ours says how to
                // regenerate. Its trailing spaces go too.
                let body = text.split_once('\n').map_or(text.as_str(), |(_, rest)| rest);
                let mut file = header();
                for line in body.lines() {
                    file.push_str(line.trim_end());
                    file.push('\n');
                }
                self.files.insert(name, (TypeId::of::<T>(), rust, file));
                T::visit_dependencies(self);
            }
            Err(e) => self.problems.push(format!("{rust} could not be rendered: {e}")),
        }
    }
}

/// File name → contents, `index.ts` included.
fn generated() -> BTreeMap<String, String> {
    let cfg = config();
    let mut collect = Collect {
        cfg: &cfg,
        files: BTreeMap::new(),
        problems: Vec::new(),
    };
    carnet_app::commands::visit_api_types(&mut collect);
    assert!(collect.problems.is_empty(), "{}", collect.problems.join("\n"));

    let mut files: BTreeMap<String, String> = collect
        .files
        .into_iter()
        .map(|(name, (_, _, text))| (name, text))
        .collect();
    let mut index = header();
    for name in files.keys() {
        let module = name.trim_end_matches(".ts");
        let _ = writeln!(index, "export type {{ {module} }} from \"./{module}\";");
    }
    files.insert("index.ts".into(), index);
    files
}

fn on_disk(dir: &Path) -> BTreeMap<String, String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return BTreeMap::new();
    };
    entries
        .filter_map(Result::ok)
        .filter(|e| e.path().is_file())
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(e.path()).unwrap_or_default();
            (name, text)
        })
        .collect()
}

/// The first line where two texts differ, for the failure message.
fn first_difference(want: &str, have: &str) -> String {
    let mut have_lines = have.lines();
    for (n, line) in want.lines().enumerate() {
        let other = have_lines.next();
        if other != Some(line) {
            return format!(
                "line {}: the Rust types give {line:?}, the file has {:?}",
                n + 1,
                other.unwrap_or("<end of file>")
            );
        }
    }
    match have_lines.next() {
        Some(extra) => format!(
            "line {}: the file goes on with {extra:?}",
            want.lines().count() + 1
        ),
        None => "line endings differ".into(),
    }
}

#[test]
fn the_ui_types_match_the_rust_types() {
    let dir = bindings_dir();
    let want = generated();
    let have = on_disk(&dir);

    if std::env::var_os("CARNET_WRITE_BINDINGS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(&dir).unwrap();
        for name in have.keys().filter(|name| !want.contains_key(*name)) {
            std::fs::remove_file(dir.join(name)).unwrap();
        }
        for (name, text) in &want {
            if have.get(name) != Some(text) {
                std::fs::write(dir.join(name), text).unwrap();
            }
        }
        return;
    }

    let mut stale = Vec::new();
    for (name, text) in &want {
        match have.get(name) {
            None => stale.push(format!("{name}: missing")),
            Some(old) if old != text => {
                stale.push(format!("{name}: out of date ({})", first_difference(text, old)))
            }
            Some(_) => {}
        }
    }
    for name in have.keys().filter(|name| !want.contains_key(*name)) {
        stale.push(format!("{name}: no Rust type gives it any more"));
    }
    assert!(
        stale.is_empty(),
        "the UI's API types in {BINDINGS}/ do not match the Rust types:\n  {}\nregenerate them with: {REGENERATE}",
        stale.join("\n  ")
    );
}

#[test]
fn every_number_reaches_the_ui_as_a_number() {
    for (name, text) in generated() {
        assert!(!text.contains("bigint"), "{name} has a bigint:\n{text}");
    }
}

/// The generated declarations, read back to check JSON values against them.
/// It knows the forms ts-rs writes here: objects of fields, unions, string
/// literals, `Array<T>`, `null`, `string`, `number`, `boolean` and names.
struct Declared(BTreeMap<String, String>);

impl Declared {
    fn parse(files: &BTreeMap<String, String>) -> Result<Self, String> {
        let mut decls = BTreeMap::new();
        for (file, text) in files {
            let Some((_, rest)) = text.split_once("export type ").filter(|_| file != "index.ts") else {
                continue;
            };
            let (name, body) = rest
                .split_once(" = ")
                .ok_or_else(|| format!("{file}: no declaration to read"))?;
            decls.insert(name.to_owned(), body.trim_end().trim_end_matches(';').to_owned());
        }
        Ok(Self(decls))
    }

    /// Whether `value` is a `ty`; the error says where it is not.
    fn check(&self, ty: &str, value: &Value, at: &str) -> Result<(), String> {
        let alternatives = split_top(ty, " | ");
        if alternatives.len() > 1 {
            let errors: Vec<String> = alternatives
                .iter()
                .filter_map(|alt| self.check(alt, value, at).err())
                .collect();
            return if errors.len() < alternatives.len() {
                Ok(())
            } else {
                Err(errors.join("; "))
            };
        }
        let ok = match ty {
            "null" => value.is_null(),
            "string" => value.is_string(),
            "number" => value.is_number(),
            "boolean" => value.is_boolean(),
            literal if literal.starts_with('"') => value.as_str() == Some(literal.trim_matches('"')),
            array if array.starts_with("Array<") => {
                let item = &array["Array<".len()..array.len() - 1];
                let Some(items) = value.as_array() else {
                    return Err(format!("{at}: {value} is not an array"));
                };
                for (i, v) in items.iter().enumerate() {
                    self.check(item, v, &format!("{at}[{i}]"))?;
                }
                true
            }
            name => {
                let Some(body) = self.0.get(name) else {
                    return Err(format!("{at}: no generated type {name}"));
                };
                return if body.starts_with('{') {
                    self.check_object(name, body, value, at)
                } else {
                    self.check(body, value, at)
                };
            }
        };
        if ok {
            Ok(())
        } else {
            Err(format!("{at}: {value} is not {ty}"))
        }
    }

    fn check_object(&self, name: &str, body: &str, value: &Value, at: &str) -> Result<(), String> {
        let Some(object) = value.as_object() else {
            return Err(format!("{at}: {value} is not a {name}"));
        };
        // `{ /** doc */ name: T, /** doc */ other?: U, }`
        let mut fields = String::new();
        let mut rest = body.trim().trim_start_matches('{').trim_end_matches('}');
        while let Some((before, after)) = rest.split_once("/**") {
            fields.push_str(before);
            rest = after.split_once("*/").map_or("", |(_, after)| after);
        }
        fields.push_str(rest);
        let mut declared = Vec::new();
        for field in split_top(&fields, ",")
            .into_iter()
            .map(str::trim)
            .filter(|f| !f.is_empty())
        {
            let (field, ty) = field
                .split_once(": ")
                .ok_or_else(|| format!("{name}: cannot read the field {field:?}"))?;
            let (field, optional) = match field.strip_suffix('?') {
                Some(field) => (field, true),
                None => (field, false),
            };
            declared.push(field);
            match object.get(field) {
                Some(v) => self.check(ty, v, &format!("{at}.{field}"))?,
                None if optional => {}
                None => return Err(format!("{at}: {name} needs {field}, the JSON has none")),
            }
        }
        match object.keys().find(|k| !declared.contains(&k.as_str())) {
            Some(extra) => Err(format!("{at}: {name} does not declare {extra}, the JSON has it")),
            None => Ok(()),
        }
    }
}

/// `text` split on `separator` outside `<…>`.
fn split_top<'a>(text: &'a str, separator: &str) -> Vec<&'a str> {
    let (mut parts, mut depth, mut start) = (Vec::new(), 0i32, 0);
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'<' => depth += 1,
            b'>' => depth -= 1,
            _ if depth == 0 && text[i..].starts_with(separator) => {
                parts.push(&text[start..i]);
                i += separator.len();
                start = i;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    parts.push(&text[start..]);
    parts
}

#[test]
fn the_json_check_refuses_what_the_types_do_not_declare() {
    let declared = Declared::parse(&generated()).unwrap();
    let line = json!({"state": "up_to_date", "last_sync_ms": 1_773_480_000_000_i64, "pending": 0, "last_error": null});
    assert_eq!(declared.check("SyncLine", &line, "line"), Ok(()));
    let mut wrong = Vec::new();
    for (field, value) in [
        ("state", json!("asleep")),
        ("pending", json!("0")),
        ("last_error", json!(false)),
        ("stray", json!(1)),
    ] {
        let mut bad = line.clone();
        bad[field] = value;
        wrong.push(bad);
    }
    let mut missing = line.clone();
    missing.as_object_mut().unwrap().remove("pending");
    wrong.push(missing);
    for bad in wrong {
        assert!(declared.check("SyncLine", &bad, "line").is_err(), "{bad}");
    }
    let due = json!([{"case_id": "x", "name": "", "task_id": "y", "title": "", "due": 20, "assignee": ""}]);
    assert!(declared.check("Array<DueTask>", &due, "due").is_err());
}

/// Every command, with arguments that type-check against the generated
/// argument type, answers JSON that type-checks against its result type:
/// the generated types describe the JSON as it really is.
#[test]
fn the_json_of_every_command_matches_the_ui_types() {
    let declared = Declared::parse(&generated()).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let mut session = Session::new(
        &tmp.path().join("notebook"),
        KdfParams::INSECURE_FOR_TESTS,
        Duration::from_secs(600),
    );
    // `None`: the command takes `{}`.
    let mut run = |command: &str, args_type: Option<&str>, args: Value, result_type: &str| -> Value {
        match args_type {
            Some(ty) => declared
                .check(ty, &args, "args")
                .unwrap_or_else(|e| panic!("{command}: the arguments are not a {ty}: {e}")),
            None => assert_eq!(args, json!({}), "{command} takes no arguments"),
        }
        let answer = call(&mut session, command, args).unwrap_or_else(|e| panic!("{command}: {e:?}"));
        declared
            .check(result_type, &answer, "answer")
            .unwrap_or_else(|e| panic!("{command}: the answer is not a {result_type}: {e}"));
        answer
    };
    run("session_state", None, json!({}), "SessionState");
    let passphrase = "correct horse";
    let init = json!({"passphrase": passphrase, "worker": "Anne", "device_name": "tablette"});
    run("init", Some("InitArgs"), init, "SessionState");
    let person = json!({"person": {"name": "Hélène Roux", "birth_year": 1961, "commune": "Felletin",
        "phone": "", "situation": ""}});
    let view = run("person_add", Some("PersonAddArgs"), person, "CaseFileView");
    let case = view["id"].clone();
    let patch = json!({"case": case, "patch": {"birth_year": null, "commune": "Aubusson"}});
    let view = run("person_update", Some("PersonUpdateArgs"), patch, "CaseFileView");
    assert_eq!(
        view["person"]["birth_year"],
        Value::Null,
        "null clears a patch field"
    );
    let consent = json!({"case": case, "consent": {"given": true, "date": "2026-03-14", "scope": "suivi"}});
    run(
        "consent_record",
        Some("ConsentRecordArgs"),
        consent,
        "CaseFileView",
    );

    let visit = json!({"case": case, "visit": {"at": "2026-03-14T09:30", "place": "domicile", "kind": "home",
        "present": ["Hélène"], "topics": ["rsa"], "duration_min": 45, "note": "Dossier RSA."}});
    let added = run("visit_add", Some("VisitAddArgs"), visit, "VisitAdded");
    let visit_id = added["visit"].clone();
    let edit = json!({"visit": visit_id, "patch": {"duration_min": null, "note": "Dossier RSA complet."}});
    let view = run("visit_edit", Some("VisitEditArgs"), edit, "CaseFileView");
    assert_eq!(view["visits"][0]["duration_min"], Value::Null);
    let archive = json!({"visit": visit_id, "archived": false});
    run("visit_archive", Some("VisitArchiveArgs"), archive, "CaseFileView");

    let procedure = json!({"case": case, "procedure": {"agency": "caf", "what": "RSA", "status": "in_progress",
        "next_step": "pièces", "due": "2026-04-01"}});
    let added = run(
        "procedure_add",
        Some("ProcedureAddArgs"),
        procedure,
        "ProcedureAdded",
    );
    let set = json!({"procedure": added["procedure"], "patch": {"status": "submitted", "due": null}});
    run("procedure_set", Some("ProcedureSetArgs"), set, "CaseFileView");

    let task =
        json!({"case": case, "task": {"title": "Appeler la CAF", "due": "2020-01-15", "assignee": ""}});
    let added = run("task_add", Some("TaskAddArgs"), task, "TaskAdded");
    let done = json!({"task": added["task"], "done": false});
    run("task_done", Some("TaskDoneArgs"), done, "CaseFileView");
    let edit = json!({"task": added["task"], "patch": {"due": null, "assignee": " "}});
    let view = run("task_edit", Some("TaskEditArgs"), edit, "CaseFileView");
    assert_eq!(view["tasks"][0]["due"], Value::Null, "null clears the due date");
    assert_eq!(
        view["tasks"][0]["assignee"], "Anne",
        "a blank assignee is this device's worker"
    );
    let edit = json!({"task": added["task"], "patch": {"due": "2020-01-15"}});
    let view = run("task_edit", Some("TaskEditArgs"), edit, "CaseFileView");
    assert_eq!(
        view["tasks"][0]["title"], "Appeler la CAF",
        "a field left out is kept"
    );

    let detail = run(
        "case_show",
        Some("CaseShowArgs"),
        json!({"case": case}),
        "CaseDetail",
    );
    assert_eq!(detail["case"]["visits"].as_array().map(Vec::len), Some(1));
    let filter = json!({"due_within_days": null, "open_procedures": true, "commune": null});
    let caseload = json!({"query": "", "filter": filter, "offset": 0, "limit": 50});
    let page = run("caseload", Some("CaseloadArgs"), caseload, "CaseloadPage");
    assert_eq!(page["total"], 1);
    let search = json!({"query": "helene", "filter": {"open_procedures": false}, "offset": 0, "limit": 50});
    run("caseload", Some("CaseloadArgs"), search, "CaseloadPage");
    let due = run(
        "tasks_due",
        Some("TasksDueArgs"),
        json!({"days": 7}),
        "Array<DueTask>",
    );
    assert_eq!(due.as_array().map(Vec::len), Some(1), "an overdue task is due");
    run("communes", None, json!({}), "Array<string>");

    run("sync_status", None, json!({}), "SyncLine");
    run("team_members", None, json!({}), "Array<TeamMember>");
    let settings = json!({"device_name": "tablette d'Anne"});
    run("settings_set", Some("SettingsSetArgs"), settings, "SessionState");
    run("lock", None, json!({}), "SessionState");
    run(
        "unlock",
        Some("UnlockArgs"),
        json!({"passphrase": passphrase}),
        "SessionState",
    );

    let error = call(&mut session, "no_such_command", json!({})).unwrap_err();
    declared
        .check("ApiError", &serde_json::to_value(&error).unwrap(), "error")
        .unwrap();
}
