use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, StatusCode, header};
use carnet_protocol::{PROTOCOL_VERSION, Request, Response, Role, decode};
use tower::ServiceExt;

use crate::fixtures::{Member, TestTeam, invite, roomy};
use crate::{AppState, ErrorBody, HubConfig, MAX_BODY_BYTES, RateLimit, router};

fn clock() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() as i64
}

/// The router of a test team's hub, and its lead and worker.
fn app(config: HubConfig) -> (Router, Member, Member) {
    let TestTeam { hub, lead, worker } = TestTeam::with_config(config);
    (router(AppState::new(hub)), lead, worker)
}

async fn call(app: &Router, method: Method, path: &str, body: Vec<u8>) -> (StatusCode, HeaderMap, Bytes) {
    let request = axum::http::Request::builder()
        .method(method)
        .uri(path)
        .body(Body::from(body))
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, headers, body)
}

async fn rpc(app: &Router, body: Vec<u8>) -> (StatusCode, HeaderMap, Bytes) {
    call(app, Method::POST, "/v1/rpc", body).await
}

/// Checks an error answer's status, content type and code, and returns its message.
#[track_caller]
fn assert_error(answer: &(StatusCode, HeaderMap, Bytes), status: u16, code: &str) -> String {
    let (got_status, headers, body) = answer;
    assert_eq!(got_status.as_u16(), status, "{body:?}");
    assert_eq!(headers[header::CONTENT_TYPE], "application/json");
    let error: ErrorBody = serde_json::from_slice(body).unwrap();
    assert_eq!(error.code, code, "{}", error.message);
    assert!(!error.message.is_empty());
    let fields: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(body).unwrap();
    assert_eq!(fields.len(), 2, "only code and message: {fields:?}");
    error.message
}

#[tokio::test]
async fn health_says_ok() {
    let (app, _, _) = app(roomy());
    let (status, headers, body) = call(&app, Method::GET, "/health", vec![]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/json");
    let value: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(value, serde_json::json!({ "status": "ok" }));
}

#[tokio::test]
async fn an_answer_is_an_encoded_response() {
    let (app, lead, _) = app(roomy());
    let (status, headers, body) = rpc(&app, lead.sign_at(clock(), &Request::Devices)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/octet-stream");
    match decode::<Response>(&body).unwrap() {
        Response::Devices(list) => assert_eq!((list.devices.len(), list.epoch), (2, 1)),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn errors_are_json_with_a_code_and_the_matching_status() {
    let (app, lead, worker) = app(roomy());
    let message = assert_error(&rpc(&app, b"garbage".to_vec()).await, 400, "bad_request");
    assert!(!message.contains("postcard"), "{message}");
    assert_error(&rpc(&app, vec![]).await, 400, "bad_request");

    let mut newer = lead.sign_at(clock(), &Request::Devices);
    newer[4..6].copy_from_slice(&(PROTOCOL_VERSION + 1).to_be_bytes());
    assert_error(&rpc(&app, newer).await, 400, "unsupported_version");

    let stranger = Member::new(9, lead.team);
    assert_error(
        &rpc(&app, stranger.sign_at(clock(), &Request::Devices)).await,
        401,
        "unauthenticated",
    );
    let invite = Request::CreateInvite(invite(5, Role::Worker));
    assert_error(
        &rpc(&app, worker.sign_at(clock(), &invite)).await,
        403,
        "forbidden",
    );
    // Signed an hour ago.
    let stale = worker.sign_at(clock() - 3_600_000, &Request::Devices);
    let message = assert_error(&rpc(&app, stale).await, 400, "bad_request");
    assert!(message.contains("clock"), "{message}");
    let (status, _, _) = call(&app, Method::GET, "/v1/rpc", vec![]).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_with_413_as_json() {
    let (app, _, _) = app(roomy());
    let message = assert_error(&rpc(&app, vec![0; MAX_BODY_BYTES + 1]).await, 413, "too_large");
    assert!(message.contains("8 MiB"), "{message}");
    // At the limit exactly, the body is read (and is not a request).
    assert_error(&rpc(&app, vec![0; MAX_BODY_BYTES]).await, 400, "bad_request");
}

#[tokio::test]
async fn a_device_past_its_burst_gets_429() {
    let (app, lead, worker) = app(HubConfig {
        rate_limit: RateLimit {
            per_second: 0.001,
            burst: 3,
        },
        ..HubConfig::default()
    });
    for _ in 0..3 {
        let (status, _, _) = rpc(&app, worker.sign_at(clock(), &Request::Devices)).await;
        assert_eq!(status, StatusCode::OK);
    }
    let answer = rpc(&app, worker.sign_at(clock(), &Request::Devices)).await;
    assert_error(&answer, 429, "rate_limited");
    assert_eq!(answer.1[header::RETRY_AFTER], "1");
    // The lead has its own bucket.
    let (status, _, _) = rpc(&app, lead.sign_at(clock(), &Request::Devices)).await;
    assert_eq!(status, StatusCode::OK);
}
