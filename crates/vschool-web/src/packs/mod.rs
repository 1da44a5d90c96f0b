//! Half-termly school packs as library functions, for `vschool notify packs`, the packs
//! pages and the server's background task alike (DESIGN §3.4, §8 "Packs"):
//!
//! - [`calendar`]: the LA's half-term dates, the shipped default where it set none;
//! - [`content`]: what a pack holds (the list, what changed, the tracker) and building it;
//! - [`targets`]: aspirational targets as the tracker's [`vschool_analytics::tracker::Targets`];
//! - [`run`]: the dry run, queueing a run's emails and delivering them with retries;
//! - [`email`]: the emails themselves, which carry no personal data;
//! - [`subscribers`]: making an account for each new subscriber;
//! - [`worker`]: the server's background task that retries due emails.

pub mod calendar;
pub mod content;
pub mod email;
pub mod run;
pub mod subscribers;
pub mod targets;
pub mod worker;
pub mod xlsx;

use vschool_store::StoreError;

/// Why a pack could not be built or sent. Every message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum PackError {
    #[error(transparent)]
    HalfTermName(#[from] vschool_domain::term_dates::HalfTermNameError),
    #[error(
        "email is not set up: set VSCHOOL_SMTP_URL (e.g. smtp://relay.example.gov.uk:587?tls=required) \
         and VSCHOOL_SMTP_FROM, then try again; use --dry-run to see what would be sent"
    )]
    NoMailer,
    #[error(transparent)]
    Mail(#[from] vschool_mail::MailError),
    #[error("the pack could not be stored or read: {0}")]
    Content(String),
    #[error(transparent)]
    Account(#[from] crate::accounts::AccountError),
    #[error(transparent)]
    Store(#[from] StoreError),
}
