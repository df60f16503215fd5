use axum::body::Body;
use axum::http::Request;
use carnet_store::KdfParams;
use serde_json::json;
use tower::ServiceExt;

use super::*;

struct App {
    _tmp: tempfile::TempDir,
    router: Router,
    token: String,
}

fn app() -> App {
    let tmp = tempfile::tempdir().unwrap();
    let ui = tmp.path().join("ui");
    std::fs::create_dir_all(&ui).unwrap();
    std::fs::write(ui.join("index.html"), "<!doctype html><title>Carnet</title>").unwrap();
    let session = Session::new(
        &tmp.path().join("notebook"),
        KdfParams::INSECURE_FOR_TESTS,
        Duration::from_secs(600),
    );
    let served = Arc::new(Served::new(session, "127.0.0.1:4321".parse().unwrap()));
    let token = served.token().to_owned();
    App {
        router: router(served, ui),
        token,
        _tmp: tmp,
    }
}

impl App {
    async fn send(&self, request: Request<Body>) -> (StatusCode, Value) {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
        (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    fn request(&self, command: &str, body: Value) -> axum::http::request::Builder {
        let _ = body;
        Request::post(format!("/api/{command}"))
            .header("host", "127.0.0.1:4321")
            .header("content-type", "application/json")
            .header("x-carnet-token", &self.token)
    }

    async fn call(&self, command: &str, body: Value) -> (StatusCode, Value) {
        let request = self
            .request(command, body.clone())
            .body(Body::from(body.to_string()))
            .unwrap();
        self.send(request).await
    }

    async fn ok(&self, command: &str, body: Value) -> Value {
        let (status, value) = self.call(command, body).await;
        assert_eq!(status, StatusCode::OK, "{command}: {value}");
        value
    }
}

#[tokio::test]
async fn every_call_needs_the_token_this_host_and_no_foreign_origin() {
    let app = app();
    let no_token = Request::post("/api/session_state")
        .header("host", "127.0.0.1:4321")
        .body(Body::empty())
        .unwrap();
    let (status, body) = app.send(no_token).await;
    assert_eq!(
        (status, body["kind"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden"))
    );
    let wrong = Request::post("/api/session_state")
        .header("host", "127.0.0.1:4321")
        .header("x-carnet-token", "0".repeat(app.token.len()))
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(wrong).await.0, StatusCode::FORBIDDEN);
    // DNS rebinding: a page of another site pointed at 127.0.0.1.
    let rebound = Request::post("/api/session_state")
        .header("host", "evil.example:4321")
        .header("x-carnet-token", &app.token)
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(rebound).await.0, StatusCode::FORBIDDEN);
    let foreign = app
        .request("session_state", json!({}))
        .header("origin", "http://evil.example")
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(foreign).await.0, StatusCode::FORBIDDEN);
    let page = Request::get("/")
        .header("host", "evil.example")
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(page).await.0, StatusCode::FORBIDDEN);
    // The right token, host and origin.
    let fine = app
        .request("session_state", json!({}))
        .header("origin", "http://127.0.0.1:4321")
        .body(Body::empty())
        .unwrap();
    let (status, state) = app.send(fine).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (state["initialized"].as_bool(), state["unlocked"].as_bool()),
        (Some(false), Some(false))
    );
}

#[tokio::test]
async fn a_worker_creates_unlocks_and_records_through_the_api() {
    let app = app();
    let (status, locked) = app.call("caseload", json!({})).await;
    assert_eq!(
        (status, locked["kind"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("locked"))
    );
    let state = app
        .ok(
            "init",
            json!({"passphrase": "bonjour", "worker": "Anne", "device_name": "tablette"}),
        )
        .await;
    assert_eq!(state["worker"], "Anne");
    assert_eq!(app.ok("lock", json!({})).await["unlocked"], false);
    let (status, wrong) = app.call("unlock", json!({"passphrase": "au revoir"})).await;
    assert_eq!(
        (status, wrong["kind"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("wrong_passphrase"))
    );
    assert_eq!(
        app.ok("unlock", json!({"passphrase": "bonjour"})).await["unlocked"],
        true
    );

    let view = app
        .ok(
            "person_add",
            json!({"person": {"name": "Hélène Roux", "commune": "Felletin"}}),
        )
        .await;
    let case = view["id"].as_str().unwrap().to_owned();
    app.ok(
        "person_add",
        json!({"person": {"name": "Marcel Dupuy", "commune": "Aubusson"}}),
    )
    .await;
    let added = app
        .ok(
            "visit_add",
            json!({"case": case, "visit": {"note": "Dossier RSA à compléter."}}),
        )
        .await;
    assert!(added["visit"].is_string(), "{added}");
    app.ok(
        "procedure_add",
        json!({"case": case, "procedure": {"agency": "caf", "what": "RSA", "status": "in_progress"}}),
    )
    .await;
    let page = app.ok("caseload", json!({"limit": 1})).await;
    assert_eq!(
        (page["total"].as_u64(), page["items"].as_array().unwrap().len()),
        (Some(2), 1)
    );
    // Hélène has the latest visit: first.
    assert_eq!(page["items"][0]["name"], "Hélène Roux");
    let open = app
        .ok("caseload", json!({"filter": {"open_procedures": true}}))
        .await;
    assert_eq!(open["total"], 1);
    let found = app.ok("caseload", json!({"query": "helene"})).await;
    assert_eq!(found["items"][0]["id"], case.as_str());
    assert_eq!(
        app.ok("communes", json!({})).await,
        json!(["Aubusson", "Felletin"])
    );
    let detail = app.ok("case_show", json!({"case": case})).await;
    assert_eq!(detail["case"]["visits"][0]["note"], "Dossier RSA à compléter.");
    assert_eq!(app.ok("sync_status", json!({})).await["state"], "no_team");

    let (status, unknown) = app.call("drop_everything", json!({})).await;
    assert_eq!(
        (status, unknown["kind"].as_str()),
        (StatusCode::NOT_FOUND, Some("unknown_command"))
    );
    let bad = app
        .request("person_add", json!({}))
        .body(Body::from("{not json"))
        .unwrap();
    let (status, body) = app.send(bad).await;
    assert_eq!(
        (status, body["kind"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_input"))
    );
    let (status, missing) = app.call("case_show", json!({"case": "ffffffff"})).await;
    assert_eq!(
        (status, missing["kind"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
}
