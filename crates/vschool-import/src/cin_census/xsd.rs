//! A reader for the small subset of XML Schema the CIN census XSDs use, and the schemas of
//! each collection year, embedded from `schemas/cin_census/`.
//!
//! The subset: named and anonymous `complexType`s holding one `sequence` of `element`s with
//! `minOccurs`/`maxOccurs`; `simpleType`s restricting `xs:string`, `xs:date`, `xs:gYear`,
//! `xs:dateTime`, `xs:integer` or another named simple type with `enumeration`, `pattern`,
//! `minLength` and `minInclusive`. Anything else in a schema is a load error, which the
//! tests catch for every embedded year, so a new year's XSD using more cannot slip by.
//! See docs/decisions/0005-xml-validation.md for why this rather than libxml2.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use quick_xml::events::Event;
use quick_xml::Reader;

use crate::values::parse_xs_date;

/// The embedded schemas, by collection year.
const SCHEMAS: [(i32, &str); 6] = [
    (
        2021,
        include_str!("../../schemas/cin_census/CIN_schema_2021.xsd"),
    ),
    (
        2022,
        include_str!("../../schemas/cin_census/CIN_schema_2022.xsd"),
    ),
    (
        2023,
        include_str!("../../schemas/cin_census/CIN_schema_2023.xsd"),
    ),
    (
        2024,
        include_str!("../../schemas/cin_census/CIN_schema_2024.xsd"),
    ),
    (
        2025,
        include_str!("../../schemas/cin_census/CIN_schema_2025.xsd"),
    ),
    (
        2026,
        include_str!("../../schemas/cin_census/CIN_schema_2026.xsd"),
    ),
];

pub const FIRST_SCHEMA_YEAR: i32 = 2021;
pub const LAST_SCHEMA_YEAR: i32 = 2026;

/// The schema of a collection year (years after the last known use the last), loaded once.
pub(crate) fn schema_for(year: i32) -> Result<&'static Schema, String> {
    static LOADED: OnceLock<Vec<(i32, Result<Schema, String>)>> = OnceLock::new();
    let all = LOADED.get_or_init(|| {
        SCHEMAS
            .iter()
            .map(|(y, text)| (*y, Schema::load(*y, text)))
            .collect()
    });
    let y = year.clamp(FIRST_SCHEMA_YEAR, LAST_SCHEMA_YEAR);
    match all.iter().find(|(sy, _)| *sy == y) {
        Some((_, Ok(s))) => Ok(s),
        Some((_, Err(e))) => Err(e.clone()),
        None => Err(format!("no CIN census schema for {year}")),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Builtin {
    String,
    Date,
    GYear,
    DateTime,
    Integer,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pattern {
    /// `\d{3}`
    Digits3,
    /// `\d{3}\d*`
    Digits3OrMore,
    /// `[A-Za-z]\d{11}(\d|[A-Za-z])`
    Upn,
}

impl Pattern {
    fn from_xsd(p: &str) -> Option<Self> {
        match p {
            r"\d{3}" => Some(Pattern::Digits3),
            r"\d{3}\d*" => Some(Pattern::Digits3OrMore),
            r"[A-Za-z]\d{11}(\d|[A-Za-z])" => Some(Pattern::Upn),
            _ => None,
        }
    }

    fn matches(&self, v: &str) -> bool {
        let b = v.as_bytes();
        match self {
            Pattern::Digits3 => b.len() == 3 && b.iter().all(u8::is_ascii_digit),
            Pattern::Digits3OrMore => b.len() >= 3 && b.iter().all(u8::is_ascii_digit),
            Pattern::Upn => {
                b.len() == 13
                    && b[0].is_ascii_alphabetic()
                    && b[1..12].iter().all(u8::is_ascii_digit)
                    && b[12].is_ascii_alphanumeric()
            }
        }
    }

    fn describe(&self) -> &'static str {
        match self {
            Pattern::Digits3 => "three digits",
            Pattern::Digits3OrMore => "three or more digits",
            Pattern::Upn => "a letter, eleven digits and a digit or letter",
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct SimpleType {
    pub base: Builtin,
    pub enumeration: Vec<String>,
    pub pattern: Option<Pattern>,
    pub min_length: Option<usize>,
    pub min_inclusive: Option<i64>,
}

impl SimpleType {
    fn builtin(base: Builtin) -> Self {
        SimpleType {
            base,
            enumeration: Vec::new(),
            pattern: None,
            min_length: None,
            min_inclusive: None,
        }
    }

    /// Why a value is not allowed, or `None` when it is. Values are whitespace-collapsed
    /// first (a deliberate leniency for string types, which XSD would keep as given).
    pub fn check(&self, raw: &str) -> Option<String> {
        let v = raw.trim();
        if let Some(min) = self.min_length {
            if v.chars().count() < min {
                return Some("a value is needed".to_owned());
            }
        }
        match self.base {
            Builtin::String => {}
            Builtin::Date => {
                if let Err(e) = parse_xs_date(v) {
                    return Some(e);
                }
            }
            Builtin::GYear => {
                if !(v.len() == 4 && v.bytes().all(|b| b.is_ascii_digit())) {
                    return Some("not a year (four digits, e.g. 2025)".to_owned());
                }
            }
            Builtin::DateTime => {
                let ok = v.len() >= 19
                    && v.is_char_boundary(10)
                    && parse_xs_date(&v[..10]).is_ok()
                    && v.as_bytes()[10] == b'T';
                if !ok {
                    return Some("not a date and time (e.g. 2025-03-31T10:00:00)".to_owned());
                }
            }
            Builtin::Integer => {
                let digits = v.strip_prefix(['-', '+']).unwrap_or(v);
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return Some("not a whole number".to_owned());
                }
                if let Some(min) = self.min_inclusive {
                    let n: i64 = v.parse().unwrap_or(i64::MAX);
                    if n < min {
                        return Some(format!("must be {min} or more"));
                    }
                }
            }
        }
        if !self.enumeration.is_empty() && !self.enumeration.iter().any(|e| e == v) {
            return Some(if self.enumeration.len() <= 12 {
                format!("must be one of {}", self.enumeration.join(", "))
            } else {
                "not a code in the schema's code list".to_owned()
            });
        }
        if let Some(p) = self.pattern {
            if !p.matches(v) {
                return Some(format!("must be {}", p.describe()));
            }
        }
        None
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TypeRef {
    Complex(usize),
    Simple(usize),
}

#[derive(Debug, Clone)]
pub(crate) struct ElementDecl {
    pub name: String,
    pub ty: TypeRef,
    pub min: u32,
    /// `None` is unbounded.
    pub max: Option<u32>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct ComplexType {
    pub children: Vec<ElementDecl>,
}

#[derive(Debug)]
pub(crate) struct Schema {
    pub year: i32,
    pub root: ElementDecl,
    pub complex: Vec<ComplexType>,
    pub simple: Vec<SimpleType>,
    /// Every element name the schema declares (to tell "unknown" from "misplaced").
    pub names: HashSet<String>,
}

/// An XSD element as a tree (the files are small).
#[derive(Debug, Default)]
struct Node {
    name: String,
    attrs: HashMap<String, String>,
    children: Vec<Node>,
}

impl Node {
    fn attr(&self, k: &str) -> Option<&str> {
        self.attrs.get(k).map(String::as_str)
    }
}

fn local(name: &[u8]) -> String {
    let s = String::from_utf8_lossy(name);
    match s.split_once(':') {
        Some((_, l)) => l.to_owned(),
        None => s.into_owned(),
    }
}

fn parse_tree(text: &str) -> Result<Node, String> {
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Node> = vec![Node::default()];
    let open = |e: &quick_xml::events::BytesStart<'_>| -> Result<Node, String> {
        let mut n = Node {
            name: local(e.name().as_ref()),
            ..Default::default()
        };
        for a in e.attributes() {
            let a = a.map_err(|e| e.to_string())?;
            let v = a.unescape_value().map_err(|e| e.to_string())?;
            n.attrs.insert(local(a.key.as_ref()), v.into_owned());
        }
        Ok(n)
    };
    loop {
        match reader.read_event().map_err(|e| e.to_string())? {
            Event::Start(e) => stack.push(open(&e)?),
            Event::Empty(e) => {
                let n = open(&e)?;
                stack
                    .last_mut()
                    .ok_or("unbalanced schema")?
                    .children
                    .push(n);
            }
            Event::End(_) => {
                let n = stack.pop().ok_or("unbalanced schema")?;
                stack
                    .last_mut()
                    .ok_or("unbalanced schema")?
                    .children
                    .push(n);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let mut doc = stack.pop().ok_or("empty schema")?;
    doc.children.pop().ok_or_else(|| "empty schema".to_owned())
}

struct Builder<'a> {
    named_complex: HashMap<String, &'a Node>,
    named_simple: HashMap<String, &'a Node>,
    complex: Vec<ComplexType>,
    simple: Vec<SimpleType>,
    complex_ids: HashMap<String, usize>,
    names: HashSet<String>,
}

impl<'a> Builder<'a> {
    fn simple_from_restriction(&mut self, st: &Node) -> Result<SimpleType, String> {
        let r = st
            .children
            .iter()
            .find(|c| c.name == "restriction")
            .ok_or("a simpleType without a restriction")?;
        let base = r.attr("base").ok_or("a restriction without a base")?;
        let mut t = self.base_type(base)?;
        for f in &r.children {
            let value = f.attr("value").unwrap_or("");
            match f.name.as_str() {
                "enumeration" => t.enumeration.push(value.to_owned()),
                "pattern" => {
                    t.pattern = Some(
                        Pattern::from_xsd(value).ok_or(format!("unsupported pattern {value}"))?,
                    );
                }
                "minLength" => t.min_length = Some(value.parse().map_err(|_| "bad minLength")?),
                "minInclusive" => {
                    t.min_inclusive = Some(value.parse().map_err(|_| "bad minInclusive")?)
                }
                "annotation" => {}
                other => return Err(format!("unsupported facet {other}")),
            }
        }
        Ok(t)
    }

    fn base_type(&mut self, name: &str) -> Result<SimpleType, String> {
        let builtin = match name {
            "xs:string" => Some(Builtin::String),
            "xs:date" => Some(Builtin::Date),
            "xs:gYear" => Some(Builtin::GYear),
            "xs:dateTime" => Some(Builtin::DateTime),
            "xs:integer" => Some(Builtin::Integer),
            _ => None,
        };
        if let Some(b) = builtin {
            return Ok(SimpleType::builtin(b));
        }
        let node = *self
            .named_simple
            .get(name)
            .ok_or(format!("unknown type {name}"))?;
        self.simple_from_restriction(node)
    }

    fn element(&mut self, e: &Node) -> Result<ElementDecl, String> {
        let name = e
            .attr("name")
            .ok_or("an element without a name")?
            .to_owned();
        self.names.insert(name.clone());
        let min = e
            .attr("minOccurs")
            .map_or(Ok(1), str::parse)
            .map_err(|_| "bad minOccurs")?;
        let max = match e.attr("maxOccurs") {
            None => Some(1),
            Some("unbounded") => None,
            Some(n) => Some(n.parse().map_err(|_| "bad maxOccurs")?),
        };
        let ty = if let Some(t) = e.attr("type") {
            if let Some(&id) = self.complex_ids.get(t) {
                TypeRef::Complex(id)
            } else if let Some(&node) = self.named_complex.get(t) {
                self.complex_type(t, node)?
            } else {
                let st = self.base_type(t)?;
                self.simple.push(st);
                TypeRef::Simple(self.simple.len() - 1)
            }
        } else if let Some(ct) = e.children.iter().find(|c| c.name == "complexType") {
            let id = self.complex.len();
            self.complex.push(ComplexType::default());
            let ty = self.sequence(ct)?;
            self.complex[id] = ty;
            TypeRef::Complex(id)
        } else if let Some(st) = e.children.iter().find(|c| c.name == "simpleType") {
            let st = self.simple_from_restriction(st)?;
            self.simple.push(st);
            TypeRef::Simple(self.simple.len() - 1)
        } else {
            return Err(format!("element {name} has no type"));
        };
        Ok(ElementDecl { name, ty, min, max })
    }

    fn complex_type(&mut self, name: &str, node: &Node) -> Result<TypeRef, String> {
        let id = self.complex.len();
        self.complex.push(ComplexType::default());
        self.complex_ids.insert(name.to_owned(), id);
        let ty = self.sequence(node)?;
        self.complex[id] = ty;
        Ok(TypeRef::Complex(id))
    }

    fn sequence(&mut self, ct: &Node) -> Result<ComplexType, String> {
        let mut out = ComplexType::default();
        for c in &ct.children {
            match c.name.as_str() {
                "sequence" => {
                    for e in &c.children {
                        match e.name.as_str() {
                            "element" => out.children.push(self.element(e)?),
                            "annotation" => {}
                            other => return Err(format!("unsupported particle {other}")),
                        }
                    }
                }
                "annotation" => {}
                other => return Err(format!("unsupported complex content {other}")),
            }
        }
        Ok(out)
    }
}

impl Schema {
    pub(crate) fn load(year: i32, text: &str) -> Result<Schema, String> {
        let root = parse_tree(text)?;
        if root.name != "schema" {
            return Err("not an XML Schema".into());
        }
        let mut b = Builder {
            named_complex: HashMap::new(),
            named_simple: HashMap::new(),
            complex: Vec::new(),
            simple: Vec::new(),
            complex_ids: HashMap::new(),
            names: HashSet::new(),
        };
        let mut top = None;
        for c in &root.children {
            match (c.name.as_str(), c.attr("name")) {
                ("complexType", Some(n)) => {
                    b.named_complex.insert(n.to_owned(), c);
                }
                ("simpleType", Some(n)) => {
                    b.named_simple.insert(n.to_owned(), c);
                }
                ("element", Some(_)) => top = Some(c),
                ("annotation", _) => {}
                (other, _) => return Err(format!("unsupported top-level {other}")),
            }
        }
        let top = top.ok_or("no root element")?;
        let root_decl = b.element(top)?;
        Ok(Schema {
            year,
            root: root_decl,
            complex: b.complex,
            simple: b.simple,
            names: b.names,
        })
    }

    pub(crate) fn complex(&self, id: usize) -> &ComplexType {
        &self.complex[id]
    }

    pub(crate) fn simple(&self, id: usize) -> &SimpleType {
        &self.simple[id]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_schema_loads() {
        for (year, _) in SCHEMAS {
            let s = schema_for(year).unwrap_or_else(|e| panic!("{year}: {e}"));
            assert_eq!(s.root.name, "Message");
            assert!(s.names.contains("LAchildID"));
            assert_eq!(s.names.contains("CINPlanDates"), year >= 2022, "{year}");
            assert_eq!(s.names.contains("Sex"), year >= 2025, "{year}");
            assert_eq!(s.names.contains("GenderCurrent"), year < 2025, "{year}");
        }
    }

    #[test]
    fn simple_types_check_values() {
        let s = schema_for(2026).expect("loads");
        let find = |name: &str| -> &SimpleType {
            fn walk<'a>(s: &'a Schema, ty: TypeRef, name: &str) -> Option<&'a SimpleType> {
                match ty {
                    TypeRef::Simple(_) => None,
                    TypeRef::Complex(id) => s.complex(id).children.iter().find_map(|c| {
                        if c.name == name {
                            match c.ty {
                                TypeRef::Simple(i) => Some(s.simple(i)),
                                TypeRef::Complex(_) => None,
                            }
                        } else {
                            walk(s, c.ty, name)
                        }
                    }),
                }
            }
            walk(s, s.root.ty, name).unwrap_or_else(|| panic!("{name}"))
        };
        assert_eq!(find("Sex").check("M"), None);
        assert_eq!(
            find("Sex").check("1"),
            Some("must be one of M, F, U".into())
        );
        assert_eq!(find("LEA").check("975"), None);
        assert!(find("LEA").check("97").is_some());
        assert_eq!(find("UPN").check("A123456789012"), None);
        assert!(find("UPN").check("A12345678901").is_some());
        assert_eq!(find("ReferralNFA").check("0"), None);
        assert!(find("ReferralNFA").check("true").is_some());
        assert!(find("CPPstartDate").check("2024-02-30").is_some());
        assert_eq!(find("NumberOfPreviousCPP").check("3"), None);
        assert!(find("NumberOfPreviousCPP").check("-1").is_some());
        assert!(find("DateTime").check("2022-07-21T10:12:28Z").is_none());
    }
}
