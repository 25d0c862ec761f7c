//! The API's one error shape: `{"status": 400, "error": "limit must be …"}` with a status
//! code that fits the fault.
//!
//! Owns [`ApiError`] (what handlers return), [`json_response`] (every JSON answer's headers)
//! and [`json_errors`], the layer that gives the
//! same shape to errors the handlers never see (a timeout, a body too large, a method not
//! allowed, a panic), so a client parses one kind of error. It decides no status itself:
//! each caller says which fits.

use std::any::Any;

use axum::body::Body;
use axum::http::{HeaderValue, Response, StatusCode, header};
use axum::response::IntoResponse;
use serde::Serialize;

/// An error answered to a client: its status and a message a person can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
}

/// The JSON body of every error.
#[derive(Debug, Serialize)]
struct ErrorBody<'a> {
    status: u16,
    error: &'a str,
}

impl ApiError {
    /// 400: a parameter is missing, malformed or out of range.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    /// 404: no such route, or no such article in the index.
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, message)
    }

    /// 503: nothing to search yet (no committed index), or too busy to answer in time.
    pub fn unavailable(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, message)
    }

    /// 500: the index could not be read, or the server failed; the details go to stderr.
    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }

    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> axum::response::Response {
        let body = ErrorBody {
            status: self.status.as_u16(),
            error: &self.message,
        };
        // Serializing a struct of a number and a string cannot fail.
        json_response(self.status, serde_json::to_vec(&body).unwrap_or_default())
    }
}

/// A JSON answer, successful or not: the API's content type, never cached.
pub fn json_response(status: StatusCode, json: Vec<u8>) -> Response<Body> {
    let mut response = Response::new(Body::from(json));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Gives an error response made by a layer (a bare status with a text or empty body) the JSON
/// shape; responses that already are JSON, and successes, pass unchanged.
pub async fn json_errors(response: axum::response::Response) -> axum::response::Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|kind| kind.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let message = match status {
        StatusCode::SERVICE_UNAVAILABLE => {
            "the server is too busy to answer in time; try again".to_string()
        }
        StatusCode::PAYLOAD_TOO_LARGE => "the request body is too large".to_string(),
        StatusCode::METHOD_NOT_ALLOWED => "this route only answers GET".to_string(),
        other => other
            .canonical_reason()
            .unwrap_or("error")
            .to_lowercase()
            .to_string(),
    };
    let mut json = ApiError::new(status, message).into_response();
    // Keep what a 405 says it allows.
    if let Some(allow) = response.headers().get(header::ALLOW) {
        json.headers_mut().insert(header::ALLOW, allow.clone());
    }
    json
}

/// A panic in a handler, as a 500 in the JSON shape; the message goes to stderr, once.
pub fn panicked(panic: Box<dyn Any + Send + 'static>) -> axum::response::Response {
    eprintln!("newsdex: internal error: {}", panic_message(&*panic));
    ApiError::internal("internal error (the server's log says more)").into_response()
}

/// The message a panic was raised with.
pub fn panic_message(panic: &(dyn Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}
