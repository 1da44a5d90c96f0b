//! Sending email. [`Mailer`] is what the rest of the system sends through; [`SmtpMailer`] is
//! the real one (SMTP with STARTTLS or implicit TLS and authentication, by `lettre`),
//! configured from `VSCHOOL_SMTP_URL` and `VSCHOOL_SMTP_FROM` ([`SmtpConfig`]).
//!
//! This crate knows nothing of packs or people: callers build an [`Email`] and decide what
//! it may say. Nothing here attaches a file (DESIGN §8: nothing in this system attaches a
//! file to an email); an [`Email`] has no way to carry one.
//!
//! With the `testing` feature, [`testing::TestSmtpServer`] is a real SMTP server on
//! loopback, in process, that records what arrives (end-to-end tests).

mod config;
mod email;
mod error;
mod smtp;
#[cfg(feature = "testing")]
pub mod testing;

use std::future::Future;
use std::pin::Pin;

pub use config::{SmtpConfig, TlsMode, ENV_CA_FILE, ENV_FROM, ENV_URL};
pub use email::Email;
pub use error::MailError;
pub use smtp::SmtpMailer;

/// A boxed future of a send, so that `dyn Mailer` works (the web state holds one).
pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<(), MailError>> + Send + 'a>>;

/// Something that delivers emails. `Ok` means the server accepted the message for
/// delivery; an error says whether trying again later may help ([`MailError::is_permanent`]).
pub trait Mailer: Send + Sync {
    fn send<'a>(&'a self, email: &'a Email) -> SendFuture<'a>;

    /// Where mail goes, for pages and logs, never with a password: `smtp://relay:587 (STARTTLS)`.
    fn describe(&self) -> String;
}
