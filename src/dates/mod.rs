//! Dates: days, the day an article is dated and where that came from (`dating`), and the
//! dates a user types. Days are counted from 1970-01-01 (UTC). This module knows nothing of
//! the index; `schema` stores what it gives.

mod dating;

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

pub use dating::{DateSource, Dating};

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

/// The `date` column's value for a day and its source.
pub fn date_value(day: Day, source: DateSource) -> u64 {
    // Days before 1970 are negative; the offset keeps the value a u64.
    (day.0 + DAY_OFFSET).max(0) as u64 * SOURCES + source.code()
}

/// The day and source a `date` column value holds.
pub fn date_of(value: u64) -> (Day, DateSource) {
    (
        Day((value / SOURCES) as i64 - DAY_OFFSET),
        DateSource::from_code(value % SOURCES),
    )
}

/// The first `date` column value of a day, and the last.
pub fn day_values(day: Day) -> (u64, u64) {
    let first = day.0.saturating_add(DAY_OFFSET).max(0) as u64 * SOURCES;
    (first, first + SOURCES - 1)
}

const DAY_OFFSET: i64 = 1_000_000;

/// Codes a `date` value leaves room for after its day (see `DateSource::code`).
const SOURCES: u64 = 8;

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
    fn the_column_keeps_the_day_and_its_source() {
        for source in DateSource::ALL {
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
