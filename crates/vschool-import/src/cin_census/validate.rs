//! Streaming validation of an XML document against a [`Schema`]: fed one event at a time,
//! it reports structural breaks (unknown, misplaced, missing or repeated elements; text
//! where only elements may be) and value violations (a simple type's facets).

use super::xsd::{ElementDecl, Schema, TypeRef};

/// What is wrong, for the caller to turn into a problem with a line and path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Issue {
    /// The document's structure breaks the schema: always an error.
    Structure(String),
    /// A value the element's type does not allow.
    Value {
        element: String,
        value: String,
        reason: String,
    },
}

struct Frame {
    ty: TypeRef,
    /// Index of the current particle of the parent's sequence, and how many times it has
    /// matched.
    idx: usize,
    count: u32,
    text: String,
    name: String,
}

pub(crate) struct Validator<'s> {
    schema: &'s Schema,
    stack: Vec<Frame>,
    /// Depth inside an element that did not fit: its content is not checked.
    skip: usize,
    seen_root: bool,
}

fn occurs(d: &ElementDecl) -> String {
    match (d.min, d.max) {
        (1, Some(1)) => "once".into(),
        (0, Some(1)) => "at most once".into(),
        (_, Some(m)) => format!("at most {m} times"),
        (_, None) => "any number of times".into(),
    }
}

impl<'s> Validator<'s> {
    pub fn new(schema: &'s Schema) -> Self {
        Validator {
            schema,
            stack: Vec::new(),
            skip: 0,
            seen_root: false,
        }
    }

    /// An element opens.
    pub fn start(&mut self, name: &str, issue: &mut impl FnMut(Issue)) {
        if self.skip > 0 {
            self.skip += 1;
            return;
        }
        let schema = self.schema;
        let Some(parent) = self.stack.last_mut() else {
            if self.seen_root {
                issue(Issue::Structure(format!(
                    "<{name}> comes after the end of the document's <Message> element"
                )));
                self.skip = 1;
                return;
            }
            self.seen_root = true;
            if name != self.schema.root.name {
                issue(Issue::Structure(format!(
                    "a CIN census file starts with <{}>, not <{name}>",
                    self.schema.root.name
                )));
                self.skip = 1;
                return;
            }
            self.stack.push(Frame {
                ty: self.schema.root.ty,
                idx: 0,
                count: 0,
                text: String::new(),
                name: name.to_owned(),
            });
            return;
        };
        let TypeRef::Complex(ct) = parent.ty else {
            issue(Issue::Structure(format!(
                "<{}> holds a value, not elements, but <{name}> is inside it",
                parent.name
            )));
            self.skip = 1;
            return;
        };
        let children = &schema.complex(ct).children;
        // Walk the sequence from where we are: the element either matches the current
        // particle (again, up to maxOccurs) or a later one, after which every skipped
        // particle must have been optional.
        let mut idx = parent.idx;
        let mut count = parent.count;
        let mut missing: Vec<&str> = Vec::new();
        let found = loop {
            let Some(decl) = children.get(idx) else {
                break None;
            };
            if decl.name == name && decl.max.is_none_or(|m| count < m) {
                break Some(idx);
            }
            if count < decl.min {
                missing.push(&decl.name);
            }
            idx += 1;
            count = 0;
        };
        match found {
            Some(i) => {
                for m in missing {
                    issue(Issue::Structure(format!(
                        "<{}> must hold <{m}> before <{name}>, and it is missing",
                        parent.name
                    )));
                }
                let (same, c) = (i == parent.idx, parent.count);
                parent.idx = i;
                parent.count = if same { c + 1 } else { 1 };
                let ty = children[i].ty;
                self.stack.push(Frame {
                    ty,
                    idx: 0,
                    count: 0,
                    text: String::new(),
                    name: name.to_owned(),
                });
            }
            None => {
                let reason = match children.iter().position(|d| d.name == name) {
                    Some(pos) if pos < parent.idx || (pos == parent.idx && parent.count > 0) => {
                        let d = &children[pos];
                        if pos == parent.idx {
                            format!(
                                "<{name}> may appear in <{}> {} only",
                                parent.name,
                                occurs(d)
                            )
                        } else {
                            format!(
                                "<{name}> is out of order: in <{}> it comes before <{}>",
                                parent.name, children[parent.idx].name
                            )
                        }
                    }
                    Some(_) => format!("<{name}> is not allowed here in <{}>", parent.name),
                    None if schema.names.contains(name) => {
                        format!("<{name}> does not belong inside <{}>", parent.name)
                    }
                    None => {
                        let hint = match name {
                            "Sex" if schema.year < 2025 => {
                                " (Sex replaced GenderCurrent from the 2025 census: is this a 2025 file with an older ReferenceDate?)"
                            }
                            "GenderCurrent" if schema.year >= 2025 => {
                                " (from the 2025 census GenderCurrent is replaced by Sex, coded M, F or U)"
                            }
                            "CINPlanDates" if schema.year < 2022 => " (CINPlanDates was added in the 2022 census)",
                            _ => "",
                        };
                        format!(
                            "<{name}> is not an element of the {} CIN census schema{hint}",
                            schema.year
                        )
                    }
                };
                issue(Issue::Structure(reason));
                self.skip = 1;
            }
        }
    }

    /// Text inside the current element.
    pub fn text(&mut self, text: &str, issue: &mut impl FnMut(Issue)) {
        if self.skip > 0 {
            return;
        }
        let Some(top) = self.stack.last_mut() else {
            if !text.trim().is_empty() {
                issue(Issue::Structure(
                    "text outside the document's elements".into(),
                ));
            }
            return;
        };
        match top.ty {
            TypeRef::Simple(_) => top.text.push_str(text),
            TypeRef::Complex(_) => {
                if !text.trim().is_empty() {
                    let shown: String = text.trim().chars().take(40).collect();
                    issue(Issue::Structure(format!(
                        "<{}> holds elements only, but has the text \"{shown}\" in it",
                        top.name
                    )));
                }
            }
        }
    }

    /// An element closes.
    pub fn end(&mut self, issue: &mut impl FnMut(Issue)) {
        if self.skip > 0 {
            self.skip -= 1;
            return;
        }
        let Some(frame) = self.stack.pop() else {
            return;
        };
        match frame.ty {
            TypeRef::Simple(id) => {
                if let Some(reason) = self.schema.simple(id).check(&frame.text) {
                    issue(Issue::Value {
                        element: frame.name,
                        value: frame.text.trim().to_owned(),
                        reason,
                    });
                }
            }
            TypeRef::Complex(ct) => {
                let children = &self.schema.complex(ct).children;
                for (i, d) in children.iter().enumerate().skip(frame.idx) {
                    let have = if i == frame.idx { frame.count } else { 0 };
                    if have < d.min {
                        issue(Issue::Structure(format!(
                            "<{}> must hold <{}>, and it is missing",
                            frame.name, d.name
                        )));
                    }
                }
            }
        }
    }

    /// Whether every opened element was closed.
    pub fn is_complete(&self) -> bool {
        self.stack.is_empty() && self.skip == 0 && self.seen_root
    }

    /// The elements still open (innermost last), for the "truncated" message.
    pub fn open_elements(&self) -> Vec<&str> {
        self.stack.iter().map(|f| f.name.as_str()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::xsd::schema_for;
    use super::*;

    fn run(events: &[(&str, &str)], year: i32) -> Vec<Issue> {
        let schema = schema_for(year).expect("schema");
        let mut v = Validator::new(schema);
        let mut out = Vec::new();
        let mut push = |i| out.push(i);
        for (kind, arg) in events {
            match *kind {
                "s" => v.start(arg, &mut push),
                "t" => v.text(arg, &mut push),
                _ => v.end(&mut push),
            }
        }
        out
    }

    fn child_events<'a>(sex_elem: &'a str, sex: &'a str) -> Vec<(&'a str, &'a str)> {
        vec![
            ("s", "Message"),
            ("s", "Children"),
            ("s", "Child"),
            ("s", "ChildIdentifiers"),
            ("s", "LAchildID"),
            ("t", "C1"),
            ("e", ""),
            ("s", sex_elem),
            ("t", sex),
            ("e", ""),
            ("e", ""),
            ("s", "ChildCharacteristics"),
            ("s", "Ethnicity"),
            ("t", "WBRI"),
            ("e", ""),
            ("e", ""),
            ("s", "CINdetails"),
            ("s", "CINreferralDate"),
            ("t", "2024-05-01"),
            ("e", ""),
            ("s", "ReferralSource"),
            ("t", "1A"),
            ("e", ""),
            ("s", "ReferralNFA"),
            ("t", "0"),
            ("e", ""),
            ("e", ""),
            ("e", ""),
            ("e", ""),
            ("e", ""),
        ]
    }

    #[test]
    fn a_minimal_valid_child_passes() {
        assert_eq!(run(&child_events("Sex", "F"), 2025), vec![]);
        assert_eq!(run(&child_events("GenderCurrent", "2"), 2024), vec![]);
    }

    #[test]
    fn sex_in_a_2024_file_is_a_structure_error() {
        let issues = run(&child_events("Sex", "F"), 2024);
        assert!(issues.iter().any(|i| matches!(i, Issue::Structure(s) if s.contains("<Sex> is not an element of the 2024"))), "{issues:?}");
        assert!(
            issues.iter().any(
                |i| matches!(i, Issue::Structure(s) if s.contains("must hold <GenderCurrent>"))
            ),
            "{issues:?}"
        );
    }

    #[test]
    fn values_are_checked() {
        let issues = run(&child_events("Sex", "1"), 2025);
        assert_eq!(
            issues,
            vec![Issue::Value {
                element: "Sex".into(),
                value: "1".into(),
                reason: "must be one of M, F, U".into()
            }]
        );
    }

    #[test]
    fn order_and_missing() {
        let mut ev = child_events("Sex", "F");
        // Ethnicity block before identifiers: out of order.
        ev.swap(3, 11);
        let issues = run(&ev, 2025);
        assert!(!issues.is_empty());
        let truncated = &child_events("Sex", "F")[..20];
        let schema = schema_for(2025).expect("schema");
        let mut v = Validator::new(schema);
        let mut sink = |_| {};
        for (k, a) in truncated {
            match *k {
                "s" => v.start(a, &mut sink),
                "t" => v.text(a, &mut sink),
                _ => v.end(&mut sink),
            }
        }
        assert!(!v.is_complete());
        assert_eq!(
            v.open_elements(),
            vec!["Message", "Children", "Child", "CINdetails"]
        );
    }
}
