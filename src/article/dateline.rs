//! Datelines: recognising the wire-copy dateline that opens an article's first paragraph
//! (`ANKARA, Turkey (AP) --`, `LONDON, Nov 24 (Reuters) -`, `SALVADOR, Feb 26 --`), and taking
//! one apart into its place, date and agency.
//!
//! Owns the shapes a dateline may take and the words they are made of (places, months,
//! agencies). It reads one paragraph at a time and knows nothing of files or years.

/// Separators that end a dateline, longest first so `--` wins over `-`.
const SEPARATORS: [&str; 4] = [" -- ", " — ", " – ", " - "];

/// Datelines are short; anything longer before the separator is a sentence.
const MAX_DATELINE_BYTES: usize = 90;

/// Finds a dateline at the start of a paragraph. Returns the dateline text (without separator)
/// and the byte offset where the rest of the paragraph starts.
pub fn find_dateline(paragraph: &str) -> Option<(&str, usize)> {
    // Reuters flags some priority items with a run of asterisks before the dateline
    // (`****LONDON, March 5 --`); they are markup, not part of the place name.
    let start = paragraph.len() - paragraph.trim_start_matches('*').len();
    let window_end = paragraph.floor_char_boundary(start + MAX_DATELINE_BYTES + 5);
    let window = &paragraph[start..window_end];
    // The earliest separator: a dateline never contains one itself.
    let (at, separator) = SEPARATORS
        .iter()
        .filter_map(|sep| window.find(sep).map(|at| (at, *sep)))
        .min_by_key(|(at, sep)| (*at, std::cmp::Reverse(sep.len())))
        .or_else(|| bare_dash_separator(window))?;
    let candidate = window[..at].trim_end();
    if candidate.len() > MAX_DATELINE_BYTES || !is_dateline(candidate) {
        return None;
    }
    Some((candidate, start + at + separator.len()))
}

/// `NEW YORK—The city…`: an em or en dash with no spaces also separates a dateline.
fn bare_dash_separator(window: &str) -> Option<(usize, &'static str)> {
    ["—", "–"]
        .iter()
        .filter_map(|sep| window.find(sep).map(|at| (at, *sep)))
        .min()
}

/// Checks the text before a separator: `PLACE[, REGION…][, DATE][ (AGENCY)]`.
fn is_dateline(candidate: &str) -> bool {
    let (body, agency) = split_agency(candidate);
    if agency.is_some_and(|agency| !is_agency(agency)) {
        return false;
    }
    let body = body.trim_end_matches(',').trim();
    if body.is_empty() {
        return false;
    }
    let mut parts: Vec<&str> = body.split(',').map(str::trim).collect();
    let mut has_agency = agency.is_some();
    // Older wire copy puts the agency after a comma instead of in parentheses
    // (`MANILA, April 1, Reuter --`); only a known name, so a sentence's last word is not taken.
    if parts.len() > 1
        && parts
            .last()
            .is_some_and(|last| COMMA_AGENCIES.contains(last))
    {
        parts.pop();
        has_agency = true;
    }
    // A year after the date (`WASHINGTON, March 3, 1987 --`).
    if parts.len() > 2
        && parts.last().is_some_and(|last| is_year(last))
        && is_date(parts[parts.len() - 2])
    {
        parts.pop();
    }
    let Some((&last, places)) = parts.split_last() else {
        return false;
    };
    let mut places = places.to_vec();
    // The last part is a date (`…, March 26`), a place, or a place with its date and no comma
    // between them (`JOHANNESBURG March 13`, `ANGLETON, Tex. March 3`).
    // A lone word is the place even where it reads as a month (`JAN (AP) --`): a date needs a
    // place before it or a day beside it.
    let date_part = is_date(last) && (parts.len() > 1 || is_month_day(last));
    let has_date = if date_part {
        true
    } else if let Some(place) = place_before_date(last) {
        places.push(place);
        true
    } else {
        places.push(last);
        false
    };
    let Some((&city, regions)) = places.split_first() else {
        // `APRIL 7 --`: a few Reuters tables carry only the day. A month and a day, nothing
        // else, so a paragraph opening `March 3 was…` is not taken.
        return is_month_day(last);
    };
    if is_lower_case_place(city) {
        // The USDA livestock reports are all lower case (`sioux falls, april 7 --`). A lower-case
        // opening is otherwise a sentence, so only the exact shape `place, month day` counts.
        return regions.is_empty() && date_part && is_month_day(last);
    }
    if !is_place(city, true) {
        return false;
    }
    // A lone title-case name before a dash is far more often a sentence's subject
    // (`David Blunkett - who has resigned - built…`) than a dateline; wire copy writes a bare
    // city in capitals (`BEIRUT –`). Title case needs a region, date or agency to vouch for it.
    if regions.is_empty() && !has_date && !has_agency && !is_all_caps(city) {
        return false;
    }
    regions.iter().all(|region| is_place(region, false))
}

/// Agency names that may follow the date after a comma rather than in parentheses.
const COMMA_AGENCIES: [&str; 5] = ["Reuter", "Reuters", "AP", "AFP", "UPI"];

/// The place before a trailing month and day (`Tex. March 3` → `Tex.`), if the part ends so.
fn place_before_date(part: &str) -> Option<&str> {
    let (head, _day) = part.rsplit_once(char::is_whitespace)?;
    let (place, _month) = head.trim_end().rsplit_once(char::is_whitespace)?;
    is_month_day(&part[place.len()..]).then_some(place.trim_end())
}

/// Splits a trailing `(AP)` off the candidate.
fn split_agency(candidate: &str) -> (&str, Option<&str>) {
    let trimmed = candidate.trim_end();
    if let Some(without_close) = trimmed.strip_suffix(')')
        && let Some(open) = without_close.rfind('(')
    {
        return (&trimmed[..open], Some(&without_close[open + 1..]));
    }
    (trimmed, None)
}

/// An agency name: one to four capitalised words (`AP`, `Reuters`, `AFP`, `Dow Jones`).
fn is_agency(agency: &str) -> bool {
    let words: Vec<&str> = agency.split_whitespace().collect();
    !words.is_empty() && words.len() <= 4 && words.iter().all(|word| starts_upper(word))
}

/// Words that may stand lower-case inside a place name (`Rio de Janeiro`).
pub const PLACE_CONNECTORS: [&str; 12] = [
    "de", "da", "do", "dos", "das", "del", "la", "le", "el", "al", "of", "on",
];

/// A place: up to six words, each capitalised (or a known connector, not first). A city —
/// the first part — must be all capitals or title case with at most four words. A region may
/// open with `the` (`ARNHEM, the Netherlands`).
fn is_place(part: &str, is_city: bool) -> bool {
    let words: Vec<&str> = part.split_whitespace().collect();
    let max_words = if is_city { 4 } else { 6 };
    // A connector never ends a place, so `As of April 7` is not the place `As of`.
    if words.is_empty()
        || words.len() > max_words
        || words
            .last()
            .is_some_and(|last| !is_place_word(last.trim_end_matches('.')))
    {
        return false;
    }
    words.iter().enumerate().all(|(i, word)| {
        let word = word.trim_end_matches('.');
        (i > 0 && PLACE_CONNECTORS.contains(&word))
            || (i == 0 && !is_city && word == "the" && words.len() > 1)
            || is_place_word(word)
    })
}

/// `ANKARA`, `Turkey`, `N.Y`, `SÃO`, `O'HARE`, `Winston-Salem`, `St`, `DALLAS/FORT`.
fn is_place_word(word: &str) -> bool {
    starts_upper(word)
        && word
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, '.' | '\'' | '’' | '-' | '&' | '/'))
}

/// `sioux falls`, `st paul`: one to three lower-case words. Not opening with an article,
/// because `the talks, march 3 --` is a sentence.
fn is_lower_case_place(part: &str) -> bool {
    let words: Vec<&str> = part.split_whitespace().collect();
    (1..=3).contains(&words.len())
        && !["the", "a", "an"].contains(&words[0])
        && words
            .iter()
            .all(|word| word.chars().all(|c| c.is_lowercase() || c == '.'))
}

/// No lower-case letter: `NEW YORK`, `N.Y.`, `ZÜRICH`.
fn is_all_caps(part: &str) -> bool {
    !part.chars().any(char::is_lowercase)
}

fn starts_upper(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

/// The months' English names, lower-case, January first.
pub(crate) const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// `Nov 24`, `Sept. 12`, `March 3`, `24 November`, `March`, `1987` (`Nov. 24, 2019` is cut at
/// commas before us, so its year arrives as a part of its own).
fn is_date(part: &str) -> bool {
    let words: Vec<&str> = part.split_whitespace().collect();
    match words.as_slice() {
        [_, _] => is_month_day(part),
        [month] => is_month(month) || is_year(month),
        _ => false,
    }
}

/// A month and a day in either order: `March 3`, `Sept. 12`, `24 November`.
fn is_month_day(part: &str) -> bool {
    let words: Vec<&str> = part.split_whitespace().collect();
    match words.as_slice() {
        [month, day] => (is_month(month) && is_day(day)) || (is_day(month) && is_month(day)),
        _ => false,
    }
}

/// A month name or its abbreviation (`March`, `Sept.`, `oct`), in any case.
pub fn is_month(word: &str) -> bool {
    let word = word.trim_end_matches('.').to_lowercase();
    word.len() >= 3
        && MONTHS
            .iter()
            .any(|month| *month == word || (word.len() <= 4 && month.starts_with(&word)))
}

fn is_day(word: &str) -> bool {
    word.parse::<u8>().is_ok_and(|day| (1..=31).contains(&day))
}

fn is_year(word: &str) -> bool {
    word.len() == 4
        && word
            .parse::<u16>()
            .is_ok_and(|year| (1800..=2200).contains(&year))
}

/// What a dateline says: where, when (a month and day, and a year where it gives one), and
/// from which agency. Parts it does not give are `None` (the place is `""`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DatelineParts<'a> {
    pub place: &'a str,
    /// 1-12.
    pub month: Option<u32>,
    pub day: Option<u32>,
    pub year: Option<i32>,
    pub agency: Option<&'a str>,
}

/// Takes a dateline (as `find_dateline` returns it) apart: `SALVADOR, Feb 26` → place
/// `SALVADOR`, month 2, day 26; `ANKARA, Turkey (AP)` → place `ANKARA`, agency `AP`;
/// `MANILA, April 1, Reuter` → agency `Reuter`.
pub fn dateline_parts(dateline: &str) -> DatelineParts<'_> {
    let (body, agency) = split_agency(dateline);
    let mut parts = DatelineParts {
        agency: agency.map(str::trim).filter(|agency| !agency.is_empty()),
        ..DatelineParts::default()
    };
    let body = body.trim().trim_end_matches(',').trim();
    let mut pieces: Vec<&str> = body
        .split(',')
        .map(str::trim)
        .filter(|piece| !piece.is_empty())
        .collect();
    if pieces.len() > 1
        && let Some(last) = pieces.last()
        && COMMA_AGENCIES.contains(last)
    {
        parts.agency = Some(last);
        pieces.pop();
    }
    for (i, piece) in pieces.iter().enumerate() {
        if let Some((month, day)) = month_and_day(piece) {
            (parts.month, parts.day) = (Some(month), Some(day));
        } else if is_year(piece) {
            parts.year = piece.parse().ok();
        } else if let Some(place) = place_before_date(piece) {
            if let Some((month, day)) = month_and_day(&piece[place.len()..]) {
                (parts.month, parts.day) = (Some(month), Some(day));
            }
            if i == 0 {
                parts.place = place;
            }
        } else if i == 0 {
            parts.place = piece;
        }
    }
    parts
}

/// The month (1-12) and day of `March 3`, `Sept. 12` or `24 November`.
fn month_and_day(part: &str) -> Option<(u32, u32)> {
    let words: Vec<&str> = part.split_whitespace().collect();
    let (month, day) = match words.as_slice() {
        [month, day] if is_month(month) && is_day(day) => (*month, *day),
        [day, month] if is_day(day) && is_month(month) => (*month, *day),
        _ => return None,
    };
    let month = month.trim_end_matches('.').to_lowercase();
    let number = MONTHS.iter().position(|name| name.starts_with(&month))? as u32 + 1;
    Some((number, day.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dateline(paragraph: &str) -> Option<(&str, &str)> {
        find_dateline(paragraph).map(|(found, at)| (found, paragraph[at..].trim_start()))
    }

    #[test]
    fn dateline_shapes() {
        let cases = [
            (
                "ANKARA, Turkey (AP) -- Turkey's minister",
                "ANKARA, Turkey (AP)",
            ),
            ("WASHINGTON (Reuters) - The Fed", "WASHINGTON (Reuters)"),
            (
                "LONDON, Nov 24 (Reuters) - Shares fell",
                "LONDON, Nov 24 (Reuters)",
            ),
            ("NEW YORK — The subway", "NEW YORK"),
            ("NEW YORK—The subway", "NEW YORK"),
            ("PARIS, March 3 -- The talks", "PARIS, March 3"),
            ("ZÜRICH, Sept. 12 (AFP) -- Banks", "ZÜRICH, Sept. 12 (AFP)"),
            (
                "SÃO PAULO, Brazil (Reuters) - Coffee",
                "SÃO PAULO, Brazil (Reuters)",
            ),
            ("ALBANY, N.Y. (AP) -- Lawmakers", "ALBANY, N.Y. (AP)"),
            ("London, March 11 -- Gold rose", "London, March 11"),
            ("Rio de Janeiro, Jan. 5 -- Rain", "Rio de Janeiro, Jan. 5"),
            ("BEIRUT – Talks resumed", "BEIRUT"),
            ("COMMACK, N.Y., Feb 26 -- Computer", "COMMACK, N.Y., Feb 26"),
            (
                "CHARLOTTETOWN, Prince Edward Island, March 26 -- Island",
                "CHARLOTTETOWN, Prince Edward Island, March 26",
            ),
            ("MCLEAN, Va., March 26 -- Shr loss", "MCLEAN, Va., March 26"),
            (
                "GENEVA, 24 November (Reuters) - Talks",
                "GENEVA, 24 November (Reuters)",
            ),
            (
                "WINSTON-SALEM, N.C. (AP) -- Tobacco",
                "WINSTON-SALEM, N.C. (AP)",
            ),
            // Reuters priority marker before the dateline; the asterisks are dropped.
            ("****LONDON, March 5 -- India bought", "LONDON, March 5"),
            // Agency after a comma instead of in parentheses.
            (
                "BRUSSELS, March 27, Reuter -- Greece",
                "BRUSSELS, March 27, Reuter",
            ),
            // Date with no comma before it, after the city or after the region.
            (
                "JOHANNESBURG March 13 -- Shr 516 cts",
                "JOHANNESBURG March 13",
            ),
            (
                "ANGLETON, Tex. March 3 -- Oper shr",
                "ANGLETON, Tex. March 3",
            ),
            (
                "OKLAHOMA CITY, Okla. March 11, Reuter -- State",
                "OKLAHOMA CITY, Okla. March 11, Reuter",
            ),
            // A region opening with `the`, a city with a slash.
            (
                "ARNHEM, the Netherlands, April 1 -- Enka",
                "ARNHEM, the Netherlands, April 1",
            ),
            (
                "DALLAS/FORT WORTH, Texas, March 3 -- AMR",
                "DALLAS/FORT WORTH, Texas, March 3",
            ),
            // All lower case, as in the USDA livestock reports: place, month day.
            (
                "sioux falls, april 7 -- barrows rose",
                "sioux falls, april 7",
            ),
            ("st paul, april 7 -- slaughter cattle", "st paul, april 7"),
            // A year after the date.
            (
                "WASHINGTON, March 3, 1987 -- The Senate",
                "WASHINGTON, March 3, 1987",
            ),
            // A lone word is the place, even one that reads as a month (found by proptest).
            ("JAN (AP) -- Aa aaa", "JAN (AP)"),
            // Only the day, as in some Reuters tables.
            ("APRIL 7 -- 1000 hrs cdt", "APRIL 7"),
            ("April 7 -- Gulf export prices", "April 7"),
        ];
        for (paragraph, expected) in cases {
            let (found, rest) = dateline(paragraph).unwrap_or_else(|| panic!("{paragraph}"));
            assert_eq!(found, expected, "{paragraph}");
            assert!(!rest.is_empty() && !rest.starts_with('-'), "{paragraph}");
        }
    }

    #[test]
    fn near_misses_are_not_datelines() {
        let cases = [
            "the talks -- which began Monday -- stalled",
            "\"We will not retreat -- ever,\" the minister said.",
            "Officials met on Monday in LONDON -- the capital -- to talk.",
            "Turkey said Thursday -- after talks -- that it would wait.",
            "It was a long day - and a longer night.",
            "The vote, held in PARIS, March 3 -- was close.",
            "A 12-member panel -- appointed last year -- met.",
            "",
            "-- leading dash",
            // A title-case subject and an aside between dashes (BBC), with nothing
            // (region, date, agency) to show it is a place. Costs Reuters one `London --`.
            "David Blunkett - who has resigned as home secretary - built his name.",
            "The IAAF - athletics' world governing body - has met coaches.",
            "Vote For Me - ITV1's talent contest - finally hits our screens.",
            "London -- Belgium is launching a paper program.",
            "Today -- 1631.4",
            // A capitalised word then lower-case words, even with a date after it.
            "Talks resumed, March 3 -- after a pause.",
            "Mexico city, april 1 -- mexico received credit.",
            "As of April 7 -- in bushels",
            // Lower case is only a place in the exact shape `place, month day`.
            "the talks, march 3 -- stalled",
            "sales rose -- which surprised analysts -- on Monday.",
            "omaha, nebraska, april 7 -- prices rose",
            // A date alone is a month and a day, not the start of a sentence.
            "March 3 was a long day -- and a longer night.",
            "1987 -- a year of records.",
            // `the` may open a region, never a city; the rest must still be a place.
            "ROME, the capital -- talks resumed.",
            "the Netherlands -- which voted no -- waited.",
            // Only known agency names count after a comma.
            "PARIS, March 3, Sources -- said",
        ];
        for paragraph in cases {
            assert_eq!(dateline(paragraph), None, "{paragraph}");
        }
    }

    #[test]
    fn datelines_come_apart_into_place_date_and_agency() {
        let cases = [
            ("SALVADOR, Feb 26", ("SALVADOR", Some((2, 26)), None, None)),
            ("ANKARA, Turkey (AP)", ("ANKARA", None, None, Some("AP"))),
            (
                "LONDON, Nov 24 (Reuters)",
                ("LONDON", Some((11, 24)), None, Some("Reuters")),
            ),
            (
                "MANILA, April 1, Reuter",
                ("MANILA", Some((4, 1)), None, Some("Reuter")),
            ),
            (
                "JOHANNESBURG March 13",
                ("JOHANNESBURG", Some((3, 13)), None, None),
            ),
            (
                "ANGLETON, Tex. March 3",
                ("ANGLETON", Some((3, 3)), None, None),
            ),
            (
                "ZÜRICH, Sept. 12 (AFP)",
                ("ZÜRICH", Some((9, 12)), None, Some("AFP")),
            ),
            (
                "NEW YORK, Oct. 19, 2019",
                ("NEW YORK", Some((10, 19)), Some(2019), None),
            ),
            ("BEIRUT", ("BEIRUT", None, None, None)),
        ];
        for (dateline, (place, month_day, year, agency)) in cases {
            let parts = dateline_parts(dateline);
            assert_eq!(parts.place, place, "{dateline}");
            assert_eq!(parts.month.zip(parts.day), month_day, "{dateline}");
            assert_eq!(parts.year, year, "{dateline}");
            assert_eq!(parts.agency, agency, "{dateline}");
        }
    }
}
