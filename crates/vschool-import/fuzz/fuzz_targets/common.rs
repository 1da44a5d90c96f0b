//! Shared by every target: the context a parser gets (a settings register holding the
//! school the seeds use, a small problem cap so the fuzzer spends its time parsing).

use vschool_domain::Urn;
use vschool_import::ImportContext;

pub fn ctx() -> ImportContext {
    ImportContext {
        problem_cap: 50,
        ..ImportContext::with_urns(Urn::new(123456).ok())
    }
}
