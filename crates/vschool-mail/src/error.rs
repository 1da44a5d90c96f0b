//! Mail errors, in words an administrator can act on. No message carries a password or the
//! text of an email.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum MailError {
    #[error(
        "VSCHOOL_SMTP_URL {url} is not an SMTP address vschool understands ({reason}); use e.g. \
         smtp://127.0.0.1:2525, smtp://user:password@relay.example.gov.uk:587?tls=required \
         (STARTTLS) or smtps://user:password@relay.example.gov.uk:465 (TLS)"
    )]
    BadUrl { url: String, reason: String },

    #[error(
        "the sender address {0:?} is not an email address; set VSCHOOL_SMTP_FROM to e.g. \
         \"Northshire Virtual School <virtual.school@northshire.gov.uk>\""
    )]
    BadFrom(String),

    #[error("{0:?} is not an email address that can be sent to; correct the contact's email")]
    BadRecipient(String),

    #[error(
        "cannot read the certificate authority file {path}: {cause}; check VSCHOOL_SMTP_CA_FILE"
    )]
    CaFile { path: String, cause: String },

    #[error("the email could not be built: {0}")]
    Build(String),

    /// The server (or the network) refused or failed. `permanent` is true when the server
    /// answered with a 5xx code: sending the same email again will fail the same way.
    #[error("{server} did not accept the email: {cause}{}", if *permanent { "; the server refused it permanently: check the address" } else { "; it will be tried again" })]
    Send {
        server: String,
        cause: String,
        permanent: bool,
    },
}

impl MailError {
    /// Trying again cannot help (a bad address, a 5xx answer, a configuration error).
    pub fn is_permanent(&self) -> bool {
        match self {
            MailError::Send { permanent, .. } => *permanent,
            MailError::BadRecipient(_) => true,
            // Configuration errors are fixed by an administrator, after which a retry works.
            MailError::BadUrl { .. }
            | MailError::BadFrom(_)
            | MailError::CaFile { .. }
            | MailError::Build(_) => false,
        }
    }
}
