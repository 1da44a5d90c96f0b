//! The streaming pass over a CIN census file: quick-xml for well-formedness, the year's
//! schema (`validate`) for structure and values, and the extractor that keeps every value we
//! read with its line — all in one pass, so every problem of the file is reported at once.

use quick_xml::events::Event;
use quick_xml::Reader;

use super::model::{CinReturn, RawChild, RawCinDetails, RawPlan, RawValue};
use super::validate::{Issue, Validator};
use super::xsd;
use crate::problem::{Location, Problem};

/// Elements whose values we read and judge ourselves (so the XSD's verdict on their values
/// is not repeated as a second problem).
const READ: &[&str] = &[
    "LAchildID",
    "UPN",
    "FormerUPN",
    "UPNunknown",
    "PersonBirthDate",
    "Sex",
    "GenderCurrent",
    "Ethnicity",
    "CINreferralDate",
    "CINclosureDate",
    "CINPlanStartDate",
    "CINPlanEndDate",
    "CPPstartDate",
    "CPPendDate",
    "ReferenceDate",
];

/// Counts newlines up to each event, so every problem has the line a text editor shows.
struct Lines<'a> {
    text: &'a [u8],
    counted_to: usize,
    line: u64,
}

impl Lines<'_> {
    fn at(&mut self, pos: usize) -> u64 {
        let pos = pos.min(self.text.len());
        if pos > self.counted_to {
            self.line += self.text[self.counted_to..pos]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u64;
            self.counted_to = pos;
        }
        self.line
    }
}

/// Builds the raw return while validating.
struct Extract {
    ret: CinReturn,
    text: String,
}

impl Extract {
    fn child(&mut self) -> Option<&mut RawChild> {
        self.ret.children.last_mut()
    }

    fn details(&mut self) -> Option<&mut RawCinDetails> {
        self.child()?.cin_details.last_mut()
    }

    fn start(&mut self, parent: Option<&str>, name: &str, line: u64) {
        self.text.clear();
        match (parent, name) {
            (Some("Children"), "Child") => self.ret.children.push(RawChild {
                line,
                ..Default::default()
            }),
            (Some("Child"), "CINdetails") => {
                if let Some(c) = self.child() {
                    c.cin_details.push(RawCinDetails {
                        line,
                        ..Default::default()
                    });
                }
            }
            (Some("CINdetails"), "CINPlanDates") => {
                if let Some(d) = self.details() {
                    d.cin_plans.push(RawPlan {
                        line,
                        ..Default::default()
                    });
                }
            }
            (Some("CINdetails"), "ChildProtectionPlans") => {
                if let Some(d) = self.details() {
                    d.cp_plans.push(RawPlan {
                        line,
                        ..Default::default()
                    });
                }
            }
            _ => {}
        }
    }

    fn end(&mut self, parent: Option<&str>, name: &str, line: u64) {
        let v = Some(RawValue {
            text: self.text.trim().to_owned(),
            line,
        });
        match (parent, name) {
            (Some("CollectionDetails"), "Year") => self.ret.year = v,
            (Some("CollectionDetails"), "ReferenceDate") => self.ret.reference_date = v,
            (Some("Source"), "LEA") => self.ret.lea = v,
            (Some("ChildIdentifiers"), field) => {
                if let Some(c) = self.child() {
                    match field {
                        "LAchildID" => c.la_child_id = v,
                        "UPN" => c.upn = v,
                        "FormerUPN" => c.former_upn = v,
                        "UPNunknown" => c.upn_unknown = v,
                        "PersonBirthDate" => c.birth_date = v,
                        "ExpectedPersonBirthDate" => c.expected_birth_date = v,
                        "Sex" => c.sex = v,
                        "GenderCurrent" => c.gender_current = v,
                        "PersonDeathDate" => c.death_date = v,
                        _ => {}
                    }
                }
            }
            (Some("ChildCharacteristics"), "Ethnicity") => {
                if let Some(c) = self.child() {
                    c.ethnicity = v;
                }
            }
            (Some("Disabilities"), "Disability") => {
                if let (Some(c), Some(v)) = (self.child(), v) {
                    c.disabilities.push(v);
                }
            }
            (Some("CINdetails"), field) => {
                if let Some(d) = self.details() {
                    match field {
                        "CINreferralDate" => d.referral_date = v,
                        "ReferralSource" => d.referral_source = v,
                        "PrimaryNeedCode" => d.primary_need = v,
                        "CINclosureDate" => d.closure_date = v,
                        "ReasonForClosure" => d.reason_for_closure = v,
                        "ReferralNFA" => d.referral_nfa = v,
                        _ => {}
                    }
                }
            }
            (Some("CINPlanDates"), field) => {
                if let Some(p) = self.details().and_then(|d| d.cin_plans.last_mut()) {
                    match field {
                        "CINPlanStartDate" => p.start = v,
                        "CINPlanEndDate" => p.end = v,
                        _ => {}
                    }
                }
            }
            (Some("ChildProtectionPlans"), field) => {
                if let Some(p) = self.details().and_then(|d| d.cp_plans.last_mut()) {
                    match field {
                        "CPPstartDate" => p.start = v,
                        "CPPendDate" => p.end = v,
                        _ => {}
                    }
                }
            }
            _ => {}
        }
        self.text.clear();
    }
}

fn local_name(raw: &[u8]) -> String {
    let s = String::from_utf8_lossy(raw);
    match s.rsplit_once(':') {
        Some((_, l)) => l.to_owned(),
        None => s.into_owned(),
    }
}

/// One streaming pass: well-formedness (quick-xml), the year's XSD (our validator) and the
/// values we read (the extractor).
pub(super) fn read(
    file: &str,
    text: &str,
    schema: &xsd::Schema,
    problems: &mut Vec<Problem>,
) -> CinReturn {
    let mut reader = Reader::from_str(text);
    reader.config_mut().trim_text(false);
    let mut lines = Lines {
        text: text.as_bytes(),
        counted_to: 0,
        line: 1,
    };
    let mut validator = Validator::new(schema);
    let mut extract = Extract {
        ret: CinReturn::default(),
        text: String::new(),
    };
    let mut path: Vec<String> = Vec::new();
    let mut issues: Vec<Issue> = Vec::new();
    let year = schema.year;
    let report_issues = |issues: &mut Vec<Issue>,
                         path: &[String],
                         line: u64,
                         child: Option<&str>,
                         problems: &mut Vec<Problem>| {
        for issue in issues.drain(..) {
            let location = Location::Xml {
                line,
                path: path.join("/"),
            };
            let p = match issue {
                Issue::Structure(reason) => Problem::error(file, location, reason),
                Issue::Value {
                    element,
                    value,
                    reason,
                } => {
                    if READ.contains(&element.as_str()) {
                        continue;
                    }
                    Problem::warning(
                        file,
                        location,
                        format!("not a value the {year} CIN census schema allows here: {reason}"),
                    )
                    .field(&element)
                    .value(&value)
                }
            };
            problems.push(match child {
                Some(id) => p.child(id),
                None => p,
            });
        }
    };
    loop {
        let before = reader.buffer_position() as usize;
        let event = reader.read_event();
        let line = lines.at(before);
        let child_id = |e: &Extract| {
            e.ret
                .children
                .last()
                .and_then(|c| c.id().map(str::to_owned))
        };
        match event {
            Ok(Event::Start(e)) => {
                let name = local_name(e.name().as_ref());
                validator.start(&name, &mut |i| issues.push(i));
                extract.start(path.last().map(String::as_str), &name, line);
                path.push(name);
                report_issues(
                    &mut issues,
                    &path,
                    line,
                    child_id(&extract).as_deref(),
                    problems,
                );
            }
            Ok(Event::Empty(e)) => {
                let name = local_name(e.name().as_ref());
                validator.start(&name, &mut |i| issues.push(i));
                extract.start(path.last().map(String::as_str), &name, line);
                path.push(name.clone());
                validator.end(&mut |i| issues.push(i));
                report_issues(
                    &mut issues,
                    &path,
                    line,
                    child_id(&extract).as_deref(),
                    problems,
                );
                path.pop();
                extract.end(path.last().map(String::as_str), &name, line);
            }
            Ok(Event::Text(t)) => match t.unescape() {
                Ok(s) => {
                    validator.text(&s, &mut |i| issues.push(i));
                    extract.text.push_str(&s);
                    report_issues(
                        &mut issues,
                        &path,
                        line,
                        child_id(&extract).as_deref(),
                        problems,
                    );
                }
                Err(e) => {
                    problems.push(Problem::error(
                        file,
                        Location::Xml {
                            line,
                            path: path.join("/"),
                        },
                        format!("the file is not well-formed XML here: {e}"),
                    ));
                    return extract.ret;
                }
            },
            Ok(Event::CData(t)) => {
                let s = String::from_utf8_lossy(&t).into_owned();
                validator.text(&s, &mut |i| issues.push(i));
                extract.text.push_str(&s);
                report_issues(
                    &mut issues,
                    &path,
                    line,
                    child_id(&extract).as_deref(),
                    problems,
                );
            }
            Ok(Event::End(_)) => {
                validator.end(&mut |i| issues.push(i));
                // The value's line is where its element ends (for one-line elements, the same).
                let id = child_id(&extract);
                report_issues(&mut issues, &path, line, id.as_deref(), problems);
                let name = path.pop().unwrap_or_default();
                extract.end(path.last().map(String::as_str), &name, line);
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => {
                let line = lines.at(reader.error_position() as usize);
                problems.push(Problem::error(
                    file,
                    Location::Xml {
                        line,
                        path: path.join("/"),
                    },
                    format!(
                        "the file is not well-formed XML here ({e}); is it complete and unedited?"
                    ),
                ));
                return extract.ret;
            }
        }
    }
    if !validator.is_complete() {
        let open = validator.open_elements();
        let line = lines.at(text.len());
        let reason = if open.is_empty() {
            "the file holds no XML elements: is it a CIN census file?".to_owned()
        } else {
            format!(
                "the file ends before <{}> is closed: it looks truncated (still open: {})",
                open.last().copied().unwrap_or(""),
                open.join("/")
            )
        };
        problems.push(Problem::error(
            file,
            Location::Xml {
                line,
                path: path.join("/"),
            },
            reason,
        ));
    }
    extract.ret
}
