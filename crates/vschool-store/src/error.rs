//! Storage errors. Every message names what went wrong in words a data officer can act on,
//! and never prints a database password.

use thiserror::Error;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Each message is complete on its own, cause included, and ends with what to do; the cause
/// is therefore not also chained as `source()`, which would print it twice.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error(
        "the database address {url} is not one vschool understands ({reason}); use \
         sqlite://file.db, sqlite:///absolute/path.db or postgres://user@host:5432/name"
    )]
    BadUrl { url: String, reason: String },

    #[error(
        "cannot create the database file {path}: {cause}; check that the folder exists and \
         that you may write to it, or set --db"
    )]
    CreateFile { path: String, cause: std::io::Error },

    #[error("cannot open the database {url}: {cause}; {hint}")]
    Open {
        url: String,
        /// What to check, for the backend.
        hint: &'static str,
        cause: sqlx::Error,
    },

    #[error(
        "cannot bring the database {url} up to date (migration {version:04} {name}): {cause}; \
         nothing of that migration was applied"
    )]
    Migration {
        url: String,
        version: i64,
        name: &'static str,
        cause: sqlx::Error,
    },

    #[error(
        "the database {url} has been upgraded by a newer vschool (it holds migration \
         {version:04}, which this version does not know); use the newer vschool or another --db"
    )]
    NewerDatabase { url: String, version: i64 },

    #[error("database error while {action}: {cause}")]
    Query {
        action: &'static str,
        cause: sqlx::Error,
    },

    #[error(
        "two {what} have the same {key}, which must be unique ({detail}); remove the \
         duplicate from the data being loaded"
    )]
    Duplicate {
        what: &'static str,
        key: &'static str,
        detail: String,
    },

    #[error("there is no {what} with id {id}; it may have been removed; reload the page")]
    NotFound { what: &'static str, id: String },

    /// A request the data does not allow, with what to do instead.
    #[error("{reason}")]
    Refused { reason: String },

    /// The audit writer could not commit (see `audit_writer`); what was asked for is not
    /// shown, since it could not be audited.
    #[error("the audit trail could not be written ({reason}); try again, and if it persists check the database")]
    AuditNotRecorded { reason: String },

    #[error(
        "the database holds a value vschool cannot read in {what}: {value:?} ({reason}); was \
         it edited by hand? Re-importing the source file puts it right"
    )]
    Corrupt {
        what: &'static str,
        value: String,
        reason: String,
    },
}

/// What to check when a database cannot be opened.
pub(crate) fn open_hint(url: &str) -> &'static str {
    if url.starts_with("sqlite:") {
        "check the path or set --db"
    } else {
        "check that the server is running and the user, password and database name are right, or set --db"
    }
}

impl StoreError {
    pub(crate) fn corrupt(
        what: &'static str,
        value: impl Into<String>,
        reason: impl ToString,
    ) -> Self {
        StoreError::Corrupt {
            what,
            value: value.into(),
            reason: reason.to_string(),
        }
    }
}

/// Adds what the store was doing to a driver error.
pub(crate) trait Context<T> {
    fn ctx(self, action: &'static str) -> Result<T>;
}

impl<T> Context<T> for std::result::Result<T, sqlx::Error> {
    fn ctx(self, action: &'static str) -> Result<T> {
        self.map_err(|cause| StoreError::Query { action, cause })
    }
}

/// Writes a database URL for messages with any password replaced by `***`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    // userinfo ends at the last '@' before the first '/' of the path.
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let Some(at) = authority.rfind('@') else {
        return url.to_owned();
    };
    let userinfo = &authority[..at];
    match userinfo.split_once(':') {
        Some((user, _password)) => {
            format!("{scheme}://{user}:***@{}", &rest[at + 1..])
        }
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            redact_url("postgres://vs:s3cret@db.example:5432/vschool"),
            "postgres://vs:***@db.example:5432/vschool"
        );
        assert_eq!(
            redact_url("postgres://postgres@127.0.0.1:5432/test"),
            "postgres://postgres@127.0.0.1:5432/test"
        );
        assert_eq!(redact_url("sqlite://vschool.db"), "sqlite://vschool.db");
        assert_eq!(redact_url("sqlite:///tmp/a@b.db"), "sqlite:///tmp/a@b.db");
    }
}
