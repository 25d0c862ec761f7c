//! The dates formats write → calendar days: RFC 822 (RSS), RFC 3339/ISO 8601 (Atom, G2,
//! ninjs), `26-FEB-1987 15:01:01.79` (Reuters), `20020529T000000` (NITF `norm`), and TREC's
//! `880212`, `AP-NR-02-12-88`, `11/02/87` and `January 1, 1989`.
//!
//! A date's day is the day as written: `2019-10-23T23:30-05:00` is the 23rd, the day its
//! reader saw, not the UTC day. Times are not kept. Each parser takes the whole field and
//! gives `None` when it is not a date it knows, never a guess.

use crate::article::dateline::MONTHS;
use crate::dates::Day;

/// RFC 3339 and ISO 8601 calendar dates: `2019-10-23`, `2019-10-23T16:25:32-05:00`, and the
/// basic form `20191023T162532` that NITF's `norm` uses.
pub fn iso8601(text: &str) -> Option<Day> {
    let text = text.trim();
    let bytes = text.as_bytes();
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        let digits = bytes.get(range)?;
        digits
            .iter()
            .all(u8::is_ascii_digit)
            .then(|| std::str::from_utf8(digits).ok()?.parse().ok())?
    };
    let ends_after = |at: usize| bytes.get(at).is_none_or(|b| !b.is_ascii_digit());
    let (year, month, day) = if bytes.get(4) == Some(&b'-') && bytes.get(7) == Some(&b'-') {
        ends_after(10).then_some(())?;
        (number(0..4)?, number(5..7)?, number(8..10)?)
    } else {
        ends_after(8).then_some(())?;
        (number(0..4)?, number(4..6)?, number(6..8)?)
    };
    Day::from_date(i64::from(year), month, day)
}

/// RFC 822 as feeds write it, loosely: `Tue, 10 Jun 2003 04:00:00 GMT`, `10 Jun 03`, also
/// `June 10, 2003`. Two-digit years are 19xx from 50 on, else 20xx.
pub fn rfc822(text: &str) -> Option<Day> {
    let words = words(text);
    let month_at = words.iter().position(|word| month(word).is_some())?;
    let month_number = month(&words[month_at])?;
    let numbers: Vec<(u32, usize)> = words
        .iter()
        .enumerate()
        .filter(|(at, _)| *at != month_at)
        .filter_map(|(_, word)| Some((word.parse().ok()?, word.len())))
        .take(2)
        .collect();
    // `10 Jun 2003` and `June 10, 2003` both give the day first among the numbers.
    let [(day, _), (year, year_digits)] = numbers[..] else {
        return None;
    };
    Day::from_date(full_year(year, year_digits)?, month_number, day)
}

/// Reuters-21578: `26-FEB-1987 15:01:01.79`.
pub fn reuters(text: &str) -> Option<Day> {
    let date = text.split_whitespace().next()?;
    let mut parts = date.split('-');
    let day = parts.next()?.parse().ok()?;
    let month = month(parts.next()?)?;
    let year = parts.next()?.parse().ok()?;
    Day::from_date(year, month, day)
}

/// TREC's dates: `880212` and `19880212` (`DATE`), `AP-NR-02-12-88 2344EST` (`FILEID`),
/// `11/02/87` (WSJ's `DD`) and `January 1, 1989, Sunday, Home Edition` (LA Times).
pub fn trec(text: &str) -> Option<Day> {
    let text = text.trim();
    let words = words(text);
    if words.iter().any(|word| month(word).is_some()) {
        return rfc822(text);
    }
    let first = words.first()?;
    if first.len() == 8 && first.bytes().all(|b| b.is_ascii_digit()) {
        return iso8601(first);
    }
    if first.len() == 6 && first.bytes().all(|b| b.is_ascii_digit()) {
        let number = |range: std::ops::Range<usize>| first.get(range)?.parse::<u32>().ok();
        let year = full_year(number(0..2)?, 2)?;
        return Day::from_date(year, number(2..4)?, number(4..6)?);
    }
    // Month, day and two-digit year, the last three numbers before any time:
    // `AP-NR-02-12-88 2344EST`, `11/02/87`.
    let numbers: Vec<&String> = words
        .iter()
        .take_while(|word| word.len() <= 2)
        .filter(|word| word.bytes().all(|b| b.is_ascii_digit()))
        .collect();
    match numbers[..] {
        [month, day, year] => {
            let year: u32 = year.parse().ok()?;
            Day::from_date(full_year(year, 2)?, month.parse().ok()?, day.parse().ok()?)
        }
        _ => None,
    }
}

/// Any date a JSON Lines file may hold: ISO 8601 first, then RFC 822, then Reuters'.
pub fn any(text: &str) -> Option<Day> {
    iso8601(text)
        .or_else(|| rfc822(text))
        .or_else(|| reuters(text))
}

/// Seconds since 1970 (or milliseconds, when the number is too large for seconds).
pub fn epoch(number: f64) -> Option<Day> {
    if !number.is_finite() {
        return None;
    }
    // 10^11 seconds is the year 5138; a number that large is milliseconds.
    let seconds = if number.abs() >= 1e11 {
        number / 1000.0
    } else {
        number
    };
    let day = (seconds / 86_400.0).floor();
    (day.abs() < 1e8).then_some(Day(day as i64))
}

/// Runs of letters or of digits; everything else separates them.
fn words(text: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut kind = None;
    for c in text.chars().take(200) {
        let this = if c.is_ascii_digit() {
            Some(true)
        } else if c.is_alphabetic() {
            Some(false)
        } else {
            None
        };
        if this != kind && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        if this.is_some() {
            current.push(c);
        }
        kind = this;
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

fn full_year(year: u32, digits: usize) -> Option<i64> {
    let year = i64::from(year);
    match digits {
        2 if year >= 50 => Some(1900 + year),
        2 => Some(2000 + year),
        4 if (1000..=9999).contains(&year) => Some(year),
        _ => None,
    }
}

/// A month's number from its English name or first three letters (`FEB`, `Sept`).
fn month(word: &str) -> Option<u32> {
    let word = word.to_ascii_lowercase();
    if word.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|name| name.starts_with(&word) || (word == "sept" && *name == "september"))
        .map(|at| at as u32 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> String {
        Day::to_string(&iso8601(text).unwrap())
    }

    #[test]
    fn iso_dates_in_their_extended_and_basic_forms() {
        assert_eq!(day("2018-11-21T16:25:32-05:00"), "2018-11-21");
        assert_eq!(day(" 2019-10-23 "), "2019-10-23");
        assert_eq!(day("20020529T000000-0500"), "2002-05-29");
        assert_eq!(day("20020529"), "2002-05-29");
        for bad in [
            "2019-13-01",
            "2019-1-1",
            "201910231",
            "",
            "yesterday",
            "2019-02-30",
        ] {
            assert_eq!(iso8601(bad), None, "{bad}");
        }
    }

    #[test]
    fn rfc822_dates_as_feeds_write_them() {
        let cases = [
            ("Tue, 10 Jun 2003 04:00:00 GMT", "2003-06-10"),
            ("10 Jun 03 04:00 +0100", "2003-06-10"),
            ("June 10, 2003", "2003-06-10"),
            ("Sun, 5 Sept 1999 00:00:00 EST", "1999-09-05"),
        ];
        for (text, date) in cases {
            assert_eq!(
                rfc822(text).map(|d| d.to_string()).as_deref(),
                Some(date),
                "{text}"
            );
        }
        assert_eq!(rfc822("Tue, 31 Jun 2003"), None);
        assert_eq!(rfc822("no date here"), None);
    }

    #[test]
    fn reuters_and_trec_dates() {
        assert_eq!(
            reuters("26-FEB-1987 15:01:01.79").unwrap().to_string(),
            "1987-02-26"
        );
        assert_eq!(reuters(" 5-MAR-1987 09:00"), Day::from_date(1987, 3, 5));
        let cases = [
            ("880212", "1988-02-12"),
            ("19880212", "1988-02-12"),
            ("AP-NR-02-12-88 2344EST", "1988-02-12"),
            (" 11/02/87 ", "1987-11-02"),
            ("January 1, 1989, Sunday, Home Edition", "1989-01-01"),
        ];
        for (text, date) in cases {
            assert_eq!(
                trec(text).map(|d| d.to_string()).as_deref(),
                Some(date),
                "{text}"
            );
        }
        assert_eq!(trec("AP-NR"), None);
    }

    #[test]
    fn any_date_and_epoch_numbers() {
        assert_eq!(any("2019-10-23").unwrap().to_string(), "2019-10-23");
        assert_eq!(
            any("Wed, 23 Oct 2019 10:00:00 GMT").unwrap().to_string(),
            "2019-10-23"
        );
        assert_eq!(epoch(1_571_788_800.0).unwrap().to_string(), "2019-10-23");
        assert_eq!(
            epoch(1_571_788_800_000.0).unwrap().to_string(),
            "2019-10-23"
        );
        assert_eq!(epoch(f64::NAN), None);
        assert_eq!(epoch(1e300), None);
    }
}
