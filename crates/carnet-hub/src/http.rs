//! The hub over HTTP: `POST /v1/rpc` carries an encoded [`SignedRequest`]
//! and answers an encoded [`Response`] or a JSON error; `GET /health` says the
//! process is up. Storage calls run on blocking threads.
//!
//! [`SignedRequest`]: carnet_protocol::SignedRequest
//! [`Response`]: carnet_protocol::Response

use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::HubError;
use crate::hub::{Hub, MAX_BODY_BYTES};
use crate::sqlite::SqliteStorage;
use crate::storage::HubStorage;

/// What the routes share: the hub.
#[derive(Debug)]
pub struct AppState<S = SqliteStorage> {
    hub: Arc<Hub<S>>,
}

impl<S> Clone for AppState<S> {
    fn clone(&self) -> Self {
        Self {
            hub: Arc::clone(&self.hub),
        }
    }
}

impl<S: HubStorage> AppState<S> {
    /// The state of a router serving `hub`.
    pub fn new(hub: Hub<S>) -> Self {
        Self { hub: Arc::new(hub) }
    }

    /// The hub.
    pub fn hub(&self) -> &Hub<S> {
        &self.hub
    }
}

/// The body of an error answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// [`HubError::code`].
    pub code: String,
    /// What went wrong and what to do next, for people.
    pub message: String,
}

/// The hub's routes.
pub fn router<S: HubStorage>(state: AppState<S>) -> Router {
    Router::new()
        .route("/v1/rpc", post(rpc::<S>))
        .route("/health", get(health))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

async fn health() -> impl IntoResponse {
    Json(serde_json::json!({ "status": "ok" }))
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

fn error_response(error: &HubError) -> axum::response::Response {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = ErrorBody {
        code: error.code().to_owned(),
        message: error.to_string(),
    };
    let mut response = (status, Json(body)).into_response();
    if matches!(error, HubError::RateLimited) {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    response
}

/// One line per request: who, what size, how long, and how it ended. Never
/// a body: the hub logs ids and sizes only.
fn log_request(
    who: Option<(Uuid, Uuid)>,
    status: u16,
    request_bytes: usize,
    response_bytes: usize,
    started: Instant,
    error: Option<&HubError>,
) {
    let (team, device) = who.map_or((String::new(), String::new()), |(t, d)| {
        (t.to_string(), d.to_string())
    });
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    match error {
        None => tracing::info!(
            method = "POST", path = "/v1/rpc", status, %team, %device, request_bytes, response_bytes,
            latency_ms, "request answered"
        ),
        Some(HubError::Internal(cause)) => tracing::error!(
            method = "POST", path = "/v1/rpc", status, %team, %device, request_bytes, latency_ms,
            cause = %cause, "request failed"
        ),
        Some(error) => tracing::warn!(
            method = "POST", path = "/v1/rpc", status, %team, %device, request_bytes, latency_ms,
            code = error.code(), reason = %error, "request refused"
        ),
    }
}

async fn rpc<S: HubStorage>(
    State(state): State<AppState<S>>,
    body: Result<Bytes, BytesRejection>,
) -> axum::response::Response {
    let started = Instant::now();
    let body = match body {
        Ok(body) => body,
        Err(rejection) => {
            let error = if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                HubError::TooLarge("the body is over 8 MiB; push fewer entries at a time")
            } else {
                HubError::BadRequest("the body could not be read; send it again")
            };
            log_request(None, error.status(), 0, 0, started, Some(&error));
            return error_response(&error);
        }
    };
    let request_bytes = body.len();
    let hub = Arc::clone(&state.hub);
    let now = now_ms();
    // Decoding, signature checks and SQLite all block: keep them off the
    // async workers.
    let outcome = tokio::task::spawn_blocking(move || {
        let signed = match Hub::<S>::decode_request(&body) {
            Ok(signed) => signed,
            Err(error) => return (None, Err(error)),
        };
        let who = Some((signed.team, signed.device));
        let answer = hub
            .handle_signed(now, &signed)
            .map(|response| carnet_protocol::encode(&response));
        (who, answer)
    })
    .await;
    let (who, answer) = outcome.unwrap_or_else(|join_error| (None, Err(HubError::internal(join_error))));
    match answer {
        Ok(bytes) => {
            log_request(who, 200, request_bytes, bytes.len(), started, None);
            (
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/octet-stream"),
                )],
                bytes,
            )
                .into_response()
        }
        Err(error) => {
            log_request(who, error.status(), request_bytes, 0, started, Some(&error));
            error_response(&error)
        }
    }
}
