//! Record formats read as a stream: lines from any `BufRead` → records → [`Item`]s, one
//! record in memory at a time, so a 1 GB SGML or JSON Lines file reads in flat memory.
//!
//! Lines longer than [`MAX_LINE_BYTES`] are skipped with an error (without ever holding them
//! whole); bytes that are not UTF-8 are read as Windows-1252, as the corpus walk reads files.
//! The ids already given are remembered to keep ids unique: that set grows with the number of
//! records (tens of bytes each), not with their text.

use std::io::{self, BufRead};

use super::Format;
use super::sgml::{RawRecord, Splitter};
use super::{FormatError, Item, Items, Options, json_lines, reuters, trec};

/// A line longer than this is skipped with an error.
pub const MAX_LINE_BYTES: usize = 16 << 20;

/// The items of a record-format file, one record at a time: see [`stream`](super::stream).
pub struct Records<R> {
    lines: Lines<R>,
    reader: RecordReader,
    options: Options,
    items: Items,
    records_read: u64,
    finished: bool,
}

enum RecordReader {
    Sgml {
        splitter: Splitter,
        read: fn(&RawRecord, u64, &mut Items),
    },
    JsonLines,
}

impl<R: BufRead> Records<R> {
    /// `None` for formats that are not read a record at a time.
    pub(super) fn new(format: Format, input: R, options: Options) -> Option<Records<R>> {
        let reader = match format {
            Format::TrecSgml => RecordReader::Sgml {
                splitter: Splitter::new("DOC"),
                read: trec::record,
            },
            Format::ReutersSgml => RecordReader::Sgml {
                splitter: Splitter::new("REUTERS"),
                read: reuters::record,
            },
            Format::JsonLines => RecordReader::JsonLines,
            _ => return None,
        };
        Some(Records {
            lines: Lines {
                input,
                number: 0,
                buffer: Vec::new(),
            },
            reader,
            options,
            items: Items::default(),
            records_read: 0,
            finished: false,
        })
    }

    fn feed(&mut self, number: u64, line: &str) {
        match &mut self.reader {
            RecordReader::JsonLines => {
                if !line.trim().is_empty() {
                    self.records_read += 1;
                    json_lines::line(
                        line,
                        number,
                        self.records_read,
                        &self.options,
                        &mut self.items,
                    );
                }
            }
            RecordReader::Sgml { splitter, .. } => {
                let (mut records, mut errors) = (Vec::new(), Vec::new());
                splitter.feed(number, line, &mut records, &mut errors);
                self.read_records(records, errors);
            }
        }
    }

    fn finish(&mut self) {
        self.finished = true;
        if let RecordReader::Sgml { splitter, .. } = &mut self.reader {
            let (mut records, mut errors) = (Vec::new(), Vec::new());
            splitter.finish(&mut records, &mut errors);
            self.read_records(records, errors);
        }
    }

    fn read_records(&mut self, records: Vec<RawRecord>, errors: Vec<FormatError>) {
        for error in errors {
            self.items.error(error);
        }
        if let RecordReader::Sgml { read, .. } = &self.reader {
            let read = *read;
            for record in &records {
                self.records_read += 1;
                read(record, self.records_read, &mut self.items);
            }
        }
    }
}

impl<R: BufRead> Iterator for Records<R> {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        loop {
            if let Some(item) = self.items.pop() {
                return Some(item);
            }
            if self.finished {
                return None;
            }
            match self.lines.next_line() {
                Ok(Some(Line::Text(text))) => {
                    let number = self.lines.number;
                    self.feed(number, &text);
                }
                Ok(Some(Line::TooLong)) => {
                    if matches!(self.reader, RecordReader::JsonLines) {
                        // Still a record: later ones keep their numbers.
                        self.records_read += 1;
                    }
                    let message = format!(
                        "the line is over {} MiB; it is skipped",
                        MAX_LINE_BYTES >> 20
                    );
                    self.items
                        .error(FormatError::at(self.lines.number, message));
                }
                Ok(None) => self.finish(),
                Err(error) => {
                    let message = format!("reading stopped: {error}");
                    self.items
                        .error(FormatError::at(self.lines.number, message));
                    self.finish();
                }
            }
        }
    }
}

enum Line {
    Text(String),
    TooLong,
}

/// Lines of at most [`MAX_LINE_BYTES`], read without holding a longer one.
struct Lines<R> {
    input: R,
    /// The number of the last line read.
    number: u64,
    buffer: Vec<u8>,
}

impl<R: BufRead> Lines<R> {
    fn next_line(&mut self) -> io::Result<Option<Line>> {
        self.buffer.clear();
        let mut too_long = false;
        let mut read_any = false;
        loop {
            let available = match self.input.fill_buf() {
                Ok(available) => available,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => return Err(error),
            };
            if available.is_empty() {
                break;
            }
            read_any = true;
            let (chunk, done) = match available.iter().position(|&b| b == b'\n') {
                Some(end) => (&available[..end], end + 1),
                None => (available, available.len()),
            };
            let ends_line = done > chunk.len();
            if !too_long {
                if self.buffer.len() + chunk.len() > MAX_LINE_BYTES {
                    too_long = true;
                    self.buffer = Vec::new();
                } else {
                    self.buffer.extend_from_slice(chunk);
                }
            }
            self.input.consume(done);
            if ends_line {
                break;
            }
        }
        if !read_any {
            return Ok(None);
        }
        self.number += 1;
        if too_long {
            return Ok(Some(Line::TooLong));
        }
        if self.buffer.last() == Some(&b'\r') {
            self.buffer.pop();
        }
        let text = match std::str::from_utf8(&self.buffer) {
            Ok(text) => text.to_string(),
            Err(_) => encoding_rs::WINDOWS_1252
                .decode(&self.buffer)
                .0
                .into_owned(),
        };
        Ok(Some(Line::Text(text)))
    }
}

#[cfg(test)]
mod tests {
    use std::io::{BufReader, Read};

    use super::super::{Item, Options, stream};
    use super::*;

    /// A reader that makes a large file of TREC records on the fly, never holding it.
    struct ManyRecords {
        left: u64,
        pending: Vec<u8>,
        at: usize,
    }

    impl Read for ManyRecords {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            if self.at == self.pending.len() {
                if self.left == 0 {
                    return Ok(0);
                }
                self.left -= 1;
                let text =
                    "Gulls came back to the harbour after the storm, wardens said.\n".repeat(20);
                self.pending = format!(
                    "<DOC>\n<DOCNO> GULL-{} </DOCNO>\n<HEAD>Gulls</HEAD>\n<TEXT>\n{text}</TEXT>\n</DOC>\n",
                    self.left
                )
                .into_bytes();
                self.at = 0;
            }
            let n = out.len().min(self.pending.len() - self.at);
            out[..n].copy_from_slice(&self.pending[self.at..n + self.at]);
            self.at += n;
            Ok(n)
        }
    }

    #[test]
    fn a_stream_yields_records_one_at_a_time() {
        let input = ManyRecords {
            left: 20_000,
            pending: Vec::new(),
            at: 0,
        };
        let mut records =
            stream(Format::TrecSgml, BufReader::new(input), &Options::default()).unwrap();
        let mut articles = 0;
        while let Some(item) = records.next() {
            match item {
                Item::Article(article) => {
                    assert_eq!(article.article.paragraphs.len(), 1);
                    articles += 1;
                }
                other => panic!("{other:?}"),
            }
            // Never more than one record's items waiting.
            assert!(records_waiting(&records) <= 1);
        }
        assert_eq!(articles, 20_000);
    }

    fn records_waiting<R>(records: &Records<R>) -> usize {
        records.items.len()
    }

    #[test]
    fn formats_read_whole_do_not_stream() {
        assert!(stream(Format::Rss, &b""[..], &Options::default()).is_none());
        assert!(stream(Format::JsonLines, &b""[..], &Options::default()).is_some());
    }

    #[test]
    fn an_overlong_line_is_skipped_and_named() {
        let mut input = b"{\"title\": \"one\"}\n{\"title\": \"".to_vec();
        input.extend(std::iter::repeat_n(b'x', MAX_LINE_BYTES + 10));
        input.extend(b"\"}\n{\"title\": \"three\"}");
        let items: Vec<Item> = stream(Format::JsonLines, &input[..], &Options::default())
            .unwrap()
            .collect();
        assert_eq!(items.len(), 3);
        assert!(matches!(&items[1], Item::Error(error) if error.line == Some(2)));
        assert!(matches!(&items[2], Item::Article(article) if article.id == "3"));
    }

    #[test]
    fn windows_1252_bytes_and_crlf_lines() {
        let input = b"{\"title\": \"Caf\xe9\"}\r\n{\"title\": \"ok\"}\r\n";
        let items: Vec<Item> = stream(Format::JsonLines, &input[..], &Options::default())
            .unwrap()
            .collect();
        // 0xE9 alone is not UTF-8: the line reads as Windows-1252.
        assert!(matches!(&items[0], Item::Article(article) if article.article.title == "Café"));
        assert_eq!(items.len(), 2);
    }
}
