//! `GET /caseload/schools`: for a social worker, the schools of the children on their
//! caseload, each child's attendance there, and the schools' designated safeguarding leads
//! and designated teachers to contact (issue 6: "social workers get, on request, …").

pub mod get;
