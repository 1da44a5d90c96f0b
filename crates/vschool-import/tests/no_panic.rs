//! No parser panics on any input: arbitrary bytes, and inputs that start like the real thing
//! (a valid header, or the opening of a CIN census file) and then go wrong. The cargo-fuzz
//! targets in fuzz/ explore the same property for far longer.

use proptest::prelude::*;
use vschool_domain::Urn;
use vschool_import::cin_census::parse_cin_census;
use vschool_import::ssda903::parse_ssda903;
use vschool_import::{
    parse_allocations, parse_attainment, parse_attendance, parse_contacts, parse_exclusions,
    parse_gias, parse_roll, ImportContext,
};

fn ctx() -> ImportContext {
    ImportContext {
        problem_cap: 20,
        ..ImportContext::with_urns([Urn::new(123456).expect("valid")])
    }
}

fn all_parsers(bytes: &[u8]) {
    let c = ctx();
    let _ = parse_gias("f", bytes, &c);
    let _ = parse_allocations("f", bytes, &c);
    let _ = parse_roll("f", bytes, &c);
    let _ = parse_attendance("f", bytes, &c);
    let _ = parse_exclusions("f", bytes, &c);
    let _ = parse_attainment("f", bytes, &c);
    let _ = parse_contacts("f", bytes, &c);
    let _ = parse_cin_census("f", bytes, &c);
    let _ = parse_ssda903(&[("f", bytes)], &c);
}

const HEADERS: &[&str] = &[
    "UPN,URN,Date,Session,Code\n",
    "UPN,URN,Surname,Forename,DOB,Gender,NCYearActual,EntryDate,LeavingDate,EnrolStatus\n",
    "LAchildID,WorkerName,WorkerEmail,Team,StartDate,EndDate\n",
    "UPN,URN,Category,StartDate,Sessions,Reason\n",
    "UPN,AcademicYear,Measure,Value\n",
    "URN,Role,Name,Email\n",
    "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n",
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n",
    "URN,EstablishmentName,TypeOfEstablishment (name),EstablishmentStatus (name),PhaseOfEducation (name),LA (code),LA (name),Postcode\n",
    "<?xml version=\"1.0\"?><Message><Header><CollectionDetails><ReferenceDate>2025-03-31</ReferenceDate></CollectionDetails></Header><Children><Child><ChildIdentifiers><LAchildID>",
];

fn re(pattern: &str) -> BoxedStrategy<String> {
    proptest::string::string_regex(pattern)
        .expect("a valid pattern")
        .boxed()
}

/// Text that looks like rows: the characters CSV and our values are made of.
fn rowish() -> impl Strategy<Value = String> {
    re("[A-Z0-9,/\\\\\"\r\n :.<>=-]{0,400}")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        all_parsers(&bytes);
    }

    #[test]
    fn a_real_header_then_noise(i in 0..HEADERS.len(), rest in rowish()) {
        let mut data = HEADERS[i].as_bytes().to_vec();
        data.extend_from_slice(rest.as_bytes());
        all_parsers(&data);
    }

    #[test]
    fn attendance_rows_with_plausible_fields(
        rows in proptest::collection::vec(
            (
                re("[A-Z][0-9]{11}[0-9A-Z]|x"),
                re("12345[0-9]|[0-9]{0,7}"),
                re("20[0-9]{2}-[0-1][0-9]-[0-3][0-9]"),
                prop_oneof![Just("AM"), Just("PM"), Just("am"), Just("X")],
                prop_oneof![Just("/"), Just("\\"), Just("H"), Just("K"), Just("Y1"), Just("ZZ"), Just(""), Just("-")],
            ),
            0..60,
        )
    ) {
        let mut data = String::from("UPN,URN,Date,Session,Code\n");
        for (u, urn, d, s, c) in rows {
            data.push_str(&format!("{u},{urn},{d},{s},{c}\n"));
        }
        let parsed = parse_attendance("a.csv", data.as_bytes(), &ctx());
        // Every mark loaded is in a register, and a loadable file has no errors.
        let total: usize = parsed.batch.registers.iter().map(|r| r.register.marks()).sum();
        prop_assert_eq!(total as u64, parsed.batch.marks);
    }
}
