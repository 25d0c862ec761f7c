//! Facets: how many stories match a query, by place, by agency and by date, counted over every
//! matching article, not a page.
//!
//! A story is a set of near-duplicate articles (`signature`): copies of one story count once.
//! Each facet value's count is the number of stories its own articles make among the matches,
//! grouped afresh for that value, so that it is exactly the stories total of the same query
//! narrowed by that value's filter (`place:`, `agency:`, a date window): a desk that clicks a
//! count gets that many stories. Dates are counted by day, week (from Monday), month or year,
//! whichever gives the matches' span a readable number of bars. This module counts; it ranks
//! nothing.

use std::sync::atomic::{AtomicBool, Ordering};

use rustc_hash::FxHashMap;
use serde::Serialize;

use tantivy::columnar::StrColumn;
use tantivy::query::{EnableScoring, Query};
use tantivy::{DocSet, TERMINATED};

use super::{IndexView, SearchError};
use crate::dates::{self, Day};
use crate::schema::{AGENCY, PLACE, SIGNATURE_FIELDS};
use crate::signature::{SAME_STORY, Signature, Stories};

/// Values a place or agency facet lists at most, the most stories first.
pub const TOP_VALUES: usize = 20;

/// The facets of a query's matches.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Facets {
    /// Stories among every matching article.
    pub stories: u64,
    pub places: Vec<Count>,
    pub agencies: Vec<Count>,
    /// The unit dates are counted by: `day`, `week`, `month` or `year`.
    pub date_unit: &'static str,
    /// One bar a unit from the first match's to the last's, empty ones too.
    pub dates: Vec<DateCount>,
}

/// A place or an agency, and how many matching stories it has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Count {
    pub value: String,
    pub stories: u64,
}

/// A span of days (`since` and `until` a search would take), and how many matching stories
/// are dated in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DateCount {
    pub since: String,
    pub until: String,
    pub stories: u64,
}

/// What a facet needs of one matching article.
struct Matched {
    place: Option<String>,
    agency: Option<String>,
    day: Day,
    signature: Signature,
}

/// Matches counted between two looks at whether the count is still wanted.
const MATCHES_BETWEEN_LOOKS: u32 = 4096;

/// The facets of the articles `query` matches (every one, live); stopped, with
/// [`SearchError::Stopped`], once `stop` is set.
pub(super) fn facets(
    index: &IndexView,
    query: &dyn Query,
    stop: Option<&AtomicBool>,
) -> Result<Facets, SearchError> {
    let stopped = || stop.is_some_and(|stop| stop.load(Ordering::Relaxed));
    let searcher = &index.segments.searcher;
    let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
    let mut matched = Vec::new();
    for segment in searcher.segment_readers() {
        let fast = segment.fast_fields();
        let places = fast.str(PLACE)?;
        let agencies = fast.str(AGENCY)?;
        let dates = fast.u64("date")?;
        let signatures = SIGNATURE_FIELDS
            .iter()
            .map(|name| fast.u64(name))
            .collect::<tantivy::Result<Vec<_>>>()?;
        // Each ordinal's text once a segment.
        let mut place_names = FxHashMap::default();
        let mut agency_names = FxHashMap::default();
        let mut scorer = weight.scorer(segment, 1.0)?;
        let mut until_look = MATCHES_BETWEEN_LOOKS;
        while scorer.doc() != TERMINATED {
            until_look -= 1;
            if until_look == 0 {
                if stopped() {
                    return Err(SearchError::Stopped);
                }
                until_look = MATCHES_BETWEEN_LOOKS;
            }
            let doc = scorer.doc();
            if !segment.is_deleted(doc) {
                let mut parts = [0u64; 4];
                for (part, column) in parts.iter_mut().zip(&signatures) {
                    *part = column.first(doc).unwrap_or(0);
                }
                let day = dates
                    .first(doc)
                    .map_or(Day(0), |value| dates::date_of(value).0);
                matched.push(Matched {
                    place: value_of(places.as_ref(), doc, &mut place_names)?,
                    agency: value_of(agencies.as_ref(), doc, &mut agency_names)?,
                    day,
                    signature: Signature(parts),
                });
            }
            scorer.advance();
        }
    }
    if stopped() {
        return Err(SearchError::Stopped);
    }
    Ok(count(&matched))
}

/// The text of a document's value in a string column, its ordinals' texts remembered.
fn value_of(
    column: Option<&StrColumn>,
    doc: u32,
    names: &mut FxHashMap<u64, String>,
) -> tantivy::Result<Option<String>> {
    let Some(column) = column else {
        return Ok(None);
    };
    let Some(ord) = column.ords().first(doc) else {
        return Ok(None);
    };
    if let Some(name) = names.get(&ord) {
        return Ok(Some(name.clone()));
    }
    let mut name = String::new();
    column.ord_to_str(ord, &mut name)?;
    names.insert(ord, name.clone());
    Ok(Some(name))
}

/// The stories a set of articles make.
fn stories(signatures: &[Signature]) -> u64 {
    Stories::group(signatures, SAME_STORY).count() as u64
}

/// The facets of the matched articles.
fn count(matched: &[Matched]) -> Facets {
    let all: Vec<Signature> = matched.iter().map(|m| m.signature).collect();
    let by = |value: &dyn Fn(&Matched) -> Option<String>| -> Vec<Count> {
        let mut groups: FxHashMap<String, Vec<Signature>> = FxHashMap::default();
        for article in matched {
            if let Some(value) = value(article) {
                groups.entry(value).or_default().push(article.signature);
            }
        }
        let mut counts: Vec<Count> = groups
            .into_iter()
            .map(|(value, signatures)| Count {
                value,
                stories: stories(&signatures),
            })
            .collect();
        counts.sort_by(|a, b| {
            b.stories
                .cmp(&a.stories)
                .then_with(|| a.value.cmp(&b.value))
        });
        counts.truncate(TOP_VALUES);
        counts
    };
    let (date_unit, dates) = date_counts(matched);
    Facets {
        stories: stories(&all),
        places: by(&|article| article.place.clone()),
        agencies: by(&|article| article.agency.clone()),
        date_unit: date_unit.name(),
        dates,
    }
}

/// A unit dates are counted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DateUnit {
    Day,
    Week,
    Month,
    Year,
}

impl DateUnit {
    fn name(self) -> &'static str {
        match self {
            DateUnit::Day => "day",
            DateUnit::Week => "week",
            DateUnit::Month => "month",
            DateUnit::Year => "year",
        }
    }

    /// The unit for matches spanning `days`: days up to two months, weeks up to a year and a
    /// half, months up to ten years, else years (at most about 80 bars).
    fn for_span(days: i64) -> DateUnit {
        match days {
            ..=62 => DateUnit::Day,
            63..=548 => DateUnit::Week,
            549..=3653 => DateUnit::Month,
            _ => DateUnit::Year,
        }
    }

    /// The first day of the unit that holds `day`.
    fn start(self, day: Day) -> Day {
        let (year, month, _) = day.date();
        match self {
            DateUnit::Day => day,
            // 1970-01-01 was a Thursday: Monday is three days before a multiple of 7 from it.
            DateUnit::Week => Day(day.0 - (day.0 + 3).rem_euclid(7)),
            DateUnit::Month => Day::from_date(year, month, 1).unwrap_or(day),
            DateUnit::Year => Day::from_date(year, 1, 1).unwrap_or(day),
        }
    }

    /// The first day of the unit after the one that starts on `start`.
    fn next(self, start: Day) -> Day {
        let (year, month, _) = start.date();
        match self {
            DateUnit::Day => Day(start.0 + 1),
            DateUnit::Week => Day(start.0 + 7),
            DateUnit::Month if month == 12 => Day::from_date(year + 1, 1, 1).unwrap_or(start),
            DateUnit::Month => Day::from_date(year, month + 1, 1).unwrap_or(start),
            DateUnit::Year => Day::from_date(year + 1, 1, 1).unwrap_or(start),
        }
    }
}

/// The matches' stories by date, a bar a unit from the first match's to the last's.
fn date_counts(matched: &[Matched]) -> (DateUnit, Vec<DateCount>) {
    let (Some(first), Some(last)) = (
        matched.iter().map(|m| m.day).min(),
        matched.iter().map(|m| m.day).max(),
    ) else {
        return (DateUnit::Day, Vec::new());
    };
    let unit = DateUnit::for_span(last.0 - first.0);
    let mut groups: FxHashMap<i64, Vec<Signature>> = FxHashMap::default();
    for article in matched {
        groups
            .entry(unit.start(article.day).0)
            .or_default()
            .push(article.signature);
    }
    let mut bars = Vec::new();
    let mut start = unit.start(first);
    while start <= last {
        let next = unit.next(start);
        let stories = groups
            .get(&start.0)
            .map_or(0, |signatures| stories(signatures));
        bars.push(DateCount {
            since: start.to_string(),
            until: Day(next.0 - 1).to_string(),
            stories,
        });
        if next <= start {
            break;
        }
        start = next;
    }
    (unit, bars)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unit_suits_the_span_and_units_start_where_a_calendar_does() {
        assert_eq!(DateUnit::for_span(0), DateUnit::Day);
        assert_eq!(DateUnit::for_span(200), DateUnit::Week);
        assert_eq!(DateUnit::for_span(2000), DateUnit::Month);
        assert_eq!(DateUnit::for_span(20_000), DateUnit::Year);
        let day = Day::from_date(2026, 12, 10).unwrap(); // a Thursday
        assert_eq!(DateUnit::Week.start(day).to_string(), "2026-12-07");
        assert_eq!(DateUnit::Month.start(day).to_string(), "2026-12-01");
        assert_eq!(
            DateUnit::Month.next(DateUnit::Month.start(day)).to_string(),
            "2027-01-01"
        );
        assert_eq!(DateUnit::Year.start(day).to_string(), "2026-01-01");
    }

    #[test]
    fn copies_count_once_and_each_value_counts_its_own_stories() {
        let story = Signature([1, 2, 3, 4]);
        let other = Signature([!1, !2, !3, !4]);
        let day = Day::from_date(1987, 3, 2).unwrap();
        let article = |place: &str, signature| Matched {
            place: Some(place.to_string()),
            agency: None,
            day,
            signature,
        };
        let facets = count(&[
            article("london", story),
            article("london", story),
            article("tokyo", story),
            article("tokyo", other),
        ]);
        assert_eq!(facets.stories, 2);
        let places: Vec<(&str, u64)> = facets
            .places
            .iter()
            .map(|c| (c.value.as_str(), c.stories))
            .collect();
        assert_eq!(places, [("tokyo", 2), ("london", 1)]);
        assert_eq!(facets.dates.len(), 1);
        assert_eq!(facets.dates[0].stories, 2);
    }
}
