//! `GET /data/upload` (the form) and `POST /data/upload` (multipart): the file streams to a
//! temporary file (never held in memory whole, up to [`super::UPLOAD_LIMIT`]), then the
//! import runs in a background task and the browser is sent to its status page, which
//! shows its progress (kept up to date by `progress.js`; without JavaScript, "Refresh
//! progress") until the import is over.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use tokio::io::AsyncWriteExt;
use vschool_store::{Actor, FileSource, ImportFile, ImportKind, ImportRequest};

use crate::auth::csrf::MultipartCsrf;
use crate::auth::{CurrentUser, Role};
use crate::client::ClientAddr;
use crate::components::FormErrors;
use crate::error::AppError;
use crate::jobs::{JobProgress, JobState};
use crate::layout::{Layout, Page};
use crate::render::{page, page_with_status};
use crate::routes::overview::get::Choice;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "data/upload.html")]
struct UploadPage {
    layout: Layout,
    errors: FormErrors,
    kinds: Vec<Choice>,
}

fn kinds(selected: Option<ImportKind>) -> Vec<Choice> {
    let mut out = vec![Choice {
        value: String::new(),
        text: "Choose the kind of file".into(),
        selected: selected.is_none(),
    }];
    out.extend(ImportKind::ALL.into_iter().map(|k| Choice {
        value: k.code().to_owned(),
        text: capitalise(k.label()),
        selected: selected == Some(k),
    }));
    out
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// `GET /data/upload`
pub async fn form(Page(layout): Page, who: CurrentUser) -> Result<Response, AppError> {
    who.require(Role::runs_imports)?;
    page(&UploadPage {
        layout,
        errors: FormErrors::default(),
        kinds: kinds(None),
    })
}

/// A file name as the user's browser gave it, without folders or control characters.
fn clean_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let name: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    if name.trim().is_empty() {
        "upload".into()
    } else {
        name
    }
}

/// `POST /data/upload`
pub async fn post(
    State(state): State<AppState>,
    Page(layout): Page,
    ClientAddr(from): ClientAddr,
    who: CurrentUser,
    csrf: Option<Extension<MultipartCsrf>>,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    who.require(Role::runs_imports)?;
    let Some(Extension(csrf)) = csrf else {
        return Err(AppError::FormExpired);
    };
    let dir = tempfile::tempdir().map_err(|_| AppError::internal("creating an upload folder"))?;
    let mut token_ok = false;
    let mut kind: Option<ImportKind> = None;
    let mut check_only = false;
    let mut files: Vec<ImportFile> = Vec::new();
    let mut total: u64 = 0;
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|_| AppError::BadRequest)?
    {
        let name = field.name().unwrap_or("").to_owned();
        // The token comes first in the form, so nothing is read from a forged request.
        if !token_ok {
            if name != crate::auth::csrf::FIELD {
                return Err(AppError::FormExpired);
            }
            let given = field.text().await.map_err(|_| AppError::BadRequest)?;
            if !csrf.matches(&given) {
                return Err(AppError::FormExpired);
            }
            token_ok = true;
            continue;
        }
        match name.as_str() {
            "kind" => {
                let v = field.text().await.map_err(|_| AppError::BadRequest)?;
                kind = ImportKind::parse(v.trim());
            }
            "check" => {
                check_only = field.text().await.map_err(|_| AppError::BadRequest)? == "yes";
            }
            "files" => {
                let Some(file_name) = field.file_name().map(clean_name) else {
                    continue;
                };
                let path = dir.path().join(format!("{}", files.len()));
                let mut out = tokio::fs::File::create(&path)
                    .await
                    .map_err(|_| AppError::internal("writing an upload"))?;
                let mut size = 0u64;
                while let Some(chunk) = field.chunk().await.map_err(|_| AppError::BadRequest)? {
                    size += chunk.len() as u64;
                    out.write_all(&chunk)
                        .await
                        .map_err(|_| AppError::internal("writing an upload"))?;
                }
                out.flush()
                    .await
                    .map_err(|_| AppError::internal("writing an upload"))?;
                // A file input left empty still sends a part, with no name and no bytes.
                if size == 0 && file_name == "upload" {
                    continue;
                }
                total += size;
                files.push(ImportFile {
                    name: file_name,
                    source: FileSource::Path(path),
                });
            }
            _ => {}
        }
    }
    let mut errors = FormErrors::default();
    if kind.is_none() {
        errors.add("kind", "Choose the kind of file you are uploading");
    }
    if files.is_empty() {
        errors.add("files", "Choose a file to upload");
    }
    let Some(kind) = kind.filter(|_| errors.is_empty()) else {
        return page_with_status(
            StatusCode::BAD_REQUEST,
            &UploadPage {
                layout,
                errors,
                kinds: kinds(kind),
            },
        );
    };

    let user = who.user();
    let job = state.jobs().start(
        user.id,
        kind,
        files.iter().map(|f| f.name.clone()).collect(),
        total,
        state.now(),
    );
    let mut request = ImportRequest::new(
        kind,
        files,
        Actor {
            actor: user.email.clone(),
            role: user.role.code().to_owned(),
            from,
        },
        state.clock().today(),
    );
    request.check_only = check_only;
    // Every problem is kept, for the "download all problems" CSV; the page lists the first
    // thousand of each file.
    request.problem_cap = usize::MAX;
    let task_state = state.clone();
    let task_job = job.clone();
    tokio::spawn(async move {
        // The temporary folder lives until the import has read its files.
        let _dir = dir;
        let progress = Arc::new(JobProgress(task_job.clone()));
        match task_state.store().import(request, progress).await {
            Ok(result) => task_job.finish(JobState::Done(Arc::new(result))),
            Err(e) => {
                tracing::error!(error = %e, "an import failed");
                task_job.finish(JobState::Failed);
            }
        }
    });
    Ok((
        StatusCode::SEE_OTHER,
        [(header::LOCATION, format!("/data/jobs/{}", job.id))],
    )
        .into_response())
}
