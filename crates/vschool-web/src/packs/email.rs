//! The emails. They carry no personal data of any child: only the school's name, the half
//! term, a link to the signed-in page where the pack is read, and an unsubscribe link; the
//! recipient's own name greets them (DESIGN §8 "Who may do what"). Nothing is attached.

use vschool_domain::Urn;
use vschool_mail::Email;

use super::calendar::ResolvedHalfTerm;
use crate::format::long_date;

/// The signed-in page of a school's pack: `/schools/100001/packs/2024/25-3`.
pub fn pack_path(urn: Urn, half_term: &str) -> String {
    format!("/schools/{urn}/packs/{}", super::calendar::path(half_term))
}

/// The page an unsubscribe link opens (no sign-in).
pub fn unsubscribe_path(token: &str) -> String {
    format!("/unsubscribe/{token}")
}

fn greeting(name: &str) -> String {
    let name = name.trim();
    if name.is_empty() {
        "Hello,".to_owned()
    } else {
        format!("Dear {name},")
    }
}

fn footer(school: &str, la_name: &str, unsubscribe_url: &str) -> String {
    format!(
        "You receive these emails as a contact for {school}. To stop receiving them, \
         open this link (you do not need to sign in):\n{unsubscribe_url}\n\n\
         {la_name} Virtual School\n"
    )
}

/// "Your school's pack for the half term is ready."
pub fn pack_ready(
    la_name: &str,
    school: &str,
    half: &ResolvedHalfTerm,
    to: &str,
    to_name: &str,
    pack_url: &str,
    unsubscribe_url: &str,
) -> Email {
    let dates_note = if half.default_dates {
        " (default dates)"
    } else {
        ""
    };
    let body = format!(
        "{greeting}\n\n\
         The Virtual School's pack for {school} for half term {name} is ready. It covers the \
         half term to {end}{dates_note}.\n\n\
         Sign in to read the pack and download the school's attendance tracker:\n\
         {pack_url}\n\n\
         To keep children's information safe, this email holds none of it: everything is \
         on the signed-in page.\n\n\
         {footer}",
        greeting = greeting(to_name),
        name = half.name(),
        end = long_date(half.half.end),
        footer = footer(school, la_name, unsubscribe_url),
    );
    Email {
        to: to.to_owned(),
        to_name: Some(to_name.trim().to_owned()).filter(|n| !n.is_empty()),
        subject: format!(
            "{school}: Virtual School pack for half term {} is ready",
            half.name()
        ),
        body,
        unsubscribe_url: Some(unsubscribe_url.to_owned()),
    }
}

/// "An account has been made for you: set a password." Sent when a contact becomes a
/// subscriber and has no account for the school (DESIGN §8).
pub fn account_made(
    la_name: &str,
    school: &str,
    to: &str,
    to_name: &str,
    set_password_url: &str,
    expires: time::Date,
    unsubscribe_url: &str,
) -> Email {
    let body = format!(
        "{greeting}\n\n\
         You will now receive {school}'s half-termly packs from the Virtual School. The packs \
         are read on a secure website, so an account has been made for you.\n\n\
         Set your password with this link. It works once, until {expires}:\n\
         {set_password_url}\n\n\
         After that you will set up an authenticator app on your phone for signing in.\n\n\
         {footer}",
        greeting = greeting(to_name),
        expires = long_date(expires),
        footer = footer(school, la_name, unsubscribe_url),
    );
    Email {
        to: to.to_owned(),
        to_name: Some(to_name.trim().to_owned()).filter(|n| !n.is_empty()),
        subject: format!("{school}: your account for the Virtual School's packs"),
        body,
        unsubscribe_url: Some(unsubscribe_url.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;
    use vschool_domain::calendar::AcademicYear;
    use vschool_domain::term_dates::HalfTerm;

    #[test]
    fn the_pack_email_says_only_what_it_may() {
        let half = ResolvedHalfTerm {
            half: HalfTerm {
                year: AcademicYear(2024),
                number: 3,
                start: date!(2025 - 01 - 06),
                end: date!(2025 - 02 - 14),
            },
            default_dates: true,
        };
        let urn = Urn::new(100001).expect("urn");
        let e = pack_ready(
            "Northshire Council",
            "Oakfield Primary School",
            &half,
            "sam@oakfield.example",
            "Sam Leigh",
            &format!("https://vs.example{}", pack_path(urn, "2024/25-3")),
            "https://vs.example/unsubscribe/t0k",
        );
        assert_eq!(
            e.subject,
            "Oakfield Primary School: Virtual School pack for half term 2024/25-3 is ready"
        );
        assert!(e.body.starts_with("Dear Sam Leigh,\n"));
        assert!(e
            .body
            .contains("https://vs.example/schools/100001/packs/2024/25-3\n"));
        assert!(e.body.contains("14 February 2025 (default dates)"));
        assert!(e.body.contains("https://vs.example/unsubscribe/t0k"));
        assert!(e.body.is_ascii(), "plain ASCII travels as 7bit, unmangled");
    }
}
