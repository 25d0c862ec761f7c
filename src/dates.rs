//! Dates: the day an article is dated and where that came from, and the dates a user types.
//!
//! An article's date comes from its path when the path holds one (`2019/10/23/`,
//! `2019-10-23`), else from a dated dateline (`NICOSIA, Oct 19`, its year from the path or the
//! file's modification time), else from the file's modification time. Days are counted from
//! 1970-01-01 (UTC). This module knows nothing of the index; `schema` stores what it gives.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::article::dateline_parts;

/// Where an article's date came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateSource {
    Path,
    Dateline,
    Modified,
}

impl DateSource {
    /// The word scripts see (`--json`'s `date_source`).
    pub fn name(self) -> &'static str {
        match self {
            DateSource::Path => "path",
            DateSource::Dateline => "dateline",
            DateSource::Modified => "modified",
        }
    }

    fn code(self) -> u64 {
        match self {
            DateSource::Path => 0,
            DateSource::Dateline => 1,
            DateSource::Modified => 2,
        }
    }

    fn from_code(code: u64) -> DateSource {
        match code {
            0 => DateSource::Path,
            1 => DateSource::Dateline,
            _ => DateSource::Modified,
        }
    }
}

/// A day, counted from 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Day(pub i64);

impl Day {
    /// The day of a calendar date, if it is one (2019-02-30 is not).
    pub fn from_date(year: i64, month: u32, day: u32) -> Option<Day> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        // Howard Hinnant's days_from_civil.
        let y = if month <= 2 { year - 1 } else { year };
        let era = y.div_euclid(400);
        let year_of_era = y - era * 400;
        let shifted_month = i64::from((month + 9) % 12);
        let day_of_year = (153 * shifted_month + 2) / 5 + i64::from(day) - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        Some(Day(era * 146_097 + day_of_era - 719_468))
    }

    /// The calendar date of the day: year, month, day.
    pub fn date(self) -> (i64, u32, u32) {
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let day_of_era = z - era * 146_097;
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let shifted_month = (5 * day_of_year + 2) / 153;
        let day = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u32;
        let month = if shifted_month < 10 {
            shifted_month + 3
        } else {
            shifted_month - 9
        } as u32;
        let year = year_of_era + era * 400 + i64::from(month <= 2);
        (year, month, day)
    }

    /// The day of a time in nanoseconds since the epoch.
    pub fn from_nanos(nanos: u64) -> Day {
        Day((nanos / 1_000_000_000 / 86_400) as i64)
    }

    /// Today, by the system clock.
    pub fn today() -> Day {
        let seconds = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_secs());
        Day((seconds / 86_400) as i64)
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (year, month, day) = self.date();
        write!(f, "{year:04}-{month:02}-{day:02}")
    }
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => 31,
    }
}

/// The day an article is dated, and where that came from: its path's date, else its
/// dateline's (the year from the dateline, the path or the modification time, taking the year
/// that puts the date on or before the file's time), else its file's modification time.
pub fn article_date(key: &str, dateline: &str, modified_ns: u64) -> (Day, DateSource) {
    if let Some(day) = path_date(key) {
        return (day, DateSource::Path);
    }
    let modified = Day::from_nanos(modified_ns);
    let parts = dateline_parts(dateline);
    if let (Some(month), Some(day)) = (parts.month, parts.day) {
        let year = parts.year.map(i64::from).or_else(|| path_year(key));
        let dated = match year {
            Some(year) => Day::from_date(year, month, day),
            None => {
                let (year, ..) = modified.date();
                // A dateline of Dec 31 on a file written on Jan 2 is last year's.
                Day::from_date(year, month, day)
                    .filter(|dated| dated.0 <= modified.0 + 1)
                    .or_else(|| Day::from_date(year - 1, month, day))
            }
        };
        if let Some(dated) = dated {
            return (dated, DateSource::Dateline);
        }
    }
    (modified, DateSource::Modified)
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

/// The `date` column's value for a day and its source.
pub fn date_value(day: Day, source: DateSource) -> u64 {
    // Days before 1970 are negative; the offset keeps the value a u64.
    (day.0 + DAY_OFFSET).max(0) as u64 * 4 + source.code()
}

/// The day and source a `date` column value holds.
pub fn date_of(value: u64) -> (Day, DateSource) {
    (
        Day((value / 4) as i64 - DAY_OFFSET),
        DateSource::from_code(value % 4),
    )
}

/// The first `date` column value of a day, and the last.
pub fn day_values(day: Day) -> (u64, u64) {
    let first = date_value(day, DateSource::Path);
    (first, first + 3)
}

const DAY_OFFSET: i64 = 1_000_000;

/// A day a user types: an ISO date (`2019-10-23`), or an age back from `today` (`7d`, `2w`,
/// `3m` for months of 30 days, `1y` for 365 days; `0d` is today).
pub fn parse_day(text: &str, today: Day) -> Result<Day, String> {
    let text = text.trim();
    if let Some((number, unit)) = text
        .char_indices()
        .last()
        .map(|(at, unit)| (&text[..at], unit))
        .filter(|(number, _)| !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()))
    {
        let days_per = match unit {
            'd' => 1,
            'w' => 7,
            'm' => 30,
            'y' => 365,
            _ => return Err(format!("`{text}`: an age ends in d, w, m or y (7d, 2w)")),
        };
        let count: i64 = number
            .parse()
            .map_err(|_| format!("`{text}` is too large"))?;
        return Ok(Day(today.0 - count.saturating_mul(days_per)));
    }
    let mut fields = text.splitn(3, '-');
    let mut next = || fields.next().and_then(|field| field.parse::<u32>().ok());
    let (year, month, day) = (next(), next(), next());
    match (year, month, day) {
        (Some(year), Some(month), Some(day)) => Day::from_date(i64::from(year), month, day)
            .ok_or_else(|| format!("`{text}` is not a date in the calendar")),
        _ => Err(format!(
            "`{text}` is not a date: write 2019-10-23, or an age such as 7d or 2w"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_dates_convert_both_ways() {
        for (date, days) in [
            ((1970, 1, 1), 0),
            ((1987, 2, 26), 6_265),
            ((2000, 2, 29), 11_016),
            ((2019, 10, 23), 18_192),
            ((1969, 12, 31), -1),
        ] {
            let day = Day::from_date(date.0, date.1, date.2).unwrap();
            assert_eq!(day, Day(days), "{date:?}");
            assert_eq!(day.date(), date);
        }
        assert_eq!(Day::from_date(2019, 2, 29), None);
        assert_eq!(Day(18_192).to_string(), "2019-10-23");
    }

    #[test]
    fn an_article_is_dated_by_its_path_then_its_dateline_then_its_file() {
        let june_1987 = 551_448_000_000_000_000; // 1987-06-23, noon
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
                "NICOSIA, Oct 19",
                "1986-10-19",
                DateSource::Dateline,
            ),
            (
                "wire/storm.txt",
                "SALVADOR, Feb 26",
                "1987-02-26",
                DateSource::Dateline,
            ),
            (
                "1985/storm.txt",
                "SALVADOR, Feb 26",
                "1985-02-26",
                DateSource::Dateline,
            ),
            (
                "wire/storm.txt",
                "ANKARA, Turkey (AP)",
                "1987-06-23",
                DateSource::Modified,
            ),
            ("wire/12345.txt", "", "1987-06-23", DateSource::Modified),
            (
                "1985-storm.txt",
                "SALVADOR, Feb 26",
                "1985-02-26",
                DateSource::Dateline,
            ),
            (
                "wire/1999.txt",
                "SALVADOR, Feb 26",
                "1987-02-26",
                DateSource::Dateline,
            ),
        ];
        for (key, dateline, date, source) in cases {
            let (day, from) = article_date(key, dateline, june_1987);
            assert_eq!(
                (day.to_string().as_str(), from),
                (date, source),
                "{key} {dateline}"
            );
        }
    }

    #[test]
    fn the_column_keeps_the_day_and_its_source() {
        for source in [DateSource::Path, DateSource::Dateline, DateSource::Modified] {
            for day in [Day(-5), Day(0), Day(18_192)] {
                assert_eq!(date_of(date_value(day, source)), (day, source));
            }
        }
    }

    #[test]
    fn users_type_iso_dates_and_ages() {
        let today = Day(18_192);
        assert_eq!(parse_day("2019-10-01", today), Ok(Day(18_170)));
        assert_eq!(parse_day("7d", today), Ok(Day(18_185)));
        assert_eq!(parse_day("2w", today), Ok(Day(18_178)));
        assert_eq!(parse_day("0d", today), Ok(today));
        for bad in ["yesterday", "2019-13-01", "7x", "2019-10", "-3d", ""] {
            assert!(parse_day(bad, today).is_err(), "{bad}");
        }
    }
}
