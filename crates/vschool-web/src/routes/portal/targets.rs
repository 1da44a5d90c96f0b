//! Saving aspirational targets: `POST /schools/{urn}/tracker/targets` (the form on the
//! tracker page) and `POST /schools/{urn}/tracker/upload` (the filled-in workbook). A
//! target is an attendance % for the current academic year, per pupil or for a status
//! group (DESIGN §8 "The tracker"); it shows in the tracker, its XLSX and the next pack.
//! The workbook may be up to [`WORKBOOK_LIMIT`] (5 MB); a larger one is refused with the
//! tracker page and a clear error (HTTP 413).

use std::io::Cursor;

use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Form};
use calamine::{Data, Reader, Xlsx};
use vschool_analytics::tracker::GROUPS;
use vschool_domain::calendar::AcademicYear;
use vschool_domain::{Percent, Upn};
use vschool_store::{AuditAction, AuditObject, TargetFor};

use super::school_in_scope;
use super::tracker::{current, show};
use crate::audit;
use crate::auth::csrf::MultipartCsrf;
use crate::auth::CurrentUser;
use crate::client::ClientAddr;
use crate::components::{Banner, FormErrors};
use crate::error::AppError;
use crate::index;
use crate::layout::Page;
use crate::packs::targets::{parse_percent, percent_of_number};
use crate::state::AppState;

/// The largest tracker workbook read: a school's own workbook, filled in and saved by
/// Excel, can be a few megabytes (the 64 KiB of other forms is far too little).
pub const WORKBOOK_LIMIT: usize = 5 * 1024 * 1024;

/// The whole upload's limit: the workbook and the form's other fields.
pub const UPLOAD_BODY_LIMIT: usize = WORKBOOK_LIMIT + 64 * 1024;

/// How long a workbook may take to arrive over a slow school connection.
pub const UPLOAD_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5 * 60);

/// Reads the workbook field, up to [`WORKBOOK_LIMIT`]: `None` when it is larger.
async fn read_workbook_field(
    mut field: axum::extract::multipart::Field<'_>,
) -> Result<Option<Vec<u8>>, AppError> {
    let mut bytes = Vec::new();
    loop {
        match field.chunk().await {
            Ok(Some(chunk)) => {
                if bytes.len() + chunk.len() > WORKBOOK_LIMIT {
                    return Ok(None);
                }
                bytes.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(Some(bytes)),
            // The whole request passed the route's limit.
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Ok(None),
            Err(_) => return Err(AppError::BadRequest),
        }
    }
}

async fn save(
    state: &AppState,
    who: &CurrentUser,
    from: &str,
    urn: vschool_domain::Urn,
    changes: &[(TargetFor, Option<Percent>)],
    how: &str,
) -> Result<u64, AppError> {
    let year = AcademicYear::containing(state.clock().today());
    let n = state
        .store()
        .targets_set(urn, year, changes, &who.user().email, state.now())
        .await?;
    let event = audit::about_school(
        audit::by(
            state,
            who.user(),
            from,
            AuditAction::Change,
            AuditObject::School,
            format!("{how}: {n} aspirational targets for {year} changed"),
        ),
        urn,
    );
    audit::record(state, &event).await?;
    Ok(n)
}

fn banner(changed: u64, note: String) -> Banner {
    Banner {
        success: true,
        heading: format!(
            "{changed} {} saved",
            if changed == 1 { "target" } else { "targets" }
        ),
        body: note,
    }
}

/// `POST /schools/{urn}/tracker/targets`: fields `pupil-<UPN>` and `group-<code>` hold the
/// targets; an empty field removes one.
pub async fn form(
    State(state): State<AppState>,
    Page(layout): Page,
    ClientAddr(from): ClientAddr,
    who: CurrentUser,
    Path(raw): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let ix = index::current(&state).await?;
    let urn = school_in_scope(&state, &who, &raw, &ix)?;
    let (t, _) = current(&state, urn).await?;
    let mut errors = FormErrors::new();
    let mut changes = Vec::new();
    for (name, value) in &fields {
        let target = if value.trim().is_empty() {
            None
        } else {
            parse_percent(value)
        };
        let bad = !value.trim().is_empty() && target.is_none();
        if let Some(code) = name.strip_prefix("group-") {
            let Some(g) = GROUPS.iter().find(|g| g.code() == code) else {
                continue;
            };
            if bad {
                errors.add(
                    name,
                    format!(
                        "The target for {} must be a percentage from 0 to 100, like 95 or 95.5",
                        g.label().to_lowercase()
                    ),
                );
            } else {
                changes.push((TargetFor::Group(code.to_owned()), target));
            }
        } else if let Some(body) = name.strip_prefix("pupil-") {
            let Some(row) = Upn::parse(body)
                .ok()
                .and_then(|u| t.rows.iter().find(|r| r.upn == u))
            else {
                continue;
            };
            if bad {
                errors.add(
                    name,
                    format!(
                        "The target for {} must be a percentage from 0 to 100, like 95 or 95.5",
                        row.name()
                    ),
                );
            } else {
                changes.push((TargetFor::Pupil(row.upn), target));
            }
        }
    }
    if !errors.is_empty() {
        return show(&state, layout, &who, &from, urn, errors, None).await;
    }
    let n = save(
        &state,
        &who,
        &from,
        urn,
        &changes,
        "set on the tracker page",
    )
    .await?;
    show(
        &state,
        layout,
        &who,
        &from,
        urn,
        FormErrors::new(),
        Some(banner(
            n,
            "They will be in the tracker and the next pack.".into(),
        )),
    )
    .await
}

/// What a workbook gave: targets by UPN (`None`: the cell was empty), and rows skipped.
#[derive(Debug, Default, PartialEq)]
pub struct WorkbookTargets {
    pub targets: Vec<(Upn, Option<Percent>)>,
    /// "Looked after, row 4: …", at most a few.
    pub problems: Vec<String>,
}

/// Reads the target column of every status sheet of a tracker workbook: the heading row
/// names the columns "UPN" and "Aspirational target %"; other sheets are ignored.
pub fn read_workbook(bytes: Vec<u8>) -> Result<WorkbookTargets, String> {
    let mut book: Xlsx<_> =
        Xlsx::new(Cursor::new(bytes)).map_err(|e| format!("it is not an XLSX workbook ({e})"))?;
    let mut out = WorkbookTargets::default();
    let mut any_sheet = false;
    for name in book.sheet_names() {
        let Ok(range) = book.worksheet_range(&name) else {
            continue;
        };
        let mut rows = range.rows();
        let Some(head) = rows.next() else { continue };
        let col = |title: &str| {
            head.iter()
                .position(|c| c.to_string().trim().eq_ignore_ascii_case(title))
        };
        let (Some(upn_col), Some(target_col)) = (col("UPN"), col("Aspirational target %")) else {
            continue;
        };
        any_sheet = true;
        for (i, row) in rows.enumerate() {
            let line = i + 2;
            let upn_text = row.get(upn_col).map(|c| c.to_string()).unwrap_or_default();
            if upn_text.trim().is_empty() {
                continue;
            }
            let Ok(upn) = Upn::parse(upn_text.trim()) else {
                if out.problems.len() < 10 {
                    out.problems
                        .push(format!("{name}, row {line}: the UPN is not one"));
                }
                continue;
            };
            let target = match row.get(target_col) {
                None | Some(Data::Empty) => Ok(None),
                Some(Data::Float(f)) => percent_of_number(*f).map(Some).ok_or(()),
                Some(Data::Int(n)) => percent_of_number(*n as f64).map(Some).ok_or(()),
                Some(Data::String(s)) if s.trim().is_empty() => Ok(None),
                Some(Data::String(s)) => parse_percent(s).map(Some).ok_or(()),
                Some(_) => Err(()),
            };
            match target {
                Ok(t) => out.targets.push((upn, t)),
                Err(()) => {
                    if out.problems.len() < 10 {
                        out.problems.push(format!(
                            "{name}, row {line}: the target is not a percentage from 0 to 100"
                        ));
                    }
                }
            }
        }
    }
    if !any_sheet {
        return Err("it has no sheet with the columns UPN and Aspirational target %: upload the tracker downloaded from this page".into());
    }
    Ok(out)
}

/// `POST /schools/{urn}/tracker/upload`: the filled-in workbook. Only pupils on the
/// school's tracker today are read; anyone else's row is skipped and said so.
pub async fn upload(
    State(state): State<AppState>,
    Page(layout): Page,
    ClientAddr(from): ClientAddr,
    who: CurrentUser,
    Path(raw): Path<String>,
    expected: Option<Extension<MultipartCsrf>>,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let ix = index::current(&state).await?;
    let urn = school_in_scope(&state, &who, &raw, &ix)?;
    let Some(Extension(expected)) = expected else {
        return Err(AppError::FormExpired);
    };
    // The token comes first in the form, and is checked before the file is read.
    let mut token_ok = false;
    let mut file: Option<Vec<u8>> = None;
    let mut too_large = false;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            // Past the route's limit. The reader may have read ahead past the token (it takes
            // whatever has arrived), so this does not wait for it: the answer is only the
            // tracker page, as a GET shows it, with the error; nothing is saved.
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                too_large = true;
                break;
            }
            Err(_) => return Err(AppError::BadRequest),
        };
        match field.name() {
            Some("csrf_token") => {
                let given = field.text().await.map_err(|_| AppError::BadRequest)?;
                token_ok = expected.matches(&given);
                if !token_ok {
                    return Err(AppError::FormExpired);
                }
            }
            Some("workbook") if token_ok => match read_workbook_field(field).await? {
                Some(bytes) => file = Some(bytes),
                None => {
                    too_large = true;
                    break;
                }
            },
            _ => {}
        }
    }
    let mut errors = FormErrors::new();
    if too_large {
        errors.add(
            "workbook",
            format!(
                "The file is larger than {} MB: upload the tracker workbook downloaded from this page, with only the \"Aspirational target %\" column filled in",
                WORKBOOK_LIMIT / (1024 * 1024)
            ),
        );
        let mut res = show(&state, layout, &who, &from, urn, errors, None).await?;
        *res.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
        res.extensions_mut().insert(crate::render::Rendered);
        return Ok(res);
    }
    if !token_ok {
        return Err(AppError::FormExpired);
    }
    let bytes = file.filter(|b| !b.is_empty());
    let Some(bytes) = bytes else {
        errors.add("workbook", "Select the tracker workbook (XLSX) to upload");
        return show(&state, layout, &who, &from, urn, errors, None).await;
    };
    let read = match read_workbook(bytes) {
        Ok(r) => r,
        Err(why) => {
            errors.add("workbook", format!("The file could not be read: {why}"));
            return show(&state, layout, &who, &from, urn, errors, None).await;
        }
    };
    let (t, _) = current(&state, urn).await?;
    let mut skipped = 0;
    let mut changes = Vec::new();
    for (upn, target) in read.targets {
        if t.rows.iter().any(|r| r.upn == upn) {
            changes.push((TargetFor::Pupil(upn), target));
        } else {
            skipped += 1;
        }
    }
    let n = save(
        &state,
        &who,
        &from,
        urn,
        &changes,
        "uploaded in the tracker workbook",
    )
    .await?;
    let mut notes = vec!["They will be in the tracker and the next pack.".to_owned()];
    if skipped > 0 {
        notes.push(format!(
            "{skipped} rows were skipped: those pupils are not on the school's tracker today."
        ));
    }
    if !read.problems.is_empty() {
        notes.push(format!("Not read: {}.", read.problems.join("; ")));
    }
    show(
        &state,
        layout,
        &who,
        &from,
        urn,
        FormErrors::new(),
        Some(banner(n, notes.join(" "))),
    )
    .await
}
