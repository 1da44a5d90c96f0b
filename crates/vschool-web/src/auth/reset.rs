//! "Forgotten your password?": an emailed one-time link to set a new password.
//!
//! Whatever was typed, the person sees the same page, after the same work: whether an
//! account exists is never shown. For an active account, the link (the same set-password
//! links as `vschool user link`, valid for an hour) is made and emailed *after* the page is
//! answered ([`AppState::spawn`]), so the time the page takes says nothing either. The
//! request is audited with its outcome (only the Virtual School Head reads the trail) and
//! counted for the rate limits. Without email set up, a warning is logged (without the
//! address) and the page is the same.

use vschool_mail::Email;
use vschool_store::{AuditAction, AuditEvent, AuditObject};

use crate::auth::rate_limit::RESET_REQUESTED;
use crate::error::AppError;
use crate::format::long_date_time;
use crate::state::AppState;

fn greeting(name: &str) -> String {
    let name = name.trim();
    if name.is_empty() {
        "Hello,".to_owned()
    } else {
        format!("Dear {name},")
    }
}

/// The email: the recipient's own name, the link and when it stops working; nothing else
/// about them or anyone.
pub fn reset_email(
    la_name: &str,
    to: &str,
    to_name: &str,
    url: &str,
    expires: time::OffsetDateTime,
    valid_minutes: i64,
) -> Email {
    let valid_for = if valid_minutes % 60 == 0 {
        let hours = valid_minutes / 60;
        if hours == 1 {
            "1 hour".to_owned()
        } else {
            format!("{hours} hours")
        }
    } else {
        format!("{valid_minutes} minutes")
    };
    let body = format!(
        "{greeting}\n\n\
         Someone, probably you, asked to reset the password of your account for the \
         {la_name} Virtual School service.\n\n\
         Choose a new password with this link. It works once, for {valid_for} (until \
         {expires}):\n\
         {url}\n\n\
         Setting a new password signs you out of the service everywhere. Your authenticator \
         app stays as it is.\n\n\
         If you did not ask for this, you can ignore this email: your password has not \
         changed.\n\n\
         {la_name} Virtual School\n",
        greeting = greeting(to_name),
        expires = long_date_time(expires),
    );
    Email {
        to: to.to_owned(),
        to_name: Some(to_name.trim().to_owned()).filter(|n| !n.is_empty()),
        subject: "Reset your password for the Virtual School".to_owned(),
        body,
        unsubscribe_url: None,
    }
}

/// Handles a request for `email` (normalised) from `from`: audits it and, for an active
/// account with email set up, sends the link in the background.
pub async fn request(state: &AppState, email: &str, from: &str) -> Result<(), AppError> {
    let account = state
        .store()
        .account_by_email(email)
        .await?
        .filter(|a| a.disabled_at.is_none());
    let mailer = state.mailer();
    let outcome = match (&account, &mailer) {
        (None, _) => "no active account has this address",
        (Some(_), None) => "email is not set up, so nothing was sent",
        (Some(_), Some(_)) => "a one-time link was emailed to the account's address",
    };
    crate::audit::record(
        state,
        &AuditEvent {
            at: state.now(),
            actor: email.to_owned(),
            role: account.as_ref().map(|a| a.role.clone()).unwrap_or_default(),
            action: AuditAction::Change,
            object: AuditObject::User,
            upn: None,
            la_child_id: None,
            urn: None,
            detail: format!("{RESET_REQUESTED}: {outcome}"),
            from: from.to_owned(),
        },
    )
    .await?;
    let Some(account) = account else {
        return Ok(());
    };
    let Some(mailer) = mailer else {
        tracing::warn!(
            "someone asked for a password reset email, but email is not set up \
             (VSCHOOL_SMTP_URL, VSCHOOL_SMTP_FROM): nothing was sent"
        );
        return Ok(());
    };
    let st = state.clone();
    let now = state.now();
    state.spawn(async move {
        let link = match crate::accounts::reset_link(st.store(), st.config(), account.id, now).await
        {
            Ok(link) => link,
            Err(e) => {
                tracing::error!(error = %e, "cannot make a password reset link");
                return;
            }
        };
        let minutes = i64::try_from(st.config().reset_link_valid_for.as_secs() / 60).unwrap_or(60);
        let email = reset_email(
            st.la_name(),
            &account.email,
            &account.name,
            &link.url,
            link.expires_at,
            minutes,
        );
        if let Err(e) = mailer.send(&email).await {
            // The error may quote the address: only say whether trying again could help.
            tracing::warn!(
                permanent = e.is_permanent(),
                "a password reset email could not be sent"
            );
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_email_greets_by_name_and_holds_only_the_link() {
        let expires =
            time::OffsetDateTime::from_unix_timestamp(1_741_961_100).expect("2025-03-14 14:05");
        let e = reset_email(
            "Northshire Council",
            "ann@northshire.example",
            "Ann Adviser",
            "https://vs.example/set-password/abc",
            expires,
            60,
        );
        assert_eq!(e.to, "ann@northshire.example");
        assert_eq!(e.subject, "Reset your password for the Virtual School");
        assert!(e.body.starts_with("Dear Ann Adviser,\n"));
        assert!(e
            .body
            .contains("for 1 hour (until 14 March 2025 at 2:05pm (UTC))"));
        assert!(e.body.contains("\nhttps://vs.example/set-password/abc\n"));
        assert!(e.unsubscribe_url.is_none());
        assert!(e.body.is_ascii());
    }
}
