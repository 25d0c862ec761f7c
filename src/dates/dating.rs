//! The day an article is dated, and where that came from.
//!
//! A full date in the path (`2019/10/23/`, `2019-10-23`) is the article's. Else its dateline's
//! day (`NICOSIA, Oct 19`), in the dateline's own year or, lacking one, in the year of the
//! nearest dated source: the path (`1987/`), the dated articles beside it in its folder, the
//! `--year` given for the folder; only then the file's modification time, which says when a
//! file was copied as often as when its story was written. Without a dated dateline, the
//! file's time. Nothing is dated after the day the index is built.

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::Day;
use crate::article::{self, dateline_parts};
use crate::corpus::{self, ArticleFile};

/// Where an article's date came from: the format's own date first, then the rest most
/// trusted first. The discriminants are the codes indexes keep, in `ALL`'s order, so `Format`
/// came last (code 7) rather than renumber the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateSource {
    /// A full date in the path.
    Path,
    /// The dateline's day and year.
    Dateline,
    /// The dateline's day, the path's year.
    PathYear,
    /// The dateline's day, in the year of the dated articles beside it.
    Sibling,
    /// The dateline's day, in the year `--year` gave the folder.
    YearOption,
    /// The dateline's day, in the year of the file's modification time.
    FileYear,
    /// The file's modification time.
    Modified,
    /// The date the article's format gives (RSS `pubDate`, NewsML-G2 `versionCreated`, TREC
    /// `DATE`, NITF `date.issue`...).
    Format,
}

impl DateSource {
    pub const ALL: [DateSource; 8] = [
        DateSource::Path,
        DateSource::Dateline,
        DateSource::PathYear,
        DateSource::Sibling,
        DateSource::YearOption,
        DateSource::FileYear,
        DateSource::Modified,
        DateSource::Format,
    ];

    /// The word scripts see (`--json`'s `date_source`, `stats`).
    pub fn name(self) -> &'static str {
        match self {
            DateSource::Path => "path",
            DateSource::Dateline => "dateline",
            DateSource::PathYear => "path-year",
            DateSource::Sibling => "sibling",
            DateSource::YearOption => "year-option",
            DateSource::FileYear => "file-year",
            DateSource::Modified => "modified",
            DateSource::Format => "format",
        }
    }

    /// Whether the year came from the file's time, which copying resets.
    pub fn from_file_time(self) -> bool {
        matches!(self, DateSource::FileYear | DateSource::Modified)
    }

    /// The code the `date` column keeps beside the day (below `super::SOURCES`).
    pub(super) fn code(self) -> u64 {
        self as u64
    }

    pub(super) fn from_code(code: u64) -> DateSource {
        usize::try_from(code)
            .ok()
            .and_then(|code| DateSource::ALL.get(code).copied())
            .unwrap_or(DateSource::Modified)
    }
}

/// Dated siblings a folder lends its yearless datelines: enough to agree on a year.
const SIBLINGS: usize = 16;

/// Files whose first bytes are read, in name order, looking for dated siblings when no file
/// name in the folder holds a date. A folder's files come from one source, which writes years
/// in its datelines or does not: sixteen yearless ones say it does not. With 64, a folder of
/// yearless datelines (Reuters-21578, the bench's corpus) cost 64 files read for its first
/// changed file: at 1 GB, a 1% re-index read 64,000 heads to re-index 3,162 files.
const HEADS_READ: usize = 16;

/// The bytes of a file read for its dateline.
const HEAD_BYTES: u64 = 4096;

/// One indexing run's dating: the year given for the folder, the day of the build, and the
/// dated siblings of each folder met (read once a run, and only for a yearless dateline).
pub struct Dating {
    year: Option<i64>,
    build_day: Day,
    extensions: Vec<String>,
    folders: Mutex<HashMap<PathBuf, Arc<[Day]>>>,
}

impl Dating {
    /// `year`: the `--year` option; `extensions`: the files that count as articles.
    pub fn new(year: Option<i64>, build_day: Day, extensions: &[String]) -> Dating {
        Dating {
            year,
            build_day,
            extensions: extensions.to_vec(),
            folders: Mutex::new(HashMap::new()),
        }
    }

    /// The day `file`'s article is dated, given its dateline, and where that came from.
    pub fn date(&self, file: &ArticleFile, dateline: &str) -> (Day, DateSource) {
        let siblings = || match file.path.parent() {
            Some(folder) => self.sibling_days(folder),
            None => Arc::from([]),
        };
        self.date_with(&file.key, dateline, file.modified_ns, siblings)
    }

    /// An article's date: the one its format gives, unless it is after the build (a
    /// mistyped year); else `date`'s.
    pub fn date_article(
        &self,
        file: &ArticleFile,
        dateline: &str,
        given: Option<Day>,
    ) -> (Day, DateSource) {
        match given.filter(|day| *day <= self.build_day) {
            Some(day) => (day, DateSource::Format),
            None => self.date(file, dateline),
        }
    }

    /// `date`, the siblings' days given by `siblings` (called only when they are needed).
    fn date_with(
        &self,
        key: &str,
        dateline: &str,
        modified_ns: u64,
        siblings: impl FnOnce() -> Arc<[Day]>,
    ) -> (Day, DateSource) {
        let trusted = |day: &Day| *day <= self.build_day;
        if let Some(day) = path_date(key).filter(trusted) {
            return (day, DateSource::Path);
        }
        let modified = Day::from_nanos(modified_ns).min(self.build_day);
        let parts = dateline_parts(dateline);
        let (Some(month), Some(day)) = (parts.month, parts.day) else {
            return (modified, DateSource::Modified);
        };
        if let Some(year) = parts.year {
            return Day::from_date(i64::from(year), month, day)
                .filter(trusted)
                .map_or((modified, DateSource::Modified), |dated| {
                    (dated, DateSource::Dateline)
                });
        }
        // The day in `year`, or in the year before when `year`'s is still to come.
        let in_year = |year: i64| {
            Day::from_date(year, month, day)
                .filter(trusted)
                .or_else(|| Day::from_date(year - 1, month, day).filter(trusted))
        };
        if let Some(dated) = path_year(key).and_then(in_year) {
            return (dated, DateSource::PathYear);
        }
        if let Some(dated) = nearest_to(month, day, &siblings(), self.build_day) {
            return (dated, DateSource::Sibling);
        }
        if let Some(dated) = self.year.and_then(in_year) {
            return (dated, DateSource::YearOption);
        }
        // A dateline of Dec 31 on a file written on Jan 2 is last year's.
        let (year, ..) = modified.date();
        Day::from_date(year, month, day)
            .filter(|dated| dated.0 <= modified.0 + 1 && trusted(dated))
            .or_else(|| Day::from_date(year - 1, month, day))
            .map_or((modified, DateSource::Modified), |dated| {
                (dated, DateSource::FileYear)
            })
    }

    /// The days of up to `SIBLINGS` dated articles in `folder`, read once a run.
    fn sibling_days(&self, folder: &Path) -> Arc<[Day]> {
        let cached = |folders: &Mutex<HashMap<PathBuf, Arc<[Day]>>>| {
            let folders = folders.lock().unwrap_or_else(|err| err.into_inner());
            folders.get(folder).cloned()
        };
        if let Some(days) = cached(&self.folders) {
            return days;
        }
        let days: Arc<[Day]> = self.scan(folder).into();
        let mut folders = self.folders.lock().unwrap_or_else(|err| err.into_inner());
        folders.insert(folder.to_path_buf(), Arc::clone(&days));
        days
    }

    /// Dated articles in `folder`: files named by a date, else files (the first `HEADS_READ`
    /// by name) whose dateline has a year. Sorted, without the future.
    fn scan(&self, folder: &Path) -> Vec<Day> {
        let Ok(entries) = fs::read_dir(folder) else {
            return Vec::new();
        };
        let mut names: Vec<String> = entries
            .flatten()
            .filter(|entry| entry.file_type().is_ok_and(|kind| kind.is_file()))
            .filter_map(|entry| entry.file_name().into_string().ok())
            .filter(|name| !name.starts_with('.') && self.is_article(name))
            .collect();
        names.sort_unstable();
        let trusted = |day: &Day| *day <= self.build_day;
        let mut days: Vec<Day> = names
            .iter()
            .filter_map(|name| path_date(name))
            .filter(trusted)
            .take(SIBLINGS)
            .collect();
        if days.is_empty() {
            days = names
                .iter()
                .take(HEADS_READ)
                .filter_map(|name| dateline_day(&folder.join(name)))
                .filter(trusted)
                .take(SIBLINGS)
                .collect();
        }
        days.sort_unstable();
        days.dedup();
        days
    }

    fn is_article(&self, name: &str) -> bool {
        name.rsplit_once('.').is_some_and(|(_, extension)| {
            self.extensions
                .iter()
                .any(|wanted| wanted.eq_ignore_ascii_case(extension))
        })
    }
}

/// The day of a dateline with a year at the head of the file at `path`.
fn dateline_day(path: &Path) -> Option<Day> {
    let mut head = Vec::new();
    File::open(path)
        .ok()?
        .take(HEAD_BYTES)
        .read_to_end(&mut head)
        .ok()?;
    let text = corpus::decode(head).ok()?;
    let parsed = article::parse(&text);
    let parts = dateline_parts(&parsed.dateline);
    Day::from_date(i64::from(parts.year?), parts.month?, parts.day?)
}

/// The `month` and `day` in the year (one of the siblings' years, or next to one) that puts
/// it nearest a sibling's date, never after `build_day`; the earlier year on a tie.
fn nearest_to(month: u32, day: u32, siblings: &[Day], build_day: Day) -> Option<Day> {
    let distance = |candidate: Day| {
        siblings
            .iter()
            .map(|sibling| (candidate.0 - sibling.0).abs())
            .min()
            .unwrap_or(i64::MAX)
    };
    siblings
        .iter()
        .flat_map(|sibling| {
            let (year, ..) = sibling.date();
            [year - 1, year, year + 1]
        })
        .filter_map(|year| Day::from_date(year, month, day))
        .filter(|candidate| *candidate <= build_day)
        .min_by_key(|candidate| (distance(*candidate), *candidate))
}

/// The last full date in a path: `2019/10/23` or `2019-10-23` (folders or a file name).
fn path_date(key: &str) -> Option<Day> {
    let bytes = key.as_bytes();
    (0..bytes.len().saturating_sub(9)).rev().find_map(|at| {
        let window = &bytes[at..at + 10];
        let separator = window[4];
        let boundary_before = at == 0 || !bytes[at - 1].is_ascii_digit();
        let boundary_after = bytes.get(at + 10).is_none_or(|b| !b.is_ascii_digit());
        let digits = |range: std::ops::Range<usize>| -> Option<u32> {
            let text = std::str::from_utf8(&window[range]).ok()?;
            text.bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| text.parse().ok())?
        };
        if !(boundary_before && boundary_after && matches!(separator, b'/' | b'-'))
            || window[7] != separator
        {
            return None;
        }
        let year = digits(0..4)?;
        (1800..=2200).contains(&year).then_some(())?;
        Day::from_date(i64::from(year), digits(5..7)?, digits(8..10)?)
    })
}

/// A year a path names as a folder (`1987/`) or at the start of a file name followed by more
/// (`1987-wire.txt`); a file named by a number (`1999.txt`, Reuters' ids) names no year.
fn path_year(key: &str) -> Option<i64> {
    let (folders, name) = key.rsplit_once('/').unwrap_or(("", key));
    let name_year = name.split_once(['-', '_']).map(|(start, _)| start);
    folders
        .split('/')
        .chain(name_year)
        .filter(|part| part.len() == 4 && part.bytes().all(|b| b.is_ascii_digit()))
        .filter_map(|part| part.parse::<i64>().ok())
        .rfind(|year| (1800..=2200).contains(year))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 1987-06-23, noon.
    const JUNE_1987: u64 = 551_448_000_000_000_000;

    fn day(text: &str) -> Day {
        super::super::parse_day(text, Day(0)).unwrap()
    }

    fn dated(
        dating: &Dating,
        key: &str,
        dateline: &str,
        siblings: &[&str],
    ) -> (String, DateSource) {
        let siblings: Arc<[Day]> = siblings.iter().map(|text| day(text)).collect();
        let (day, source) = dating.date_with(key, dateline, JUNE_1987, || siblings);
        (day.to_string(), source)
    }

    #[test]
    fn an_article_is_dated_by_its_path_then_its_dateline_then_its_file() {
        let dating = Dating::new(None, day("2026-12-07"), &[]);
        let cases = [
            (
                "news/2019/10/23/storm.txt",
                "NICOSIA, Oct 19",
                "2019-10-23",
                DateSource::Path,
            ),
            ("2019-10-23-storm.txt", "", "2019-10-23", DateSource::Path),
            (
                "wire/storm.txt",
                "NICOSIA, Oct 19, 1985",
                "1985-10-19",
                DateSource::Dateline,
            ),
            (
                "wire/storm.txt",
                "NICOSIA, Oct 19",
                "1986-10-19",
                DateSource::FileYear,
            ),
            (
                "wire/storm.txt",
                "SALVADOR, Feb 26",
                "1987-02-26",
                DateSource::FileYear,
            ),
            (
                "1985/storm.txt",
                "SALVADOR, Feb 26",
                "1985-02-26",
                DateSource::PathYear,
            ),
            (
                "1985-storm.txt",
                "SALVADOR, Feb 26",
                "1985-02-26",
                DateSource::PathYear,
            ),
            (
                "wire/1999.txt",
                "SALVADOR, Feb 26",
                "1987-02-26",
                DateSource::FileYear,
            ),
            (
                "wire/storm.txt",
                "ANKARA, Turkey (AP)",
                "1987-06-23",
                DateSource::Modified,
            ),
            ("wire/12345.txt", "", "1987-06-23", DateSource::Modified),
        ];
        for (key, dateline, date, source) in cases {
            assert_eq!(
                dated(&dating, key, dateline, &[]),
                (date.to_string(), source),
                "{key} {dateline}"
            );
        }
    }

    #[test]
    fn a_yearless_dateline_takes_the_nearest_dated_source_before_the_file_time() {
        let dating = Dating::new(Some(1990), day("2026-12-07"), &[]);
        // The path's year first, then the siblings', then the option's, then the file's.
        assert_eq!(
            dated(&dating, "1985/a.txt", "SALVADOR, Feb 26", &["1987-03-01"]),
            ("1985-02-26".into(), DateSource::PathYear)
        );
        assert_eq!(
            dated(&dating, "wire/a.txt", "SALVADOR, Feb 26", &["1987-03-01"]),
            ("1987-02-26".into(), DateSource::Sibling)
        );
        assert_eq!(
            dated(&dating, "wire/a.txt", "SALVADOR, Feb 26", &[]),
            ("1990-02-26".into(), DateSource::YearOption)
        );
        // Across a new year, the siblings' nearest year.
        assert_eq!(
            dated(
                &dating,
                "wire/a.txt",
                "LONDON, Dec 30",
                &["1988-01-02", "1988-01-05"]
            ),
            ("1987-12-30".into(), DateSource::Sibling)
        );
        assert_eq!(
            dated(&dating, "wire/a.txt", "LONDON, Jan 3", &["1987-12-30"]),
            ("1988-01-03".into(), DateSource::Sibling)
        );
    }

    #[test]
    fn nothing_is_dated_after_the_build() {
        let dating = Dating::new(Some(2026), day("2026-12-07"), &[]);
        // A path or dateline date still to come is not trusted.
        assert_eq!(
            dated(&dating, "2031/05/01/a.txt", "", &[]),
            ("1987-06-23".into(), DateSource::Modified)
        );
        assert_eq!(
            dated(&dating, "wire/a.txt", "LONDON, May 1, 2031", &[]),
            ("1987-06-23".into(), DateSource::Modified)
        );
        // A yearless December dateline in a 2026 folder built on Dec 7 is last year's.
        assert_eq!(
            dated(&dating, "wire/a.txt", "LONDON, Dec 24", &[]),
            ("2025-12-24".into(), DateSource::YearOption)
        );
        assert_eq!(
            dated(&dating, "wire/a.txt", "LONDON, Dec 24", &["2026-11-30"]),
            ("2025-12-24".into(), DateSource::Sibling)
        );
        // A file time ahead of the clock is the build's day.
        let (day, source) = dating.date_with("a.txt", "", u64::MAX / 2, || Arc::from([]));
        assert_eq!(
            (day.to_string().as_str(), source),
            ("2026-12-07", DateSource::Modified)
        );
    }

    #[test]
    fn the_format_s_date_comes_first_unless_it_is_after_the_build() {
        let dating = Dating::new(None, day("2026-12-07"), &[]);
        let file = ArticleFile {
            path: PathBuf::from("/nowhere/2019/10/23/feed.xml"),
            key: "2019/10/23/feed.xml".into(),
            size: 1,
            modified_ns: JUNE_1987,
        };
        let given = Some(day("2021-03-02"));
        assert_eq!(
            dating.date_article(&file, "NICOSIA, Oct 19, 2018", given),
            (day("2021-03-02"), DateSource::Format)
        );
        assert_eq!(
            dating.date_article(&file, "", Some(day("2031-01-01"))),
            (day("2019-10-23"), DateSource::Path)
        );
        assert_eq!(DateSource::Format.code(), 7);
        assert_eq!(DateSource::Format.name(), "format");
    }

    #[test]
    fn every_source_has_its_own_code() {
        for source in DateSource::ALL {
            assert_eq!(DateSource::from_code(source.code()), source);
            assert!(source.code() < super::super::SOURCES);
        }
    }
}
