//! Roles and what each may do: the table "Who may do what" of DESIGN §8, in one place.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Vsh,
    AdvisoryTeacher,
    DataOfficer,
    Dsl,
    SocialWorker,
    Trainer,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Vsh,
        Role::AdvisoryTeacher,
        Role::DataOfficer,
        Role::Dsl,
        Role::SocialWorker,
        Role::Trainer,
    ];

    /// The code used on the command line and in the database.
    pub fn code(self) -> &'static str {
        match self {
            Role::Vsh => "vsh",
            Role::AdvisoryTeacher => "advisory-teacher",
            Role::DataOfficer => "data-officer",
            Role::Dsl => "dsl",
            Role::SocialWorker => "social-worker",
            Role::Trainer => "trainer",
        }
    }

    /// The role in words, as the header shows it.
    pub fn label(self) -> &'static str {
        match self {
            Role::Vsh => "Virtual School Head",
            Role::AdvisoryTeacher => "advisory teacher",
            Role::DataOfficer => "data officer",
            Role::Dsl => "designated safeguarding lead",
            Role::SocialWorker => "social worker",
            Role::Trainer => "training coordinator",
        }
    }

    pub fn parse(code: &str) -> Option<Role> {
        let code = code.trim();
        Role::ALL
            .into_iter()
            .find(|r| r.code().eq_ignore_ascii_case(code))
    }

    /// Is this one of the Virtual School's own team, who see the whole LA?
    pub fn is_virtual_school_team(self) -> bool {
        matches!(self, Role::Vsh | Role::AdvisoryTeacher | Role::DataOfficer)
    }

    /// Child-level data: all for the team, own pupils for a DSL, own caseload for a social
    /// worker, none for a trainer.
    pub fn sees_child_level_data(self) -> bool {
        !matches!(self, Role::Trainer)
    }

    /// Aggregate dashboards: the team (all), a DSL (own schools, suppressed LA figures).
    pub fn sees_aggregates(self) -> bool {
        self.is_virtual_school_team() || self == Role::Dsl
    }

    /// The schools list and school pages.
    pub fn sees_schools(self) -> bool {
        self.is_virtual_school_team() || self == Role::Dsl
    }

    /// Imports, data quality, identity review.
    pub fn runs_imports(self) -> bool {
        matches!(self, Role::Vsh | Role::DataOfficer)
    }

    /// Packs: run, send log, resend; approve subscriptions.
    pub fn runs_packs(self) -> bool {
        matches!(self, Role::Vsh | Role::DataOfficer)
    }

    /// Users, sessions, tokens; audit search and export.
    pub fn manages_users(self) -> bool {
        self == Role::Vsh
    }

    /// Must this role enrol and use a second factor? Every role does (DESIGN §8: "Every role
    /// signs in with a second factor").
    pub fn needs_second_factor(self) -> bool {
        true
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.code()), Some(r));
        }
        assert_eq!(Role::parse(" DSL "), Some(Role::Dsl));
        assert_eq!(Role::parse("admin"), None);
    }

    /// DESIGN §8 "Who may do what", row by row.
    #[test]
    fn the_design_table() {
        use Role::*;
        let child: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| r.sees_child_level_data())
            .collect();
        assert_eq!(
            child,
            [Vsh, AdvisoryTeacher, DataOfficer, Dsl, SocialWorker]
        );
        let agg: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| r.sees_aggregates())
            .collect();
        assert_eq!(agg, [Vsh, AdvisoryTeacher, DataOfficer, Dsl]);
        let imports: Vec<Role> = Role::ALL.into_iter().filter(|r| r.runs_imports()).collect();
        assert_eq!(imports, [Vsh, DataOfficer]);
        let packs: Vec<Role> = Role::ALL.into_iter().filter(|r| r.runs_packs()).collect();
        assert_eq!(packs, [Vsh, DataOfficer]);
        let users: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| r.manages_users())
            .collect();
        assert_eq!(users, [Vsh]);
        assert!(Role::ALL.into_iter().all(|r| r.needs_second_factor()));
    }
}
