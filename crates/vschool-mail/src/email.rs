//! One email as the system sends it: plain text, one recipient, no attachments.

/// An email to one person. Plain text only: no HTML (nothing to track the reader, nothing
/// a mail filter mangles) and no attachment (DESIGN §8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    /// The recipient's address.
    pub to: String,
    /// The recipient's name for the `To:` header, if known.
    pub to_name: Option<String>,
    pub subject: String,
    /// The plain-text body.
    pub body: String,
    /// An unsubscribe link: sent as `List-Unsubscribe` with `List-Unsubscribe-Post:
    /// List-Unsubscribe=One-Click` (RFC 8058), so mail programs offer a one-click button.
    pub unsubscribe_url: Option<String>,
}
