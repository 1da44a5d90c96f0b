//! A small CSV record reader that knows which line each record starts on.
//!
//! Why not the `csv` crate: DESIGN §8 wants the line a text editor shows, and with Windows
//! line endings the crate's record positions drift; this reader counts lines itself. It
//! reads RFC 4180 CSV (quoted fields, `""` for a quote, line breaks inside quotes), accepts
//! `\n`, `\r\n` and `\r` line endings, streams from any reader through one reused buffer, and
//! fills one reused record, so the attendance hot path allocates nothing per row.

use std::io::{self, Read};

const CHUNK: usize = 1 << 18;

/// One record: its fields' bytes (unquoted) and the line it starts on.
#[derive(Debug, Default, Clone)]
pub(crate) struct Record {
    data: Vec<u8>,
    ends: Vec<usize>,
    /// The 1-based line the record starts on.
    pub line: u64,
    /// A quoted field was still open at the end of the file.
    pub unterminated_quote: bool,
}

impl Record {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn get(&self, i: usize) -> Option<&[u8]> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        self.data.get(start..end)
    }

    pub fn iter(&self) -> impl Iterator<Item = &[u8]> {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// Every field empty or blank (a spreadsheet's trailing `,,,,` line, or an empty line).
    pub fn is_blank(&self) -> bool {
        self.iter().all(|f| f.trim_ascii().is_empty())
    }

    fn clear(&mut self) {
        self.data.clear();
        self.ends.clear();
        self.unterminated_quote = false;
    }

    fn end_field(&mut self) {
        self.ends.push(self.data.len());
    }

    fn field_is_empty_so_far(&self) -> bool {
        self.data.len() == self.ends.last().copied().unwrap_or(0)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Unquoted,
    Quoted,
    /// Just read a `"` inside a quoted field: either `""` (a quote) or the field's end.
    QuoteInQuoted,
}

pub(crate) struct CsvReader<R> {
    input: R,
    buf: Vec<u8>,
    pos: usize,
    len: usize,
    eof: bool,
    line: u64,
    /// The previous record ended with `\r`: a following `\n` belongs to it.
    after_cr: bool,
}

impl<R: Read> CsvReader<R> {
    pub fn new(input: R) -> Self {
        CsvReader {
            input,
            buf: vec![0; CHUNK],
            pos: 0,
            len: 0,
            eof: false,
            line: 1,
            after_cr: false,
        }
    }

    /// Refills the buffer; `false` at the end of the input.
    fn fill(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        loop {
            match self.input.read(&mut self.buf) {
                Ok(0) => {
                    self.eof = true;
                    self.pos = 0;
                    self.len = 0;
                    return Ok(false);
                }
                Ok(n) => {
                    self.pos = 0;
                    self.len = n;
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// Reads the next record into `rec`; `false` when the input is exhausted.
    pub fn read_record(&mut self, rec: &mut Record) -> io::Result<bool> {
        rec.clear();
        if self.after_cr {
            self.after_cr = false;
            if self.pos == self.len && !self.fill()? {
                return Ok(false);
            }
            if self.buf[self.pos] == b'\n' {
                self.pos += 1;
            }
        }
        rec.line = self.line;
        let mut state = State::Unquoted;
        let mut started = false;
        loop {
            if self.pos == self.len && !self.fill()? {
                // End of input: finish a record that has anything in it.
                if !started {
                    return Ok(false);
                }
                rec.unterminated_quote = state == State::Quoted;
                rec.end_field();
                return Ok(true);
            }
            started = true;
            let chunk = &self.buf[self.pos..self.len];
            match state {
                State::Unquoted => {
                    let i = chunk
                        .iter()
                        .position(|&b| matches!(b, b',' | b'\n' | b'\r' | b'"'))
                        .unwrap_or(chunk.len());
                    rec.data.extend_from_slice(&chunk[..i]);
                    self.pos += i;
                    if i == chunk.len() {
                        continue;
                    }
                    let b = chunk[i];
                    self.pos += 1;
                    match b {
                        b',' => rec.end_field(),
                        b'\n' => {
                            rec.end_field();
                            self.line += 1;
                            return Ok(true);
                        }
                        b'\r' => {
                            rec.end_field();
                            self.line += 1;
                            self.after_cr = true;
                            return Ok(true);
                        }
                        _ => {
                            // A quote opens a quoted field only at the field's start;
                            // elsewhere it is kept as text, as spreadsheets do.
                            if rec.field_is_empty_so_far() {
                                state = State::Quoted;
                            } else {
                                rec.data.push(b'"');
                            }
                        }
                    }
                }
                State::Quoted => {
                    let i = chunk
                        .iter()
                        .position(|&b| b == b'"' || b == b'\n')
                        .unwrap_or(chunk.len());
                    rec.data.extend_from_slice(&chunk[..i]);
                    self.pos += i;
                    if i == chunk.len() {
                        continue;
                    }
                    self.pos += 1;
                    if chunk[i] == b'\n' {
                        rec.data.push(b'\n');
                        self.line += 1;
                    } else {
                        state = State::QuoteInQuoted;
                    }
                }
                State::QuoteInQuoted => {
                    if chunk[0] == b'"' {
                        rec.data.push(b'"');
                        self.pos += 1;
                        state = State::Quoted;
                    } else {
                        state = State::Unquoted;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(data: &[u8]) -> Vec<(u64, Vec<String>)> {
        let mut r = CsvReader::new(data);
        let mut rec = Record::new();
        let mut out = Vec::new();
        while r.read_record(&mut rec).expect("in memory") {
            out.push((
                rec.line,
                rec.iter()
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .collect(),
            ));
        }
        out
    }

    #[test]
    fn line_endings_and_line_numbers() {
        let got = all(b"a,b\r\n1,2\r\n\r\n3,4");
        assert_eq!(
            got,
            vec![
                (1, vec!["a".into(), "b".into()]),
                (2, vec!["1".into(), "2".into()]),
                (3, vec!["".into()]),
                (4, vec!["3".into(), "4".into()]),
            ]
        );
        let got = all(b"a\rb\nc\n");
        assert_eq!(
            got.iter().map(|(l, _)| *l).collect::<Vec<_>>(),
            vec![1, 2, 3]
        );
    }

    #[test]
    fn quotes_and_embedded_newlines() {
        let got = all(b"\"x, y\",\"say \"\"hi\"\"\"\n\"two\nlines\",z\nnext,1\n");
        assert_eq!(got[0], (1, vec!["x, y".into(), "say \"hi\"".into()]));
        assert_eq!(got[1], (2, vec!["two\nlines".into(), "z".into()]));
        assert_eq!(got[2].0, 4);
    }

    #[test]
    fn unterminated_quote_is_flagged() {
        let mut r = CsvReader::new(&b"a,\"open\n"[..]);
        let mut rec = Record::new();
        assert!(r.read_record(&mut rec).expect("in memory"));
        assert!(rec.unterminated_quote);
    }

    #[test]
    fn crlf_split_across_chunks() {
        // A reader that yields one byte at a time exercises every boundary.
        struct OneByte<'a>(&'a [u8]);
        impl Read for OneByte<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                if self.0.is_empty() || buf.is_empty() {
                    return Ok(0);
                }
                buf[0] = self.0[0];
                self.0 = &self.0[1..];
                Ok(1)
            }
        }
        let mut r = CsvReader::new(OneByte(b"a,\"b\"\"c\"\r\nd,e\r\n"));
        let mut rec = Record::new();
        let mut lines = Vec::new();
        while r.read_record(&mut rec).expect("in memory") {
            lines.push((
                rec.line,
                rec.iter()
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .collect::<Vec<_>>(),
            ));
        }
        assert_eq!(
            lines,
            vec![
                (1, vec!["a".into(), "b\"c".into()]),
                (2, vec!["d".into(), "e".into()])
            ]
        );
    }
}
