//! Area search: exact code or name, name prefix, word prefix, substring, then fuzzy matches
//! (edit distance) so "Blakburn" finds Blackburn with Darwen.

use crate::snapshot::GeoIndex;
use lmi_core::{Area, AreaType};
use serde::Serialize;
use utoipa::ToSchema;

/// How an area matched the query, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Match {
    /// An area the postcode searched for lies in (listed first, TTWA first).
    Postcode,
    Exact,
    Prefix,
    Word,
    Substring,
    Fuzzy,
    /// No query: every area (of the type).
    All,
}

impl Match {
    pub fn as_str(self) -> &'static str {
        match self {
            Match::Postcode => "postcode",
            Match::Exact => "exact",
            Match::Prefix => "prefix",
            Match::Word => "word",
            Match::Substring => "substring",
            Match::Fuzzy => "fuzzy",
            Match::All => "all",
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchHit {
    pub code: String,
    pub name: String,
    #[serde(rename = "type")]
    pub area_type: AreaType,
    #[serde(rename = "match")]
    pub matched: Match,
}

/// Edits allowed for a fuzzy match of a query this long (in characters).
fn tolerance(len: usize) -> usize {
    match len {
        0..=3 => 0,
        4..=5 => 1,
        6..=9 => 2,
        _ => 3,
    }
}

/// Levenshtein distance, giving up (returning `max + 1`) once it must exceed `max`.
fn distance(a: &[char], b: &[char], max: usize) -> usize {
    if a.len().abs_diff(b.len()) > max {
        return max + 1;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        let mut row_min = cur[0];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
            row_min = row_min.min(cur[j + 1]);
        }
        if row_min > max {
            return max + 1;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Smallest distance between the query and any stretch of the name starting at a word, of
/// about the query's length.
fn fuzzy_distance(query: &[char], name: &str, max: usize) -> usize {
    let name: Vec<char> = name.chars().collect();
    let starts = (0..name.len()).filter(|&i| i == 0 || !name[i - 1].is_alphanumeric());
    let mut best = max + 1;
    for start in starts {
        for len in query.len().saturating_sub(max)..=query.len() + max {
            let end = start + len;
            if end > name.len() || len == 0 {
                continue;
            }
            best = best.min(distance(query, &name[start..end], max));
        }
    }
    best
}

pub fn search(geo: &GeoIndex, query: &str, area_type: Option<AreaType>) -> Vec<SearchHit> {
    let q = query.trim().to_lowercase();
    let candidates = || {
        geo.names
            .iter()
            .filter(move |(a, _)| area_type.is_none_or(|t| a.area_type == t))
    };
    let mut hits: Vec<(Match, usize, &Area)> = candidates()
        .filter_map(|(a, name)| {
            let m = if q.is_empty() {
                Match::All
            } else if a.code.eq_ignore_ascii_case(&q) || *name == q {
                Match::Exact
            } else if name.starts_with(&q) {
                Match::Prefix
            } else if name.match_indices(&q).any(|(i, _)| {
                !name[..i]
                    .chars()
                    .next_back()
                    .is_some_and(char::is_alphanumeric)
            }) {
                Match::Word
            } else if name.contains(&q) {
                Match::Substring
            } else {
                return None;
            };
            Some((m, 0, *a))
        })
        .collect();
    // Misspellings are a fallback, tried only when nothing matches as typed.
    let qc: Vec<char> = q.chars().collect();
    let max = tolerance(qc.len());
    if hits.is_empty() && max > 0 {
        hits = candidates()
            .filter_map(|(a, name)| {
                let d = fuzzy_distance(&qc, name, max);
                (d <= max).then_some((Match::Fuzzy, d, *a))
            })
            .collect();
    }
    hits.sort_by(|(ma, da, a), (mb, db, b)| {
        ma.cmp(mb)
            .then(da.cmp(db))
            .then(a.area_type.cmp(&b.area_type))
            .then(a.name.cmp(&b.name))
    });
    hits.into_iter()
        .map(|(m, _, a)| SearchHit {
            code: a.code.clone(),
            name: a.name.clone(),
            area_type: a.area_type,
            matched: m,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(q: &str, t: Option<AreaType>) -> Vec<(String, Match)> {
        let geo = GeoIndex::new(lmi_core::Geography::bundled().unwrap());
        search(&geo, q, t)
            .into_iter()
            .map(|h| (h.name, h.matched))
            .collect()
    }

    #[test]
    fn misspelt_names_are_found_after_proper_matches() {
        let hits = names("blakburn", Some(AreaType::Lad));
        assert_eq!(hits[0], ("Blackburn with Darwen".to_owned(), Match::Fuzzy));
        let hits = names("prestn", None);
        assert!(
            hits.iter()
                .any(|(n, m)| n == "Preston" && *m == Match::Fuzzy),
            "{hits:?}"
        );
        let hits = names("burnley", None);
        assert_eq!(hits[0].1, Match::Exact);
        // Short queries are never fuzzy: "xyz" matches nothing.
        assert!(names("xyz", None).is_empty());
    }

    #[test]
    fn a_word_inside_a_name_ranks_above_a_substring() {
        let hits = names("darwen", Some(AreaType::Lad));
        assert_eq!(hits[0], ("Blackburn with Darwen".to_owned(), Match::Word));
    }

    #[test]
    fn distance_is_levenshtein_with_a_cut_off() {
        let c = |s: &str| s.chars().collect::<Vec<_>>();
        assert_eq!(distance(&c("kitten"), &c("sitting"), 5), 3);
        assert_eq!(distance(&c("kitten"), &c("sitting"), 2), 3);
        assert_eq!(distance(&c("abc"), &c("abc"), 0), 0);
    }
}
